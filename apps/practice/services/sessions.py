"""Starting and closing practice sessions.

A session lasts `PRACTICE_SESSION_MINUTES`; one left open past that is abandoned. Reads never
write: a session past its time *reads* as abandoned (`PracticeSession.status_at`), the answer
and hint paths refuse it, starting a new one closes it, and the worker's `expire_sessions`
task marks the rest in bulk.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.content.models import Problem
from apps.core.errors import Conflict
from apps.practice.models import PracticeSession, SessionProblem, TopicMastery
from apps.practice.selection import PROBLEMS_PER_SESSION, Candidate, TopicStanding, choose_problems
from apps.practice.services.clock import local_date
from apps.students.models import Student

Status = PracticeSession.Status


def sessions_expire(*, now: dt.datetime, student: Student | None = None) -> int:
    """Mark in-progress sessions past their time as abandoned (the worker, and a new start)."""
    stale = PracticeSession.objects.filter(status=Status.IN_PROGRESS, expires_at__lte=now)
    if student is not None:
        stale = stale.filter(student=student)
    return stale.update(status=Status.ABANDONED, updated_at=now)


@dataclass(frozen=True)
class StartedSession:
    session: PracticeSession
    created: bool


def session_start(
    *, student: Student, now: dt.datetime | None = None, rng: random.Random | None = None
) -> StartedSession:
    """The student's open session, or a new one with five problems chosen for them."""
    if student.grade is None:
        raise Conflict(_("Choose your grade first (6, 7 or 8)."), code="registration_required")
    now = now or timezone.now()
    existing = PracticeSession.objects.filter(student=student, status=Status.IN_PROGRESS).first()
    if existing is not None:
        if existing.expires_at > now:
            return StartedSession(existing, created=False)
        sessions_expire(now=now, student=student)

    problem_ids = _choose_for(student, now, rng or random.Random())  # noqa: S311 - not security
    if len(problem_ids) < PROBLEMS_PER_SESSION:
        raise Conflict(
            _("There are not enough problems for your grade yet. Please try again later."),
            code="no_problems_available",
        )
    minutes = dt.timedelta(minutes=settings.PRACTICE_SESSION_MINUTES)
    try:
        with transaction.atomic():
            session = PracticeSession.objects.create(
                student=student, started_at=now, expires_at=now + minutes
            )
            SessionProblem.objects.bulk_create(
                SessionProblem(session=session, problem_id=pid, position=position)
                for position, pid in enumerate(problem_ids, start=1)
            )
    except IntegrityError:  # a concurrent start won (uq_sessions_one_in_progress_per_student)
        winner = PracticeSession.objects.get(student=student, status=Status.IN_PROGRESS)
        return StartedSession(winner, created=False)
    return StartedSession(session, created=True)


def _choose_for(student: Student, now: dt.datetime, rng: random.Random) -> list[int]:
    if student.grade is None:
        return []
    today = local_date(student, now)
    window = settings.PRACTICE_RECENT_DAYS
    last_seen = {
        row["problem_id"]: local_date(student, row["last"])
        for row in SessionProblem.objects.filter(
            session__student=student, session__started_at__gte=now - dt.timedelta(days=window)
        )
        .values("problem_id")
        .annotate(last=Max("session__started_at"))
    }
    candidates = [
        Candidate(problem_id=pid, topic_id=topic_id, rating=rating, last_seen=last_seen.get(pid))
        for pid, topic_id, rating in Problem.objects.usable()
        .filter(topic__grade=student.grade)
        .values_list("id", "topic_id", "rating")
    ]
    topics = {
        m.topic_id: TopicStanding(
            level=m.level,
            accuracy=m.correct / m.attempts if m.attempts else None,
            next_review=m.next_review_date,
        )
        for m in TopicMastery.objects.filter(student=student)
    }
    return choose_problems(
        candidates,
        topics,
        ability=student.ability,
        today=today,
        recent_days=window,
        rng=rng,
        count=PROBLEMS_PER_SESSION,
        target=settings.PRACTICE_TARGET_SUCCESS,
    )
