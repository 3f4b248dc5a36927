"""A real Celery worker (as production runs it) takes notify.deliver from Redis and sends
through the fake Telegram: pacing and Telegram's 429 become countdowns, a refusal is final, and
a task delivered twice sends once."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Iterator

import pytest
from celery import Celery
from django.db import connection, transaction
from kombu import pools as kombu_pools

from apps.notify.models import OutgoingMessage
from apps.notify.tasks import deliver
from dars.celery import app
from tests.fakes.worker import celery_worker, redis_listening
from tests.notify.factories import queue_telegram

BROKER = "redis://127.0.0.1:6379/11"
Status = OutgoingMessage.Status


pytestmark = [
    pytest.mark.skipif(not redis_listening(), reason="no Redis server on 127.0.0.1:6379"),
    pytest.mark.django_db(transaction=True),
]


def _forget_connections() -> None:
    """Drop the app's broker connections and producers, so the next task opens them for the
    broker configured now. (Earlier tests in this process may have opened them for another.)"""
    if app._pool is not None:
        app._pool.force_close_all()
    app._pool = None
    app.amqp._producer_pool = None
    # kombu also keeps connection and producer pools per broker in a global registry; a
    # closed one left there is what the next task sent from another thread would get.
    kombu_pools.reset()


@pytest.fixture
def broker() -> Iterator[None]:
    """This process sends tasks to Redis (not in-process) for the test's duration."""
    if connection.vendor != "postgresql":
        pytest.skip("a worker process shares the test database: PostgreSQL only")
    # A throwaway app only to reach Redis: not made the current app, or the shared tasks
    # (notify.deliver) would follow it, and later tests in this process would send to its
    # closed pool instead of running eagerly.
    with Celery(broker=BROKER, set_as_current=False).connection_for_write() as conn:
        conn.default_channel.client.flushdb()
    saved = (app.conf.task_always_eager, app.conf.broker_url)
    app.conf.task_always_eager, app.conf.broker_url = False, BROKER
    _forget_connections()
    try:
        yield
    finally:
        app.conf.task_always_eager, app.conf.broker_url = saved
        _forget_connections()


@pytest.fixture
def worker(fake_telegram, broker) -> Iterator[subprocess.Popen[str]]:
    env = {
        "TELEGRAM_API_BASE_URL": fake_telegram.url,
        "TELEGRAM_BOT_TOKEN": fake_telegram.token,
        "NOTIFY_TELEGRAM_PER_CHAT_PER_SECOND": "1",
        "NOTIFY_RETRY_BASE_SECONDS": "1",
    }
    with celery_worker(broker=BROKER, env=env) as process:
        yield process


def _wait_until_final(process: subprocess.Popen[str], ids: list[int]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        pending = OutgoingMessage.objects.filter(
            pk__in=ids, status__in=[Status.QUEUED, Status.SENDING]
        )
        if not pending.exists():
            return
        assert process.poll() is None, process.stdout.read() if process.stdout else ""
        time.sleep(0.2)
    raise AssertionError(list(OutgoingMessage.objects.filter(pk__in=ids).values()))


def test_a_real_worker_delivers_paces_retries_and_never_sends_twice(fake_telegram, worker):
    fake_telegram.fail("sendMessage", status=429, retry_after=1, chat_id=902)
    fake_telegram.fail("sendMessage", status=403, chat_id=903)
    with transaction.atomic():  # the tasks leave for Redis when this commits
        first = queue_telegram(chat_id=901, text="first")
        second = queue_telegram(chat_id=901, text="second")
        flooded = queue_telegram(chat_id=902, text="after a 429")
        blocked = queue_telegram(chat_id=903, text="to a blocked user")
    _wait_until_final(worker, [first.pk, second.pk, flooded.pk, blocked.pk])

    assert fake_telegram.texts(chat_id=901) == ["first", "second"]
    assert fake_telegram.texts(chat_id=902) == ["after a 429"]
    statuses = dict(OutgoingMessage.objects.values_list("pk", "status"))
    assert statuses == {
        first.pk: Status.SENT,
        second.pk: Status.SENT,
        flooded.pk: Status.SENT,
        blocked.pk: Status.FAILED,
    }
    assert OutgoingMessage.objects.get(pk=flooded.pk).attempts == 2

    # The same task delivered again (acks_late after a lost acknowledgement) sends nothing;
    # the worker takes tasks in order, so once `marker` is sent the duplicate has run.
    deliver.delay(first.pk)
    marker = queue_telegram(chat_id=904, text="marker")
    _wait_until_final(worker, [marker.pk])
    assert fake_telegram.texts(chat_id=901) == ["first", "second"]
    assert len(fake_telegram.calls("sendMessage")) == 6  # 4 sent + the 429 + the 403
