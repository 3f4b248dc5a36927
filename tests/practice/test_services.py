"""Practice services against the real database: local-midnight streaks, freezes, milestones,
and races between concurrent requests (PostgreSQL)."""

from __future__ import annotations

import datetime as dt
import os
import threading
import time
import zoneinfo
from typing import Any

import pytest
from django.db import connection, connections, transaction
from django.test.utils import CaptureQueriesContext

from apps.practice import services
from apps.practice.models import HintView, PracticeSession, Response, Streak, StreakMilestone
from apps.practice.selectors import SessionState
from tests.practice.helpers import make_library, new_student, right_answer

DHAKA = zoneinfo.ZoneInfo("Asia/Dhaka")


def _at(year: int, month: int, day: int, hour: int, minute: int, zone=DHAKA) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=zone)


def _complete(student, now: dt.datetime) -> SessionState:
    started = services.session_start(student=student, now=now)
    assert started.created, "a session was still open"
    session = started.session
    for item in session.session_problems.order_by("position"):
        outcome = services.session_answer(
            student=student,
            session_id=session.pk,
            problem_id=item.problem_id,
            answer=right_answer(item.problem_id),
            time_spent_seconds=5,
            confidence="medium",
            now=now,
        )
    assert outcome.session.status == "completed"
    return outcome.session


@pytest.mark.django_db
def test_streak_days_follow_the_students_local_midnight():
    make_library()
    student = new_student(timezone="Asia/Dhaka")
    # 23:59 and 00:01 in Dhaka are 17:59 and 18:01 UTC: the same UTC day, two local days.
    first = _complete(student, _at(2026, 5, 10, 23, 59))
    second = _complete(student, _at(2026, 5, 11, 0, 1))
    third = _complete(student, _at(2026, 5, 11, 23, 58))
    assert (first.streak_after, second.streak_after, third.streak_after) == (1, 2, 2)
    assert Streak.objects.get(student=student).last_practice_date == dt.date(2026, 5, 11)


@pytest.mark.django_db
def test_the_same_utc_instants_are_one_local_day_elsewhere():
    make_library()
    student = new_student(timezone="Europe/London")
    # 17:59 and 18:01 UTC are both 10 May in London (BST, UTC+1).
    first = _complete(student, _at(2026, 5, 10, 23, 59))
    second = _complete(student, _at(2026, 5, 11, 0, 1))
    assert (first.streak_after, second.streak_after) == (1, 1)


@pytest.mark.django_db
def test_a_week_earns_a_freeze_that_covers_a_missed_day_and_milestones_come_once():
    make_library(topics=6, per_topic=6)
    student = new_student()
    sessions = [_complete(student, _at(2026, 6, 1 + n, 19, 0)) for n in range(7)]
    assert [s.streak_after for s in sessions] == [1, 2, 3, 4, 5, 6, 7]
    assert sessions[-1].milestone_reached == 7
    assert Streak.objects.get(student=student).freezes == 1

    covered = _complete(student, _at(2026, 6, 9, 19, 0))  # 8 June missed
    assert covered.freeze_used and covered.streak_after == 8
    streak = Streak.objects.get(student=student)
    assert (streak.freezes, streak.freezes_used) == (0, 1)

    restarted = _complete(student, _at(2026, 6, 20, 19, 0))
    assert restarted.streak_after == 1 and not restarted.freeze_used
    again = [_complete(student, _at(2026, 6, 21 + n, 19, 0)) for n in range(6)]
    assert again[-1].streak_after == 7 and again[-1].milestone_reached is None  # already had 7
    assert StreakMilestone.objects.filter(student=student).count() == 1
    assert Streak.objects.get(student=student).longest_streak == 8


# --- races (PostgreSQL: real row locks between connections) ---------------------------------


def _in_threads(count: int, work) -> list:
    barrier = threading.Barrier(count)
    results: list = [None] * count

    def run(index: int) -> None:
        try:
            barrier.wait()
            results[index] = work()
        except Exception as exc:  # the test inspects what each thread got
            results[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


postgres_only = pytest.mark.skipif(
    "connection.vendor != 'postgresql'", reason="row locks between connections need PostgreSQL"
)


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_concurrent_duplicate_answers_create_exactly_one_response():
    assert connection.vendor == "postgresql"
    make_library()
    student = new_student()
    session = services.session_start(student=student).session
    problem_id = session.session_problems.order_by("position")[0].problem_id

    results = _in_threads(
        6,
        lambda: services.session_answer(
            student=student,
            session_id=session.pk,
            problem_id=problem_id,
            answer=right_answer(problem_id),
            time_spent_seconds=12,
            confidence="high",
        ),
    )

    assert all(isinstance(r, services.AnswerOutcome) for r in results), results
    assert {r.check.verdict.value for r in results} == {"correct"}
    assert Response.objects.count() == 1
    session.refresh_from_db()
    assert session.problems_correct == 1 and session.total_time_seconds == 12


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_concurrent_starts_open_one_session():
    make_library()
    student = new_student()
    results = _in_threads(5, lambda: services.session_start(student=student))
    assert all(isinstance(r, services.StartedSession) for r in results), results
    assert len({r.session.pk for r in results}) == 1
    assert sum(r.created for r in results) == 1
    assert PracticeSession.objects.count() == 1


@postgres_only
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("shown_before", [0, 1])
def test_concurrent_hint_requests_hand_out_each_level_once(shown_before):
    """From a fresh problem, and after a first hint (the next ones are one statement)."""
    make_library()
    student = new_student()
    session = services.session_start(student=student).session
    problem_id = _problem_with_hints(session)
    for _ in range(shown_before):
        _hint(student, session.pk, problem_id)
    results = _in_threads(
        4 - shown_before,
        lambda: _hint(student, session.pk, problem_id),
    )
    levels = sorted(r.level for r in results if isinstance(r, services.HintShown))
    refused = [r for r in results if not isinstance(r, services.HintShown)]
    assert levels == list(range(shown_before + 1, 4)), results
    assert len(refused) == 1 and getattr(refused[0], "code", "") == "no_more_hints"
    assert HintView.objects.count() == 3


# Answers and hints read the session without its lock and write only if the session row is the
# version they read (PostgreSQL). These hold the row, as another request of the student's
# would, until the request under test has read and is waiting to write; then make that other
# request's change and let it go.


def _backend_waits_for_a_lock(pid: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute("SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s", [pid])
        row = cursor.fetchone()
    return row is not None and row[0] == "Lock"


def _run_while_the_session_is_held(session_id: int, work, meanwhile) -> tuple[object, object]:
    """`work()` in a thread while this connection holds the session's row; once it waits for
    the row, `meanwhile()` here, in the holder's transaction. What each returned (or raised)."""
    started = threading.Event()
    backend: dict[str, Any] = {}

    def run() -> None:
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                backend["pid"] = cursor.fetchone()[0]
            started.set()
            backend["result"] = work()
        except Exception as exc:  # the test inspects it
            backend["result"] = exc
        finally:
            started.set()
            connections.close_all()

    thread = threading.Thread(target=run)
    with transaction.atomic():
        PracticeSession.objects.select_for_update().get(pk=session_id)
        thread.start()
        started.wait(10)
        for _ in range(500):
            if _backend_waits_for_a_lock(backend["pid"]):
                break
            time.sleep(0.01)
        else:
            raise AssertionError(f"the request never waited for the session: {backend}")
        done = meanwhile()
    thread.join(10)
    return backend["result"], done


def _hint(student, session_id: int, problem_id: int):
    return services.session_hint(student=student, session_id=session_id, problem_id=problem_id)


def _answer_right(student, session_id: int, problem_id: int, *, seconds: int):
    return services.session_answer(
        student=student,
        session_id=session_id,
        problem_id=problem_id,
        answer=right_answer(problem_id),
        time_spent_seconds=seconds,
        confidence="high",
    )


@pytest.fixture
def started():
    make_library()
    student = new_student()
    return student, services.session_start(student=student).session


def _problem_with_hints(session: SessionState) -> int:
    return next(item.problem_id for item in session.items if len(item.problem.hints) == 3)


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_an_answer_written_after_a_hint_of_its_problem_counts_that_hint(started):
    student, session = started
    problem_id = _problem_with_hints(session)

    outcome, shown = _run_while_the_session_is_held(
        session.pk,
        lambda: _answer_right(student, session.pk, problem_id, seconds=20),
        lambda: _hint(student, session.pk, problem_id),
    )

    assert isinstance(shown, services.HintShown) and shown.level == 1
    assert isinstance(outcome, services.AnswerOutcome), outcome
    assert Response.objects.get(session_id=session.pk, problem_id=problem_id).hints_used == 1


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_hint_asked_while_its_problem_is_answered_is_refused(started):
    student, session = started
    problem_id = _problem_with_hints(session)

    refused, outcome = _run_while_the_session_is_held(
        session.pk,
        lambda: _hint(student, session.pk, problem_id),
        lambda: _answer_right(student, session.pk, problem_id, seconds=20),
    )

    assert isinstance(outcome, services.AnswerOutcome) and outcome.final
    assert getattr(refused, "code", refused) == "already_answered"
    assert not HintView.objects.filter(session_id=session.pk).exists()


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_answers_of_one_session_at_once_both_count(started):
    student, session = started
    first, second = (item.problem_id for item in session.items[:2])

    later, earlier = _run_while_the_session_is_held(
        session.pk,
        lambda: _answer_right(student, session.pk, second, seconds=10),
        lambda: _answer_right(student, session.pk, first, seconds=10),
    )

    assert isinstance(later, services.AnswerOutcome) and later.answered == 2
    assert isinstance(earlier, services.AnswerOutcome) and earlier.answered == 1
    stored = PracticeSession.objects.get(pk=session.pk)
    assert (stored.problems_correct, stored.total_time_seconds) == (2, 20)


# After a problem's first hint this process has found its key usable, and the next hints are
# read and written in one statement (PostgreSQL). The same races, through that statement: the
# request under test must be seen to take it.


@pytest.fixture
def hinted(started):
    student, session = started
    problem_id = _problem_with_hints(session)
    assert _hint(student, session.pk, problem_id).level == 1
    return student, session, problem_id


def _recording(work, statements: list[str]):
    """`work`, with the statements it ran added to `statements` (whatever it returns or
    raises)."""

    def run():
        with CaptureQueriesContext(connection) as captured:
            try:
                return work()
            finally:
                statements.extend(q["sql"] for q in captured.captured_queries)

    return run


def _took_one_statement_first(statements: list[str]) -> bool:
    """Inside a transaction (the holder's) the statement comes within a savepoint."""
    ran = [s for s in statements if "SAVEPOINT" not in s]
    return bool(ran) and ran[0].startswith("WITH st AS (")


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_hint_in_one_statement_asked_while_its_problem_is_answered_is_refused(hinted):
    student, session, problem_id = hinted
    statements: list[str] = []

    refused, outcome = _run_while_the_session_is_held(
        session.pk,
        _recording(lambda: _hint(student, session.pk, problem_id), statements),
        lambda: _answer_right(student, session.pk, problem_id, seconds=20),
    )

    assert _took_one_statement_first(statements), statements
    assert isinstance(outcome, services.AnswerOutcome) and outcome.final
    assert getattr(refused, "code", refused) == "already_answered"
    assert HintView.objects.filter(session_id=session.pk).count() == 1
    assert Response.objects.get(session_id=session.pk).hints_used == 1


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_hints_in_one_statement_at_once_hand_out_the_next_two_levels(hinted):
    student, session, problem_id = hinted
    statements: list[str] = []

    later, earlier = _run_while_the_session_is_held(
        session.pk,
        _recording(lambda: _hint(student, session.pk, problem_id), statements),
        lambda: _hint(student, session.pk, problem_id),
    )

    assert _took_one_statement_first(statements), statements
    assert isinstance(earlier, services.HintShown) and earlier.level == 2
    assert isinstance(later, services.HintShown) and later.level == 3, later
    levels = HintView.objects.filter(session_id=session.pk).values_list("level", flat=True)
    assert sorted(levels) == [1, 2, 3]


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_an_answer_after_a_hint_in_one_statement_counts_it(hinted):
    student, session, problem_id = hinted
    statements: list[str] = []

    outcome, shown = _run_while_the_session_is_held(
        session.pk,
        lambda: _answer_right(student, session.pk, problem_id, seconds=20),
        _recording(lambda: _hint(student, session.pk, problem_id), statements),
    )

    assert _took_one_statement_first(statements), statements
    assert isinstance(shown, services.HintShown) and shown.level == 2
    assert isinstance(outcome, services.AnswerOutcome), outcome
    assert Response.objects.get(session_id=session.pk, problem_id=problem_id).hints_used == 2


def test_a_forked_worker_breaks_the_choices_ties_unlike_its_parent():
    """Starts share one tie-breaking generator per process; gunicorn forks its workers from
    one parent, so each child must reseed its copy or both would choose alike."""
    from apps.practice.services import sessions

    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: its first draw, then out without running the parent's cleanup
        os.write(write, repr(sessions._TIE_BREAKS.random()).encode())
        os._exit(0)
    os.close(write)
    os.waitpid(pid, 0)
    child = float(os.read(read, 64))
    os.close(read)
    assert sessions._TIE_BREAKS.random() != child
