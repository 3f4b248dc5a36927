"""Serving hints: the next level of a problem in an open session, recorded as seen."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.content.cache import HintContent, KeyColumns, ProblemContent, usable_key_found
from apps.content.domain import HINT_LEVELS
from apps.core import sql
from apps.core.errors import Conflict
from apps.practice import extensions
from apps.practice.selectors import (
    SessionState,
    session_state,
    session_state_from,
    session_state_statement,
)
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
    whichever way it was read: answers, expiry and hints seen only move one way.

    Optimistic, for a problem whose key this process has found usable at its current content
    (`content.cache.usable_key_found`), the read and the write are one statement
    (`_hint_at_once`)."""
    if optimistic:
        vetted = usable_key_found(problem_id)
        if vetted is not None and (asked or not _asks_for_hints(vetted[0])):
            return _hint_at_once(student, session_id, problem_id, now, *vetted)
    session = session_state(
        student=student,
        session_id=session_id,
        lock=not optimistic,
        wait=wait,
        problem_id=problem_id,
    )
    seen = _next_hint(session, problem_id, now, asked=asked)
    if isinstance(seen, _NeedsHints):
        return seen
    assert session is not None  # noqa: S101 - _next_hint refused a missing one
    seen_now: sql.Statement = (
        "INSERT INTO hint_views (session_id, problem_id, level, viewed_at) VALUES (%s, %s, %s, %s)",
        [session.pk, problem_id, seen + 1, now],
    )
    if not sql.combines_writes():
        sql.execute(*seen_now)
    elif not sql.execute_guarded(session_unchanged(session), [seen_now]):
        return None  # only without the lock: under it the row is the version read
    return _shown(session, problem_id, seen)


def _next_hint(
    session: SessionState | None, problem_id: int, now: dt.datetime, *, asked: bool
) -> int | _NeedsHints:
    """How many hints of the problem the student has seen, if they may see the next one;
    else the refusal, raised (or `_NeedsHints`: ask the AI to write them first)."""
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
    if not asked and _asks_for_hints(item.problem):
        return _NeedsHints(problem_id)
    if item.hints_used >= len(item.problem.hints):
        raise Conflict(_("There are no more hints for this problem."), code="no_more_hints")
    return item.hints_used


def _asks_for_hints(problem: ProblemContent) -> bool:
    """Whether the problem lacks some of its hints and an AI writer could write them."""
    hints = problem.hints
    incomplete = len(hints) < len(HINT_LEVELS) or any(not (h.text_en and h.text_bn) for h in hints)
    return incomplete and extensions.has_hint_writer()


def _shown(session: SessionState, problem_id: int, seen: int) -> HintShown:
    item = item_of(session, problem_id)
    hints = item.problem.hints
    return HintShown(
        problem=item.problem, hint=hints[seen], level=seen + 1, remaining=len(hints) - seen - 1
    )


# The session's problem as `session_state` reads it (`st`), then the session row's new version
# and the hint view, written only if the row is still the version read and everything
# `_next_hint` checks holds of what was read: the session open, the problem unanswered and with
# a hint left, and the problem row at the version, and with the key columns, whose key this
# process last found usable (`content.cache.usable_key_found`).
_AT_ONCE = (
    "WITH st AS ({read}), guard AS ("
    "UPDATE sessions SET updated_at = updated_at WHERE id = %s "
    "AND xmin::text = (SELECT row_version FROM st) AND EXISTS (SELECT FROM st WHERE "
    "status = 'in_progress' AND expires_at > %s AND is_correct IS NULL AND hints_seen < %s "
    "AND version = %s AND answer_type = %s AND answer = %s AND answer_bn = %s "
    "AND accepted_answers = %s AND tolerance = %s AND simplest_form = %s) RETURNING 1), "
    "seen AS (INSERT INTO hint_views (session_id, problem_id, level, viewed_at) "
    "SELECT %s, %s, st.hints_seen + 1, %s FROM st, guard) "
    "SELECT st.*, (SELECT COUNT(*) FROM guard) FROM st"
)


@lru_cache(maxsize=4)
def _at_once(read: str) -> str:
    return _AT_ONCE.format(read=read)


def _hint_at_once(
    student: Student,
    session_id: int,
    problem_id: int,
    now: dt.datetime,
    problem: ProblemContent,
    key_columns: KeyColumns,
) -> HintShown | None:
    """The optimistic hint in one statement (`_AT_ONCE`). If it wrote nothing, what it read
    says why: a refusal, raised as `_next_hint` raises it; or None (the session row changed,
    or the problem is not as vetted), and the caller goes on under the lock."""
    read, read_params = session_state_statement(
        student=student, session_id=session_id, problem_id=problem_id
    )
    params = [
        *read_params,
        session_id,
        now,
        len(problem.hints),
        problem.version,
        *key_columns,
        session_id,
        problem_id,
        now,
    ]
    rows = sql.fetch_all(_at_once(read), params)
    wrote = bool(rows and rows[0][-1])
    session = session_state_from(
        [row[:-1] for row in rows], student=student, session_id=session_id, problem_id=problem_id
    )
    if wrote:
        assert session is not None  # noqa: S101 - it wrote for the row it read
        return _shown(session, problem_id, item_of(session, problem_id).hints_used)
    _next_hint(session, problem_id, now, asked=True)  # raises the refusal, if there is one
    return None
