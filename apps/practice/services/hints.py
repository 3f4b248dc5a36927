"""Serving hints: the next level of a problem in an open session, recorded as seen."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.content.cache import HintContent, ProblemContent
from apps.content.domain import HINT_LEVELS
from apps.core import sql
from apps.core.errors import Conflict
from apps.practice import extensions
from apps.practice.selectors import session_state
from apps.practice.services.common import (
    ensure_open,
    item_of,
    not_found,
    run_with_usable_keys,
    session_unchanged,
    usable_key,
)
from apps.students.models import Student


@dataclass(frozen=True)
class HintShown:
    problem: ProblemContent
    hint: HintContent
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

    def attempt(asked: bool) -> HintShown | _NeedsHints | None:
        return run_with_usable_keys(
            lambda wait, optimistic: _hint(
                student, session_id, problem_id, at, asked=asked, wait=wait, optimistic=optimistic
            )
        )

    shown = attempt(False)
    if isinstance(shown, _NeedsHints):
        extensions.request_hints(problem_id=problem_id, student=student, session_id=session_id)
        shown = attempt(True)
    assert isinstance(shown, HintShown)  # noqa: S101 - a second pass never asks again
    return shown


def _hint(
    student: Student,
    session_id: int,
    problem_id: int,
    now: dt.datetime,
    *,
    asked: bool,
    wait: bool,
    optimistic: bool = False,
) -> HintShown | _NeedsHints | None:
    """Under the session's row lock, or `optimistic`: read without it and write only if the
    session is unchanged (None if it changed: `run_with_usable_keys`). Every refusal holds
    whichever way it was read: answers, expiry and hints seen only move one way."""
    session = session_state(
        student=student,
        session_id=session_id,
        lock=not optimistic,
        wait=wait,
        problem_id=problem_id,
    )
    if session is None:
        raise not_found()
    item = item_of(session, problem_id)
    ensure_open(session.session, now)
    usable_key(item)
    if item.result is not None:
        raise Conflict(
            _("You have already answered this problem; hints are for unanswered problems."),
            code="already_answered",
        )
    hints = item.problem.hints
    incomplete = len(hints) < len(HINT_LEVELS) or any(not (h.text_en and h.text_bn) for h in hints)
    if incomplete and not asked and extensions.has_hint_writer():
        return _NeedsHints(problem_id)
    seen = item.hints_used
    if seen >= len(hints):
        raise Conflict(_("There are no more hints for this problem."), code="no_more_hints")
    seen_now: sql.Statement = (
        "INSERT INTO hint_views (session_id, problem_id, level, viewed_at) VALUES (%s, %s, %s, %s)",
        [session.pk, problem_id, seen + 1, now],
    )
    if not sql.combines_writes():
        sql.execute(*seen_now)
    elif not sql.execute_guarded(session_unchanged(session), [seen_now]):
        return None  # only without the lock: under it the row is the version read
    return HintShown(
        problem=item.problem, hint=hints[seen], level=seen + 1, remaining=len(hints) - seen - 1
    )
