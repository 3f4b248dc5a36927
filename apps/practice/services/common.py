"""What the answer and hint paths share: finding the problem in an open session, safely."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TypeVar

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from apps.content import selectors as content_selectors
from apps.content import services as content_services
from apps.content.checker import AnswerKey, key_problems
from apps.content.models import Problem
from apps.core.errors import Conflict, NotFound
from apps.practice.models import PracticeSession, SessionProblem
from apps.students.models import Student

T = TypeVar("T")
Status = PracticeSession.Status


def atomic_retrying_a_lost_race(work: Callable[[], T]) -> T:
    """Run `work` in a transaction. If a concurrent request won a unique-constraint race (a
    response or hint view for the same problem), run it once more: it then sees the winner's
    row and answers from it (the stored result, or the next hint)."""
    try:
        with transaction.atomic():
            return work()
    except IntegrityError:
        with transaction.atomic():
            return work()


def locked_session(student: Student, session_id: int) -> PracticeSession:
    session = (
        PracticeSession.objects.select_for_update().filter(pk=session_id, student=student).first()
    )
    if session is None:
        raise NotFound(_("No such session."), code="not_found")
    return session


def ensure_open(session: PracticeSession, now: dt.datetime) -> None:
    status = session.status_at(now)
    if status == Status.ABANDONED:
        raise Conflict(
            _("This session has expired (30 minutes). Start a new one."), code="session_expired"
        )
    if status == Status.COMPLETED:
        raise Conflict(_("This session is already finished."), code="session_closed")


def session_problem(session_id: int, problem_id: int) -> Problem:
    item = (
        SessionProblem.objects.select_related("problem")
        .prefetch_related("problem__options")
        .filter(session_id=session_id, problem_id=problem_id)
        .first()
    )
    if item is None:
        raise NotFound(
            _("That problem is not part of this session."),
            code="problem_not_in_session",
            details={"fields": {"problem_id": [_("Not a problem of this session.")]}},
        )
    return item.problem


class UnusableKey(Exception):
    """Raised inside the transaction; the caller flags the problem after the rollback."""

    def __init__(self, problem_id: int) -> None:
        super().__init__(problem_id)
        self.problem_id = problem_id


def usable_key(problem: Problem) -> AnswerKey:
    """The problem's answer key; `UnusableKey` if it cannot be used (written past the content
    rules, e.g. by raw SQL before they held)."""
    key = content_selectors.answer_key_for(problem)
    if key_problems(key):
        raise UnusableKey(problem.pk)
    return key


def run_with_usable_keys(work: Callable[[], T]) -> T:
    """`atomic_retrying_a_lost_race(work)`, where a problem whose key turns out unusable is
    flagged for the content team (after the rollback) and answered 409 problem_unavailable in
    the student's language, never a 500."""
    try:
        return atomic_retrying_a_lost_race(work)
    except UnusableKey as unusable:
        content_services.problem_flag_unusable(problem_id=unusable.problem_id)
        raise Conflict(
            _("This problem cannot be answered right now. Please go on to the next one."),
            code="problem_unavailable",
        ) from unusable
