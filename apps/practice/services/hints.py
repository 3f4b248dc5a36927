"""Serving hints: the next level of a problem in an open session, recorded as seen."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.content.domain import HINT_LEVELS
from apps.content.models import Hint, Problem
from apps.core.errors import Conflict
from apps.practice import extensions
from apps.practice.models import HintView, Response
from apps.practice.services.common import (
    ensure_open,
    locked_session,
    run_with_usable_keys,
    session_problem,
    usable_key,
)
from apps.students.models import Student


@dataclass(frozen=True)
class HintShown:
    problem: Problem
    hint: Hint
    level: int
    remaining: int


@dataclass(frozen=True)
class _NeedsHints:
    problem_id: int


def session_hint(
    *, student: Student, session_id: int, problem_id: int, now: dt.datetime | None = None
) -> HintShown:
    """The next hint (1, then 2, then 3) for an unanswered problem of an open session.

    A problem without all three hints in both languages has them written by the AI: off the
    request path when a worker runs (this student gets what exists, or 409 no_more_hints),
    before this answer when there is none (no broker: the task runs in-process)."""
    at = now or timezone.now()
    shown = run_with_usable_keys(lambda: _hint(student, session_id, problem_id, at, asked=False))
    if isinstance(shown, _NeedsHints):
        extensions.request_hints(problem_id=problem_id, student=student, session_id=session_id)
        shown = run_with_usable_keys(lambda: _hint(student, session_id, problem_id, at, asked=True))
    assert isinstance(shown, HintShown)  # noqa: S101 - a second pass never asks again
    return shown


def _hint(
    student: Student, session_id: int, problem_id: int, now: dt.datetime, *, asked: bool
) -> HintShown | _NeedsHints:
    session = locked_session(student, session_id)
    problem = session_problem(session.pk, problem_id)
    ensure_open(session, now)
    usable_key(problem)
    if Response.objects.filter(session=session, problem=problem).exists():
        raise Conflict(
            _("You have already answered this problem; hints are for unanswered problems."),
            code="already_answered",
        )
    hints = list(Hint.objects.filter(problem=problem).order_by("level"))
    incomplete = len(hints) < len(HINT_LEVELS) or any(not (h.text_en and h.text_bn) for h in hints)
    if incomplete and not asked and extensions.has_hint_writer():
        return _NeedsHints(problem.pk)
    seen = HintView.objects.filter(session=session, problem=problem).count()
    if seen >= len(hints):
        raise Conflict(_("There are no more hints for this problem."), code="no_more_hints")
    hint = hints[seen]
    HintView.objects.create(session=session, problem=problem, level=seen + 1, viewed_at=now)
    return HintShown(problem=problem, hint=hint, level=seen + 1, remaining=len(hints) - seen - 1)
