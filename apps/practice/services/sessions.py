"""Starting and closing practice sessions.

A session lasts `PRACTICE_SESSION_MINUTES`; one left open past that is abandoned. Reads never
write: a session past its time *reads* as abandoned (`PracticeSession.status_at`), the answer
and hint paths refuse it, starting a new one closes it, and the worker's `expire_sessions`
task marks the rest in bulk.
"""

from __future__ import annotations

import datetime as dt
import os
import random
from contextlib import nullcontext
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.content.cache import PoolEntry, problem_contents, selection_pool
from apps.core import sql
from apps.core.errors import Conflict
from apps.practice.clock import local_date
from apps.practice.models import PracticeSession
from apps.practice.selection import PROBLEMS_PER_SESSION, Candidate, TopicStanding, choose_problems
from apps.practice.selectors import SessionItem, SessionState, session_state
from apps.students.models import Student

Status = PracticeSession.Status

# Breaks the choice's ties (no secret). One per process, not one per start: seeding a
# generator from the OS took 13-15 us, a tenth of the choice. Threads may share it (their
# draws interleave, which only mixes the ties further); a forked worker reseeds its copy, so
# no two workers break ties alike.
_TIE_BREAKS = random.Random()  # noqa: S311
os.register_at_fork(after_in_child=_TIE_BREAKS.seed)


def sessions_expire(*, now: dt.datetime, student: Student | None = None) -> int:
    """Mark in-progress sessions past their time as abandoned (the worker, and a new start)."""
    stale = PracticeSession.objects.filter(status=Status.IN_PROGRESS, expires_at__lte=now)
    if student is not None:
        stale = stale.filter(student=student)
    return stale.update(status=Status.ABANDONED, updated_at=now)


@dataclass(frozen=True)
class StartedSession:
    session: SessionState  # with its items, ready to show
    created: bool


def session_start(
    *, student: Student, now: dt.datetime | None = None, rng: random.Random | None = None
) -> StartedSession:
    """The student's open session, or a new one with five problems chosen for them."""
    if student.grade is None:
        raise Conflict(_("Choose your grade first (6, 7 or 8)."), code="registration_required")
    now = now or timezone.now()
    existing = session_state(student=student)
    if existing is not None:
        if existing.expires_at > now:
            return StartedSession(existing, created=False)
        sessions_expire(now=now, student=student)

    pool, last_seen, topics = _selection_inputs(student, now)
    problem_ids = _choose(student, now, pool, last_seen, topics, rng or _TIE_BREAKS)
    if len(problem_ids) < PROBLEMS_PER_SESSION:
        raise Conflict(
            _("There are not enough problems for your grade yet. Please try again later."),
            code="no_problems_available",
        )
    minutes = dt.timedelta(minutes=settings.PRACTICE_SESSION_MINUTES)
    session = PracticeSession(
        student=student,
        started_at=now,
        expires_at=now + minutes,
        created_at=now,
        updated_at=now,
    )
    try:
        _insert_session(session, problem_ids)
    except IntegrityError:  # a concurrent start won (uq_sessions_one_in_progress_per_student)
        winner = session_state(student=student)
        if winner is None:
            raise
        return StartedSession(winner, created=False)
    contents = problem_contents((pid, pool[pid].version) for pid in problem_ids)
    items = [
        SessionItem(
            problem_id=pid,
            position=position,
            problem=contents[pid],
            hints_used=0,
            result=None,
            student_answer=None,
        )
        for position, pid in enumerate(problem_ids, 1)
    ]
    return StartedSession(SessionState(session, items), created=True)


def _insert_session(session: PracticeSession, problem_ids: list[int]) -> None:
    """The session and its problems, together; sets `session.pk`. On PostgreSQL one statement
    (atomic by itself, no transaction to open and commit), elsewhere two in a transaction."""
    positions = list(enumerate(problem_ids, 1))
    if not sql.combines_writes():
        with transaction.atomic():
            sql.insert(session)
            sql.execute(
                "INSERT INTO session_problems (session_id, problem_id, position) VALUES "  # noqa: S608
                + sql.rows(len(positions), 3),
                [value for position, pid in positions for value in (session.pk, pid, position)],
            )
        return
    statement, values = sql.insert_statement(session)
    combined = (
        f"WITH new AS ({statement} RETURNING id) "  # noqa: S608 - model column names
        "INSERT INTO session_problems (session_id, problem_id, position) "
        "SELECT new.id, v.problem_id, v.position FROM new, "
        f"(VALUES {sql.rows(len(positions), 2)}) AS v (problem_id, position) "
        "RETURNING session_id"
    )
    params = [*values, *(value for position, pid in positions for value in (pid, position))]
    # Inside a caller's transaction (tests), a savepoint keeps a lost race from aborting it.
    inside = transaction.get_connection().in_atomic_block
    with transaction.atomic() if inside else nullcontext():
        row = sql.fetch_one(combined, params)
    assert row is not None  # noqa: S101 - an INSERT … RETURNING of five rows
    session.pk = row[0]
    session._state.adding = False


def _selection_inputs(
    student: Student, now: dt.datetime
) -> tuple[dict[int, PoolEntry], dict[int, dt.date], dict[int, TopicStanding]]:
    """What the choice needs: the usable problems of the grade (`selection_pool`, read at most
    every PRACTICE_POOL_SECONDS by this process), then the problems seen within the look-back
    window and the student's mastery per topic (`_history`: two indexed reads, in one
    statement on PostgreSQL)."""
    assert student.grade is not None  # noqa: S101 - checked by session_start
    pool = {
        entry.id: entry for entry in selection_pool(student.grade, settings.PRACTICE_POOL_SECONDS)
    }
    since = now - dt.timedelta(days=settings.PRACTICE_RECENT_DAYS)
    seen, mastery = _history(student, since)
    last_seen: dict[int, dt.date] = {}
    days: dict[dt.datetime, dt.date] = {}  # a session's five problems share its start
    for pid, started_at in seen:
        day = days.get(started_at)
        if day is None:
            day = days[started_at] = local_date(student, started_at)
        if pid not in last_seen or day > last_seen[pid]:
            last_seen[pid] = day
    topics = {
        topic_id: TopicStanding(
            level=level,
            accuracy=correct / attempts if attempts else None,
            next_review=next_review,
        )
        for topic_id, level, attempts, correct, next_review in mastery
    }
    return pool, last_seen, topics


# A session is created as it starts (created_at = started_at), so the (student, created_at)
# index finds the window's sessions without reading the rest of a long history.
_SEEN = (
    "FROM sessions s JOIN session_problems sp ON sp.session_id = s.id "
    "WHERE s.student_id = %s AND s.created_at >= %s"
)
_MASTERY = "FROM topic_mastery WHERE student_id = %s"
_MASTERY_COLUMNS = ("topic_id", "level", "attempts", "correct", "next_review_date")
# PostgreSQL: both in one round trip, each as arrays in a row of its own aggregate.
_HISTORY = (
    "SELECT w.*, m.* FROM "  # noqa: S608 - constant SQL
    f"(SELECT array_agg(sp.problem_id), array_agg(s.started_at) {_SEEN}) w, "
    f"(SELECT {', '.join(f'array_agg({c})' for c in _MASTERY_COLUMNS)} {_MASTERY}) m"
)


def _history(
    student: Student, since: dt.datetime
) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """The (problem, session start) pairs of the student's sessions since `since`, and their
    mastery rows (`_MASTERY_COLUMNS`)."""
    if connection.vendor != "postgresql":
        return (
            sql.fetch_all(f"SELECT sp.problem_id, s.started_at {_SEEN}", [student.pk, since]),
            sql.fetch_all(f"SELECT {', '.join(_MASTERY_COLUMNS)} {_MASTERY}", [student.pk]),
        )
    row = sql.fetch_one(_HISTORY, [student.pk, since, student.pk])
    assert row is not None  # noqa: S101 - two aggregates: always one row
    seen, mastery = row[:2], row[2:]
    return (
        list(zip(*(column or [] for column in seen), strict=True)),
        list(zip(*(column or [] for column in mastery), strict=True)),
    )


def _choose(
    student: Student,
    now: dt.datetime,
    pool: dict[int, PoolEntry],
    last_seen: dict[int, dt.date],
    topics: dict[int, TopicStanding],
    rng: random.Random,
) -> list[int]:
    candidates = [
        Candidate(
            problem_id=pid,
            topic_id=entry.topic_id,
            rating=entry.rating,
            last_seen=last_seen.get(pid),
        )
        for pid, entry in pool.items()
    ]
    return choose_problems(
        candidates,
        topics,
        ability=student.ability,
        today=local_date(student, now),
        recent_days=settings.PRACTICE_RECENT_DAYS,
        rng=rng,
        count=PROBLEMS_PER_SESSION,
        target=settings.PRACTICE_TARGET_SUCCESS,
    )
