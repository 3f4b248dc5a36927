"""Messages out: queue one (in the caller's transaction), deliver it (the worker), sweep what is
due, retry what failed.

Delivery guarantees (README, "Messages out"):

- **never lost**: the row is written in the caller's transaction and the task is sent after
  the commit; a message whose task went missing is sent by the sweeper (`notify.send_due`);
- **never sent twice**: a worker first *claims* the row (queued → sending, one conditional
  UPDATE that only one worker can win), then calls the provider outside any transaction, then
  records the outcome. A task for a message that is no longer queued does nothing;
- **at most once** when the outcome is unknown: if a worker dies between the provider's call
  and the update, or the request went out and no answer came back, the provider may have
  delivered it, so the message is marked failed ("delivery unknown") and not sent again; staff
  can send it again from the admin. A duplicate reminder or a second paid SMS is worse for a
  student or a guardian than a rare message that needs a look.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.billing import services as billing
from apps.billing.models import CostRecord
from apps.billing.pricing import MICRODOLLAR
from apps.core.errors import DarsError
from apps.notify import domain, limiter, providers
from apps.notify.models import OutgoingMessage
from apps.notify.segments import count_segments
from apps.students.models import Guardian, Student

Status = OutgoingMessage.Status
Channel = OutgoingMessage.Channel

UNKNOWN_PREFIX = "Delivery unknown, not sent again"
# A queued message without a due time is the on-commit task's for this long; then the sweeper
# sends it (its task was lost: a broker that was down at the commit).
_FRESH_SECONDS = 30
_SWEEP_BATCH = 500


def _invalid(field: str, message: str) -> DarsError:
    return DarsError(message, code="invalid_message", details={"field": field})


def _validate(message: OutgoingMessage) -> None:
    channel, to, text, kind = message.channel, message.to, message.text, message.kind
    reply_markup, dedupe_key = message.reply_markup, message.dedupe_key
    if channel not in domain.CHANNELS:
        raise _invalid(
            "channel", _("Unknown channel %(channel)r: use telegram or sms.") % {"channel": channel}
        )
    if kind not in domain.KINDS:
        raise _invalid(
            "kind",
            _("Unknown message kind %(kind)r: use one of %(kinds)s.")
            % {"kind": kind, "kinds": ", ".join(domain.KINDS)},
        )
    if not isinstance(text, str) or not text.strip():
        raise _invalid("text", _("The message text is empty."))
    if "\x00" in text:
        raise _invalid("text", _("The message text contains a NUL character."))
    if channel == Channel.TELEGRAM:
        if not isinstance(to, str) or not domain.is_chat_id(to):
            raise _invalid(
                "to", _("%(to)r is not a Telegram chat id (digits, - for a group).") % {"to": to}
            )
        length = domain.utf16_length(text)
        if length > domain.TELEGRAM_TEXT_LIMIT:
            raise _invalid(
                "text",
                _("The text is %(length)d characters long; Telegram takes at most %(limit)d.")
                % {"length": length, "limit": domain.TELEGRAM_TEXT_LIMIT},
            )
        if reply_markup is not None and not _is_json_object(reply_markup):
            raise _invalid("reply_markup", _("Buttons must be a JSON object (reply_markup)."))
    else:
        if not isinstance(to, str) or not domain.is_e164(to):
            raise _invalid(
                "to",
                _("%(to)r is not a phone number in international format, e.g. +8801712345678.")
                % {"to": to},
            )
        if len(text) > domain.SMS_TEXT_LIMIT:
            raise _invalid(
                "text",
                _("The text is %(length)d characters long; an SMS takes at most %(limit)d.")
                % {"length": len(text), "limit": domain.SMS_TEXT_LIMIT},
            )
        if reply_markup is not None:
            raise _invalid("reply_markup", _("An SMS has no buttons (reply_markup)."))
    if dedupe_key is not None and (
        not isinstance(dedupe_key, str)
        or not dedupe_key
        or len(dedupe_key) > domain.DEDUPE_KEY_LIMIT
    ):
        raise _invalid(
            "dedupe_key",
            _("The deduplication key must be 1 to %(limit)d characters.")
            % {"limit": domain.DEDUPE_KEY_LIMIT},
        )


def _is_json_object(value: object) -> bool:
    if not isinstance(value, dict):
        return False
    try:
        json.dumps(value)
    except (TypeError, ValueError):
        return False
    return True


def _send(message_id: int) -> None:
    from apps.notify.tasks import deliver  # the task module imports this one

    deliver.delay(message_id)


def _send_after_commit(message_id: int) -> None:
    transaction.on_commit(lambda: _send(message_id))


def message_queue(
    *,
    channel: str,
    to: str,
    text: str,
    kind: str,
    dedupe_key: str | None = None,
    reply_markup: dict | None = None,
    student: Student | None = None,
    guardian: Guardian | None = None,
) -> OutgoingMessage:
    """Queue one message, in the caller's transaction; `notify.deliver` sends it after the
    commit. With a `dedupe_key` already used, the existing message is returned and nothing is
    sent (the unique constraint decides a race). Invalid input raises `DarsError`
    (code `invalid_message`, `details.field`) and writes nothing."""
    message = OutgoingMessage(
        channel=channel,
        to=to,
        text=text,
        kind=kind,
        dedupe_key=dedupe_key,
        reply_markup=reply_markup,
        student=student,
        guardian=guardian,
    )
    _validate(message)
    if dedupe_key is None:
        message.save()
    else:
        try:
            with transaction.atomic():  # a savepoint: the caller's transaction goes on
                message.save()
        except IntegrityError:
            existing = OutgoingMessage.objects.filter(dedupe_key=dedupe_key).first()
            if existing is None:
                raise
            return existing
    _send_after_commit(message.pk)
    return message


@dataclass(frozen=True)
class Step:
    """What one delivery attempt did; `retry_in`: seconds until the message is due again."""

    outcome: str
    retry_in: float | None = None


def _channel_ready(channel: str) -> bool:
    if channel == Channel.TELEGRAM:
        return providers.telegram_enabled()
    return providers.sms_enabled()


def message_deliver(*, message_id: int, pace: bool = True) -> Step:
    """One attempt at one message (the `notify.deliver` task). `pace`: hold Telegram messages
    to its flood limits (a worker; an in-process run without a broker sends at once)."""
    now = timezone.now()
    message = OutgoingMessage.objects.filter(pk=message_id).first()
    if message is None or message.status != Status.QUEUED:
        return Step("nothing to do")
    if message.next_attempt_at is not None and message.next_attempt_at > now:
        return Step("not due", retry_in=(message.next_attempt_at - now).total_seconds())
    if not _channel_ready(message.channel):
        return Step("channel off")  # stays queued; sent once the channel is configured
    if pace and message.channel == Channel.TELEGRAM:
        wait = limiter.telegram_wait(message.to)
        if wait > 0:
            OutgoingMessage.objects.filter(pk=message.pk, status=Status.QUEUED).update(
                next_attempt_at=now + dt.timedelta(seconds=wait)
            )
            return Step("paced", retry_in=wait)
    claimed = (
        OutgoingMessage.objects.filter(pk=message.pk, status=Status.QUEUED)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .update(status=Status.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    )
    if not claimed:
        return Step("claimed elsewhere")
    message.refresh_from_db()
    if message.channel == Channel.TELEGRAM:
        delivery = providers.guarded(
            lambda: providers.telegram_send(
                chat_id=message.to, text=message.text, reply_markup=message.reply_markup
            )
        )
        return _record(message, delivery)
    return _deliver_sms(message)


def _sms_cost(segments: int, price: Decimal) -> Decimal:
    return (segments * price).quantize(MICRODOLLAR)


def _deliver_sms(message: OutgoingMessage) -> Step:
    price = billing.sms_price_for(message.to)
    if price is None:
        return _finish(
            message,
            Status.SKIPPED,
            f"No SMS price for {message.to}: add one in the admin (SMS prices).",
        )
    estimate = count_segments(message.text).segments
    spend = billing.month_spend(
        student=None, now=timezone.now(), operations=[CostRecord.Operation.NOTIFICATION]
    ).total
    budget = settings.NOTIFY_SMS_MONTHLY_BUDGET_USD
    cost = _sms_cost(estimate, price)
    if spend + cost > budget:
        return _finish(
            message,
            Status.SKIPPED,
            f"Over the monthly SMS budget: {spend} USD spent + {cost} USD for "
            f"{estimate} segment(s) > {budget} USD (NOTIFY_SMS_MONTHLY_BUDGET_USD).",
        )
    delivery = providers.guarded(lambda: providers.sms_send(to=message.to, text=message.text))
    if not delivery.reached_provider:
        return _record(message, delivery)
    segments = delivery.segments or estimate
    with transaction.atomic():
        billing.cost_record_create(
            operation=CostRecord.Operation.NOTIFICATION,
            provider=CostRecord.Provider.TWILIO,
            model="sms",
            cost=_sms_cost(segments, price) if delivery.outcome == providers.SENT else Decimal(0),
            student=message.student,
            guardian=message.guardian,
            error=delivery.error,
        )
        return _record(message, delivery, segments=segments)


def _finish(message: OutgoingMessage, status: str, error: str) -> Step:
    OutgoingMessage.objects.filter(pk=message.pk, status=Status.SENDING).update(
        status=status, last_error=error[:500], claimed_at=None
    )
    return Step(status)


def _record(
    message: OutgoingMessage, delivery: providers.Delivery, *, segments: int | None = None
) -> Step:
    """Store an attempt's outcome on the claimed row."""
    now = timezone.now()
    claim = OutgoingMessage.objects.filter(pk=message.pk, status=Status.SENDING)
    if delivery.outcome == providers.SENT:
        claim.update(
            status=Status.SENT,
            sent_at=now,
            claimed_at=None,
            provider_message_id=delivery.provider_message_id[:64],
            last_error="",
            segments=segments,
        )
        return Step(Status.SENT)
    if delivery.outcome == providers.FAILED:
        claim.update(status=Status.FAILED, last_error=delivery.error[:500], claimed_at=None)
        return Step(Status.FAILED)
    if delivery.outcome == providers.UNKNOWN:
        error = f"{UNKNOWN_PREFIX}: {delivery.error}"
        claim.update(status=Status.FAILED, last_error=error[:500], claimed_at=None)
        return Step(Status.FAILED)
    if message.attempts >= settings.NOTIFY_MAX_ATTEMPTS:
        error = f"Gave up after {message.attempts} attempts: {delivery.error}"
        claim.update(status=Status.FAILED, last_error=error[:500], claimed_at=None)
        return Step(Status.FAILED)
    wait = delivery.retry_after
    if wait is None:
        wait = domain.backoff_seconds(
            message.attempts,
            base=settings.NOTIFY_RETRY_BASE_SECONDS,
            cap=settings.NOTIFY_RETRY_MAX_SECONDS,
        )
    if delivery.migrate_to:
        wait = 0.0  # the chat moved: send it to the new chat id now
    claim.update(
        status=Status.QUEUED,
        claimed_at=None,
        next_attempt_at=now + dt.timedelta(seconds=wait),
        last_error=delivery.error[:500],
        to=delivery.migrate_to or message.to,
    )
    return Step("retry", retry_in=wait)


@dataclass(frozen=True)
class Sweep:
    abandoned: int  # claims of a worker that died: marked failed (delivery unknown)
    due: list[int]  # queued messages whose time has come (or whose task was lost)


def messages_sweep(*, now: dt.datetime | None = None) -> Sweep:
    """Close claims left by dead workers; list the queued messages to send now."""
    now = now or timezone.now()
    lease = now - dt.timedelta(seconds=settings.NOTIFY_SENDING_LEASE_SECONDS)
    abandoned = OutgoingMessage.objects.filter(status=Status.SENDING, claimed_at__lt=lease).update(
        status=Status.FAILED,
        claimed_at=None,
        last_error=f"{UNKNOWN_PREFIX}: the worker stopped during the provider's call.",
    )
    fresh = now - dt.timedelta(seconds=_FRESH_SECONDS)
    # A channel that is off keeps its messages queued: they must not fill the batch.
    ready = [channel for channel in Channel.values if _channel_ready(channel)]
    due = list(
        OutgoingMessage.objects.filter(status=Status.QUEUED, channel__in=ready)
        .filter(Q(next_attempt_at__lte=now) | Q(next_attempt_at__isnull=True, created_at__lt=fresh))
        .order_by("next_attempt_at", "id")
        .values_list("pk", flat=True)[:_SWEEP_BATCH]
    )
    return Sweep(abandoned=abandoned, due=due)


def messages_send_due() -> Sweep:
    """The sweeper (`notify.send_due`, `send_due_messages`): close dead workers' claims and
    send every message that is due (to the worker, or at once without a broker)."""
    sweep = messages_sweep()
    for message_id in sweep.due:
        _send(message_id)
    return sweep


def messages_retry(*, message_ids: Iterable[int]) -> int:
    """Send failed or skipped messages again (the admin's action): queued afresh, with their
    attempts reset. Returns how many were re-queued."""
    ids = list(
        OutgoingMessage.objects.filter(
            pk__in=list(message_ids), status__in=[Status.FAILED, Status.SKIPPED]
        ).values_list("pk", flat=True)
    )
    with transaction.atomic():
        count = OutgoingMessage.objects.filter(
            pk__in=ids, status__in=[Status.FAILED, Status.SKIPPED]
        ).update(status=Status.QUEUED, attempts=0, next_attempt_at=None)
        for message_id in ids:
            _send_after_commit(message_id)
    return count
