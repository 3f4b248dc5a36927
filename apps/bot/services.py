"""Writes of the bot: an update handled exactly once, a chat that floods it throttled, and the
record of handled updates pruned.

Telegram delivers an update again until the webhook answers 200. Each handled update's id is
stored (`ProcessedUpdate`, unique `update_id`) in the same transaction as its effects and the
replies it queues, so a second delivery — later, or at the same moment — does nothing: the
unique constraint decides, and on PostgreSQL the second insert waits for the first
transaction and then fails. Answers are judged just before that transaction (see
`handlers`): judging commits on its own, so two deliveries arriving together are taken one at
a time (an advisory lock on the update id) and the second finds the update claimed.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from telegram import Update

from apps.bot import domain, handlers
from apps.bot.handlers import Incoming, Outcome
from apps.bot.models import ProcessedUpdate
from apps.core.errors import DarsError
from apps.notify.services import message_queue
from apps.students.models import Student

logger = logging.getLogger(__name__)

MAX_UPDATE_ID = 2**63 - 1


class UpdateInvalid(DarsError):
    """The body is JSON but not a Telegram update the bot can read."""

    status = 400
    code = "invalid_update"


@dataclass(frozen=True)
class Handled:
    duplicate: bool = False
    throttled: bool = False
    # The one Bot API call the webhook may answer with (answerCallbackQuery for a button).
    reply_method: dict[str, Any] | None = None


def update_parse(data: Any) -> tuple[int, Incoming | None]:
    """The update's id and what the bot acts on (None: nothing, e.g. a group message), read
    with python-telegram-bot's types; `UpdateInvalid` for anything that is not an update."""
    if not isinstance(data, dict):
        raise UpdateInvalid(_("An update is a JSON object."))
    update_id = data.get("update_id")
    if type(update_id) is not int or not 0 <= update_id <= MAX_UPDATE_ID:
        raise UpdateInvalid(_("An update needs a whole-number update_id."))
    try:
        update = Update.de_json(data, None)
        incoming = handlers.incoming_from(update)
    except Exception as error:  # the library reads field by field; any shape error lands here
        raise UpdateInvalid(
            _("This is not a Telegram update: %(error)s") % {"error": error}
        ) from error
    if incoming is not None and not _ids_valid(incoming):
        raise UpdateInvalid(_("This is not a Telegram update: an id is not a number."))
    return update_id, incoming


def _ids_valid(incoming: Incoming) -> bool:
    ids = (incoming.chat_id, incoming.user_id)
    return all(type(i) is int and abs(i) <= MAX_UPDATE_ID for i in ids) and (
        incoming.text is None or isinstance(incoming.text, str)
    )


def update_process(*, data: Any, now: dt.datetime | None = None) -> Handled:
    """Handle one webhook delivery: its effects, its replies queued, its id recorded; a
    delivery already handled does nothing."""
    now = now or timezone.now()
    update_id, incoming = update_parse(data)
    if incoming is not None:
        notice = chat_throttle(incoming=incoming, now=now)
        if notice is not None:
            return Handled(throttled=True, reply_method=_callback_answer(incoming, notice))
    with _one_delivery_at_a_time(update_id):
        return _process(update_id, incoming, now)


@contextmanager
def _one_delivery_at_a_time(update_id: int) -> Iterator[None]:
    """Two deliveries of one update arriving together are handled one after the other (on
    PostgreSQL, a session advisory lock keyed by the update id): an answer is judged before
    the update is claimed, so without it both could judge — the second one the next problem,
    with the same text. The second then finds the update claimed."""
    if connection.vendor != "postgresql":  # SQLite: one writer at a time anyway
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s)", [update_id])
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [update_id])


def _process(update_id: int, incoming: Incoming | None, now: dt.datetime) -> Handled:
    if ProcessedUpdate.objects.filter(update_id=update_id).exists():
        return Handled(duplicate=True, reply_method=_callback_answer(incoming))
    if incoming is None:
        with transaction.atomic():
            duplicate = not _claim(update_id, now)
        return Handled(duplicate=duplicate)
    route = handlers.route(incoming, now)
    if route.in_transaction:
        with transaction.atomic():
            if not _claim(update_id, now):
                return Handled(duplicate=True, reply_method=_callback_answer(incoming))
            outcome = route.run()
            _queue(incoming, outcome)
    else:
        outcome = route.run()
        with transaction.atomic():
            if not _claim(update_id, now):
                return Handled(duplicate=True, reply_method=_callback_answer(incoming))
            _queue(incoming, outcome)
    return Handled(reply_method=_callback_answer(incoming, outcome.toast))


def _claim(update_id: int, now: dt.datetime) -> bool:
    """Record the update as handled; False if it already was (a concurrent delivery)."""
    try:
        with transaction.atomic():
            ProcessedUpdate.objects.create(update_id=update_id, processed_at=now)
    except IntegrityError:
        return False
    return True


def _queue(incoming: Incoming, outcome: Outcome) -> None:
    for reply in outcome.replies:
        message_queue(
            channel="telegram",
            to=str(incoming.chat_id),
            text=reply.text,
            kind="reply",
            reply_markup=reply.reply_markup,
            student=outcome.student,
        )


def _callback_answer(incoming: Incoming | None, text: str | None = None) -> dict[str, Any] | None:
    """A button press is answered (answerCallbackQuery) in the webhook's own response, so
    the student's button stops spinning at once."""
    if incoming is None or incoming.callback_id is None:
        return None
    method: dict[str, Any] = {
        "method": "answerCallbackQuery",
        "callback_query_id": incoming.callback_id,
    }
    if text:
        method["text"] = text
    return method


# --- throttling ------------------------------------------------------------------------------


def chat_throttle(*, incoming: Incoming, now: dt.datetime) -> str | None:
    """None while this chat has sent at most `BOT_CHAT_RATE` updates in the current window;
    past that, the polite notice (in the student's language) and the update is dropped. The
    first message over the limit gets the notice as a message, a button press as the
    button's notice. If the cache is down the chat is not throttled (the practice API's own
    limits still hold)."""
    rate = domain.parse_rate(settings.BOT_CHAT_RATE)
    if rate is None:
        return None
    limit, period = rate
    key = f"bot:chat:{incoming.chat_id}:{int(now.timestamp()) // period}"
    try:
        cache.add(key, 0, period + 1)
        count = int(cache.incr(key))
    except Exception as error:  # any cache backend error: Redis down, timeout, refused
        logger.warning("bot throttle cache unavailable, not throttling: %s", error)
        return None
    if count <= limit:
        return None
    student = Student.objects.filter(telegram_id=incoming.user_id).first()
    with translation.override(student.language if student else "bn"):
        notice = _("You are sending messages very fast. Please wait a minute, then try again.")
    if count == limit + 1 and incoming.callback_id is None:
        message_queue(
            channel="telegram",
            to=str(incoming.chat_id),
            text=notice,
            kind="reply",
            reply_markup=None,
            student=student,
        )
    return notice


# --- housekeeping ----------------------------------------------------------------------------


def processed_updates_prune(*, now: dt.datetime | None = None) -> int:
    """Forget updates handled more than `BOT_PROCESSED_UPDATES_KEEP_DAYS` ago (Telegram gives
    up redelivering an update within a day)."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=settings.BOT_PROCESSED_UPDATES_KEEP_DAYS)
    deleted, _rows = ProcessedUpdate.objects.filter(processed_at__lt=cutoff).delete()
    return int(deleted)
