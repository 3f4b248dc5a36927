"""What the answer and hint paths share: finding the problem in an open session, safely."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from contextlib import nullcontext
from functools import lru_cache
from typing import TypeVar

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from apps.content import cache as content_cache
from apps.content import services as content_services
from apps.content.checker import AnswerKey, key_problems
from apps.core import sql
from apps.core.errors import Conflict, NotFound
from apps.practice.models import PracticeSession
from apps.practice.selectors import SessionBusy, SessionItem, SessionState

T = TypeVar("T")
Status = PracticeSession.Status


def atomic_retrying_a_lost_race(work: Callable[[bool], T]) -> T:
    """Run `work(wait)` in a transaction. The first try does not wait for the session's row
    lock (`wait=False`: the lock comes with the read, one round trip); if another request of
    the student holds it (`SessionBusy`), or a concurrent request won a unique-constraint race
    (a response or hint view for the same problem), it runs once more, waiting for the lock:
    it then sees the winner's rows and answers from them (the stored result, the next hint)."""
    try:
        with transaction.atomic():
            return work(False)
    except (IntegrityError, SessionBusy):
        with transaction.atomic():
            return work(True)


def ensure_open(session: PracticeSession, now: dt.datetime) -> None:
    status = session.status_at(now)
    if status == Status.ABANDONED:
        raise Conflict(
            _("This session has expired (30 minutes). Start a new one."), code="session_expired"
        )
    if status == Status.COMPLETED:
        raise Conflict(_("This session is already finished."), code="session_closed")


class UnusableKey(Exception):
    """Raised inside the transaction; the caller flags the problem after the rollback."""

    def __init__(self, problem_id: int) -> None:
        super().__init__(problem_id)
        self.problem_id = problem_id


def usable_key(item: SessionItem) -> AnswerKey:
    """The problem's answer key; `UnusableKey` if it cannot be used (written past the content
    rules, e.g. by raw SQL before they held)."""
    key = item.key
    if not _usable(key):
        raise UnusableKey(item.problem_id)
    if item.key_columns is not None:  # read with the session: as `item.key` was built
        content_cache.key_found_usable(item.problem_id, item.problem.version, item.key_columns)
    return key


@lru_cache(maxsize=8192)
def _usable(key: AnswerKey) -> bool:
    """Whether a key passes the content rules: a pure function of the key (checking it costs
    more than the rest of an answer's Python), so each distinct key is checked once."""
    return not key_problems(key)


def not_found() -> NotFound:
    return NotFound(_("No such session."), code="not_found")


def item_of(session: SessionState, problem_id: int) -> SessionItem:
    item = session.item(problem_id)
    if item is None:
        raise NotFound(
            _("That problem is not part of this session."),
            code="problem_not_in_session",
            details={"fields": {"problem_id": [_("Not a problem of this session.")]}},
        )
    return item


def run_with_usable_keys(work: Callable[[bool, bool], T]) -> T:
    """`work(wait, optimistic)` under `atomic_retrying_a_lost_race`, where a problem whose key
    turns out unusable is flagged for the content team (after the rollback) and answered 409
    problem_unavailable in the student's language, never a 500.

    On PostgreSQL `work(False, True)` goes first: the session read without its lock and the
    writes in one statement that makes them only if the session row is still the version read
    (`session_unchanged`): two round trips instead of four (no BEGIN, no COMMIT). It returns
    None when the row changed meanwhile (another request of the student's came first), or when
    its work needs the lock: then `work(wait, False)` runs, under the lock."""
    try:
        if sql.combines_writes():
            done = _optimistically(lambda: work(False, True))
            if done is not None:
                return done
        return atomic_retrying_a_lost_race(lambda wait: work(wait, False))
    except UnusableKey as unusable:
        content_services.problem_flag_unusable(problem_id=unusable.problem_id)
        raise Conflict(
            _("This problem cannot be answered right now. Please go on to the next one."),
            code="problem_unavailable",
        ) from unusable


def _optimistically(optimistic: Callable[[], T]) -> T | None:
    # Inside a caller's transaction (tests), a savepoint keeps a lost race from aborting it.
    inside = transaction.get_connection().in_atomic_block
    try:
        with transaction.atomic() if inside else nullcontext():
            return optimistic()
    except IntegrityError:  # a concurrent request's row: the locked path sees it
        return None


def session_unchanged(session: SessionState, update: sql.Statement | None = None) -> sql.Statement:
    """The session row's UPDATE (`update`; by default one that makes a new version of the row
    and changes none of its values), only while the row is the version `session` was read at:
    the guard of `sql.execute_guarded`, under the lock or not. Every answer and every hint
    writes through it, so each makes a new version of the row, and an answer and a hint of the
    same session exclude each other as two answers do."""
    statement, params = update or (
        "UPDATE sessions SET updated_at = updated_at WHERE id = %s",
        [session.pk],
    )
    return f"{statement} AND xmin::text = %s", [*params, session.version]
