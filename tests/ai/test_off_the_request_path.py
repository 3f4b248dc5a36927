"""AI calls hold no lock and run in a real Celery worker: the two promises of the AI app."""

from __future__ import annotations

import threading
import time

import pytest
from celery import Celery
from django.db import connection, connections  # noqa: F401 - connection: the skipif below

from apps.ai import services
from apps.ai.models import HintGeneration
from apps.billing.models import CostRecord
from apps.content.models import Hint
from apps.practice import services as practice
from tests.ai.fake_claude import Reply
from tests.ai.test_ai import HINTS, _library
from tests.fakes.worker import celery_worker, redis_listening
from tests.practice.helpers import new_student

postgres_only = pytest.mark.skipif(
    "connection.vendor != 'postgresql'",
    reason="two connections at once (and a worker process) need PostgreSQL",
)


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_no_lock_is_held_while_the_model_writes_hints(fake_claude, settings):
    """While the fake Claude stalls on one problem's hints, another student answers that very
    problem: the answer completes while the call is still running."""
    settings.AI_TIMEOUT_SECONDS = 30
    problems = _library(hints=False)
    target = problems[0]
    fake_claude.replies.append(Reply(tool_input=HINTS, delay=3.0))
    writer_done = threading.Event()

    def write_hints() -> None:
        try:
            services.problem_generate_hints(problem_id=target.pk)
        finally:
            writer_done.set()
            connections.close_all()

    writer = threading.Thread(target=write_hints)
    writer.start()
    while fake_claude.calls == 0 and writer.is_alive():  # the call is under way
        time.sleep(0.01)
    assert HintGeneration.objects.get(problem=target).status == "pending"

    student = new_student()
    session = practice.session_start(student=student).session
    if not session.session_problems.filter(problem=target).exists():
        session.session_problems.filter(position=1).update(problem=target)
    outcome = practice.session_answer(
        student=student,
        session_id=session.pk,
        problem_id=target.pk,
        answer=target.answer,
        time_spent_seconds=10,
        confidence="high",
    )
    answered_while_writing = not writer_done.is_set()
    writer.join()

    assert outcome.check.verdict.value == "correct"
    assert answered_while_writing  # nobody waited on the problem row during the call
    assert Hint.objects.filter(problem=target, is_ai_generated=True).count() == 3
    assert CostRecord.objects.filter(problem=target).count() == 1


@postgres_only
@pytest.mark.skipif(not redis_listening(), reason="no Redis server on 127.0.0.1:6379")
@pytest.mark.django_db(transaction=True)
def test_a_real_celery_worker_writes_missing_hints_end_to_end(fake_claude):
    """A worker process (as production runs it) takes the task from Redis, calls the model,
    and stores the hints and their cost in the test database."""
    broker = "redis://127.0.0.1:6379/14"
    problems = _library(hints=False)

    fake_claude.replies.append(Reply(tool_input=HINTS, input_tokens=900, output_tokens=350))
    env = {
        "ANTHROPIC_API_KEY": "sk-test-local-fake",
        "ANTHROPIC_BASE_URL": fake_claude.url,
        "AI_MODEL": "claude-haiku-4-5",
        "AI_MAX_RETRIES": "0",
    }
    # Not the current app: the shared tasks must keep following dars.celery's (eager) app.
    client = Celery(broker=broker, set_as_current=False)
    with client.connection_for_write() as conn:
        conn.default_channel.client.flushdb()
    with celery_worker(broker=broker, env=env) as worker:
        client.send_task("ai.generate_hints", args=[problems[0].pk])
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not Hint.objects.filter(problem=problems[0]).exists():
            assert worker.poll() is None, worker.stdout.read() if worker.stdout else ""
            time.sleep(0.2)
    hints = list(Hint.objects.filter(problem=problems[0]).order_by("level"))
    assert [h.level for h in hints] == [1, 2, 3]
    assert all(h.is_ai_generated for h in hints)
    record = CostRecord.objects.get(problem=problems[0])
    assert (record.operation, record.input_tokens, record.output_tokens) == (
        "hint_generation",
        900,
        350,
    )
    assert HintGeneration.objects.get(problem=problems[0]).status == "succeeded"
