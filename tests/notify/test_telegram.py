"""Telegram messages go out through the queue and the real python-telegram-bot, against the
local fake Bot API: sent once, retried when Telegram asks, given up when refused for good."""

from __future__ import annotations

import asyncio
import datetime as dt
import io
import threading
import time
import uuid

import environ
import pytest
from django.core.cache import caches
from django.core.management import call_command
from django.db import connection, connections, transaction
from django.test import override_settings
from django.utils import timezone

from apps.notify import limiter, services, tasks
from apps.notify.models import OutgoingMessage
from tests.fakes.worker import redis_listening
from tests.notify.factories import make_due, queue_telegram, reload
from tests.students.factories import StudentFactory

pytestmark = pytest.mark.django_db

Status = OutgoingMessage.Status
BUTTONS = {"inline_keyboard": [[{"text": "Practise now", "callback_data": "practice:start"}]]}


def test_a_queued_message_is_sent_after_the_commit_with_its_buttons(
    fake_telegram, django_capture_on_commit_callbacks
):
    student = StudentFactory()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        message = queue_telegram(
            chat_id=555_001, text="আজকের অনুশীলন", reply_markup=BUTTONS, student=student
        )
        assert fake_telegram.calls() == []  # nothing leaves before the commit
    assert reload(message).status == Status.QUEUED
    for callback in callbacks:
        callback()

    [params] = fake_telegram.sent(chat_id=555_001)
    assert params["text"] == "আজকের অনুশীলন"
    assert params["reply_markup"] == BUTTONS
    sent = reload(message)
    assert (sent.status, sent.attempts, sent.provider_message_id) == (Status.SENT, 1, "1")
    assert sent.sent_at is not None and sent.student == student and sent.last_error == ""


def test_a_message_queued_in_a_transaction_that_rolls_back_is_never_sent(
    fake_telegram, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        queue_telegram()
        raise RuntimeError("the caller fails after queueing")
    assert not OutgoingMessage.objects.exists()
    assert fake_telegram.calls() == []


def test_a_dedupe_key_used_before_returns_the_first_message_and_sends_nothing_more(
    fake_telegram, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = queue_telegram(text="Your streak: 5 days", kind="reminder", dedupe_key="r:1:day")
        again = queue_telegram(text="Your streak: 5 days", kind="reminder", dedupe_key="r:1:day")
    assert again.pk == first.pk
    assert OutgoingMessage.objects.count() == 1
    assert fake_telegram.texts() == ["Your streak: 5 days"]


def test_a_task_run_again_for_a_sent_message_sends_nothing(
    fake_telegram, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        message = queue_telegram()
    assert tasks.deliver.delay(message.pk) is not None  # acks_late: the task may run twice
    assert tasks.deliver.apply(args=[message.pk]).get() == "nothing to do"
    assert len(fake_telegram.calls("sendMessage")) == 1
    assert reload(message).attempts == 1


def test_a_message_another_worker_has_claimed_is_left_to_it(fake_telegram):
    message = queue_telegram()  # on_commit never runs here: the row is only queued
    OutgoingMessage.objects.filter(pk=message.pk).update(
        status=Status.SENDING, claimed_at=timezone.now()
    )
    assert services.message_deliver(message_id=message.pk).outcome == "nothing to do"
    assert fake_telegram.calls() == []


def test_telegrams_retry_after_is_honoured(fake_telegram, django_capture_on_commit_callbacks):
    fake_telegram.fail("sendMessage", status=429, retry_after=7)
    before = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        message = queue_telegram()
    after = timezone.now()
    waiting = reload(message)
    assert waiting.status == Status.QUEUED and waiting.attempts == 1
    assert "retry after 7" in waiting.last_error.lower() or "7" in waiting.last_error
    assert waiting.next_attempt_at is not None
    assert before + dt.timedelta(seconds=7) <= waiting.next_attempt_at
    assert waiting.next_attempt_at <= after + dt.timedelta(seconds=7)

    # Before its time, neither a task nor the sweeper sends it.
    assert services.message_deliver(message_id=message.pk).outcome == "not due"
    assert tasks.send_due.apply().get() == 0
    assert fake_telegram.sent() == []

    make_due(message)
    assert tasks.send_due.apply().get() == 1
    assert len(fake_telegram.sent()) == 1
    sent = reload(message)
    assert (sent.status, sent.attempts) == (Status.SENT, 2)


def test_a_user_who_blocked_the_bot_fails_the_message_for_good(
    fake_telegram, django_capture_on_commit_callbacks
):
    fake_telegram.fail("sendMessage", status=403, chat_id=555_002)
    with django_capture_on_commit_callbacks(execute=True):
        blocked = queue_telegram(chat_id=555_002)
        other = queue_telegram(chat_id=555_003)
    failed = reload(blocked)
    assert failed.status == Status.FAILED and failed.attempts == 1
    assert "blocked by the user" in failed.last_error
    assert reload(other).status == Status.SENT
    OutgoingMessage.objects.filter(pk=blocked.pk).update(
        created_at=timezone.now() - dt.timedelta(hours=1)
    )
    assert tasks.send_due.apply().get() == 0  # never tried again
    assert len(fake_telegram.calls("sendMessage")) == 2


def test_chat_not_found_fails_the_message(fake_telegram, django_capture_on_commit_callbacks):
    fake_telegram.fail("sendMessage", status=400)
    with django_capture_on_commit_callbacks(execute=True):
        message = queue_telegram()
    failed = reload(message)
    assert failed.status == Status.FAILED
    assert "chat not found" in failed.last_error.lower()


def test_server_errors_back_off_exponentially_then_give_up(
    fake_telegram, django_capture_on_commit_callbacks, settings
):
    settings.NOTIFY_MAX_ATTEMPTS = 3
    settings.NOTIFY_RETRY_BASE_SECONDS = 10
    fake_telegram.fail("sendMessage", status=500, times=3)
    with django_capture_on_commit_callbacks(execute=True):
        message = queue_telegram()
    waits = []
    for _ in range(2):
        waiting = reload(message)
        assert waiting.status == Status.QUEUED
        assert waiting.next_attempt_at is not None
        waits.append(waiting.next_attempt_at - timezone.now())
        make_due(message)
        tasks.send_due.apply()
    assert dt.timedelta(seconds=8) < waits[0] <= dt.timedelta(seconds=10)
    assert dt.timedelta(seconds=18) < waits[1] <= dt.timedelta(seconds=20)
    given_up = reload(message)
    assert given_up.status == Status.FAILED and given_up.attempts == 3
    assert given_up.last_error.startswith("Gave up after 3 attempts")
    assert fake_telegram.sent() == []


def test_a_lost_answer_is_not_sent_again(fake_telegram, django_capture_on_commit_callbacks):
    """The request reached Telegram and the connection dropped: it may have been delivered,
    so it is marked failed (delivery unknown) and never resent by the sweeper."""
    fake_telegram.fail("sendMessage", drop=True)
    with django_capture_on_commit_callbacks(execute=True):
        message = queue_telegram()
    failed = reload(message)
    assert failed.status == Status.FAILED
    assert failed.last_error.startswith(services.UNKNOWN_PREFIX)
    OutgoingMessage.objects.filter(pk=message.pk).update(
        created_at=timezone.now() - dt.timedelta(hours=1)
    )
    tasks.send_due.apply()
    assert len(fake_telegram.calls("sendMessage")) == 1


def test_telegram_down_is_retried(fake_telegram, django_capture_on_commit_callbacks, settings):
    """No connection at all (nothing reached Telegram): safe to try again later."""
    settings.TELEGRAM_API_BASE_URL = "http://127.0.0.1:9"  # discard port: refused
    with django_capture_on_commit_callbacks(execute=True):
        message = queue_telegram()
    waiting = reload(message)
    assert waiting.status == Status.QUEUED and waiting.attempts == 1
    assert waiting.last_error
    settings.TELEGRAM_API_BASE_URL = fake_telegram.url
    make_due(message)
    tasks.send_due.apply()
    assert reload(message).status == Status.SENT


def test_a_claim_left_by_a_dead_worker_is_closed_as_unknown_and_not_resent(fake_telegram):
    message = queue_telegram()
    OutgoingMessage.objects.filter(pk=message.pk).update(
        status=Status.SENDING, claimed_at=timezone.now() - dt.timedelta(hours=1), attempts=1
    )
    tasks.send_due.apply()
    failed = reload(message)
    assert failed.status == Status.FAILED
    assert failed.last_error.startswith(services.UNKNOWN_PREFIX)
    assert fake_telegram.calls() == []


def test_a_message_whose_task_was_lost_is_sent_by_the_sweeper(fake_telegram):
    message = queue_telegram()  # its on-commit task never ran (the broker was down)
    assert tasks.send_due.apply().get() == 0  # a fresh message is its own task's
    OutgoingMessage.objects.filter(pk=message.pk).update(
        created_at=timezone.now() - dt.timedelta(minutes=5)
    )
    assert tasks.send_due.apply().get() == 1
    assert reload(message).status == Status.SENT


def test_without_a_token_messages_wait_until_telegram_is_configured(
    fake_telegram, django_capture_on_commit_callbacks, settings
):
    settings.TELEGRAM_BOT_TOKEN = ""
    with django_capture_on_commit_callbacks(execute=True):
        message = queue_telegram()
    assert reload(message).status == Status.QUEUED
    assert fake_telegram.calls() == []
    settings.TELEGRAM_BOT_TOKEN = fake_telegram.token
    OutgoingMessage.objects.filter(pk=message.pk).update(
        created_at=timezone.now() - dt.timedelta(minutes=5)
    )
    tasks.send_due.apply()
    assert reload(message).status == Status.SENT


def test_one_message_a_second_per_chat(fake_telegram, settings):
    settings.NOTIFY_TELEGRAM_PER_CHAT_PER_SECOND = 0.01  # one per 100 s: no race with the clock
    first, second = queue_telegram(chat_id=777, text="1"), queue_telegram(chat_id=777, text="2")
    elsewhere = queue_telegram(chat_id=778, text="3")

    assert services.message_deliver(message_id=first.pk).outcome == Status.SENT
    step = services.message_deliver(message_id=second.pk)
    assert step.outcome == "paced" and step.retry_in == pytest.approx(100)
    third = queue_telegram(chat_id=777, text="2b")  # held behind the second
    assert services.message_deliver(message_id=third.pk).retry_in == pytest.approx(200)
    assert services.message_deliver(message_id=elsewhere.pk).outcome == Status.SENT

    held = reload(second)
    assert (held.status, held.attempts) == (Status.QUEUED, 0)  # pacing is not a failed attempt
    assert held.next_attempt_at is not None and held.next_attempt_at > timezone.now()
    assert fake_telegram.texts() == ["1", "3"]


def test_the_global_limit_is_shared_within_a_second(settings):
    settings.NOTIFY_TELEGRAM_GLOBAL_PER_SECOND = 2
    settings.NOTIFY_TELEGRAM_PER_CHAT_PER_SECOND = 0
    second = 1_800_000_000.25
    assert limiter.telegram_wait("1", now=second) == 0
    assert limiter.telegram_wait("2", now=second + 0.1) == 0
    assert limiter.telegram_wait("3", now=second + 0.2) == pytest.approx(0.55)
    assert limiter.telegram_wait("4", now=second + 0.3) == pytest.approx(0.45)
    # A burst is spread: the fifth over this second's limit of two waits for the third second.
    assert limiter.telegram_wait("5", now=second + 0.3) == pytest.approx(1.45)
    assert limiter.telegram_wait("6", now=second + 1) == 0  # the next second


def test_a_group_that_became_a_supergroup_gets_the_message_at_its_new_id(
    fake_telegram, django_capture_on_commit_callbacks
):
    fake_telegram.fail(
        "sendMessage",
        status=400,
        description="Bad Request: group chat was upgraded to a supergroup chat",
        migrate_to_chat_id=-1001234567890,
    )
    with django_capture_on_commit_callbacks(execute=True):
        message = queue_telegram(chat_id=-4001)
    moved = reload(message)
    assert (moved.status, moved.to) == (Status.QUEUED, "-1001234567890")
    tasks.send_due.apply()
    assert reload(message).status == Status.SENT
    assert fake_telegram.texts(chat_id=-1001234567890) == ["Hello"]


def test_the_command_sends_what_is_due(fake_telegram, django_capture_on_commit_callbacks):
    fake_telegram.fail("sendMessage", status=500)
    with django_capture_on_commit_callbacks(execute=True):
        message = queue_telegram()
    make_due(message)
    out = io.StringIO()
    call_command("send_due_messages", stdout=out)
    assert out.getvalue().splitlines() == [
        "1 message due was sent on.",
        "0 sends stopped by a worker were marked failed.",
    ]
    assert reload(message).status == Status.SENT


@pytest.mark.django_db(transaction=True)  # the loop's ORM calls use a connection of their own
def test_a_caller_inside_an_event_loop_still_sends(fake_telegram, monkeypatch, settings):
    """python-telegram-bot's coroutine gets a thread of its own when this one runs a loop."""
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # the ORM call below, in a loop
    settings.TELEGRAM_BOT_TOKEN = ""  # committed at once, but left queued
    message = queue_telegram(text="from async code")
    settings.TELEGRAM_BOT_TOKEN = fake_telegram.token

    async def caller() -> str:
        try:
            return services.message_deliver(message_id=message.pk, pace=False).outcome
        finally:
            connections.close_all()

    assert asyncio.run(caller()) == Status.SENT
    assert fake_telegram.texts() == ["from async code"]


@pytest.mark.django_db(transaction=True)
def test_two_callers_racing_with_one_dedupe_key_queue_and_send_one_message(fake_telegram):
    """The second insert waits on the first's uncommitted row; when the first commits, the
    second gets the first's message back and sends nothing (PostgreSQL: two connections)."""
    if connection.vendor != "postgresql":
        pytest.skip("two connections at once need PostgreSQL")
    inserted, release = threading.Event(), threading.Event()
    results: dict[str, OutgoingMessage] = {}

    def caller(name: str) -> None:
        try:
            if name == "second":
                inserted.wait(30)
            with transaction.atomic():
                results[name] = queue_telegram(text="once", dedupe_key="report:1:2026-W49")
                if name == "first":
                    inserted.set()
                    release.wait(30)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=caller, args=(name,)) for name in ("first", "second")]
    for thread in threads:
        thread.start()
    with connection.cursor() as cursor:  # wait until the second insert is blocked on the first
        for _ in range(3000):
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE wait_event_type = 'Lock' AND datname = current_database()"
            )
            if cursor.fetchone()[0]:
                break
            time.sleep(0.01)
    release.set()
    for thread in threads:
        thread.join(30)

    assert results["first"].pk == results["second"].pk
    assert OutgoingMessage.objects.count() == 1
    assert fake_telegram.texts() == ["once"]


@pytest.mark.skipif(not redis_listening(), reason="no Redis server on 127.0.0.1:6379")
def test_the_limits_hold_in_redis_as_production_shares_them(settings):
    """Production's cache: the counters are Redis's (atomic across workers)."""
    settings.NOTIFY_TELEGRAM_GLOBAL_PER_SECOND = 1
    settings.NOTIFY_TELEGRAM_PER_CHAT_PER_SECOND = 0.01
    redis = environ.Env.cache_url_config("redis://127.0.0.1:6379/12")
    with override_settings(CACHES={"default": {**redis, "KEY_PREFIX": uuid.uuid4().hex}}):
        assert type(caches["default"]).__name__ == "RedisCache"
        second = 1_800_000_000.5
        assert limiter.telegram_wait("1", now=second) == 0
        assert limiter.telegram_wait("1", now=second) == pytest.approx(100)  # the chat
        assert limiter.telegram_wait("2", now=second) == pytest.approx(0.5)  # the bot
        assert limiter.telegram_wait("3", now=second + 1) == 0
