"""What students are shown of a problem (the authored feedback for wrong answers included),
kept in each process, keyed by the problem's version.

The library changes rarely and every change a student could see bumps `Problem.version`
(services.problem_save and the other write paths), so a copy read once serves until the
version moves on: callers ask for `(problem_id, version)` pairs they read with the rest of
their query, and only unknown pairs are loaded (three queries for any number of problems).

The answer key is not part of it: answers are checked against the key columns read with the
session (`answer_key`), so a key changed outside the services is still seen at once.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass

from apps.content.checker import AnswerKey, Option
from apps.content.models import Problem
from apps.content.spreadsheet import split_alternatives
from apps.core import sql

MAX_ENTRIES = 50_000  # problems; far above any library, a guard against unbounded growth
WARM_LIMIT = 5_000  # problems loaded by `warm` (18 times today's library); the rest on demand
_LOAD_BATCH = 500  # problems per load when warming (each id is sent twice: SQLite's limits)


# A multiple-choice option as shown and as the checker's key holds it (label "A".."D").
OptionContent = Option


@dataclass(frozen=True)
class HintContent:
    level: int
    text_en: str
    text_bn: str


@dataclass(frozen=True)
class FeedbackContent:
    """Authored feedback for the wrong answers whose checker form is `form`."""

    id: int
    form: str
    message_en: str
    message_bn: str


@dataclass(frozen=True)
class ProblemContent:
    id: int
    version: int
    topic_id: int
    answer_type: str
    question_en: str
    question_bn: str
    explanation_en: str
    explanation_bn: str
    estimated_time_minutes: int
    options: tuple[OptionContent, ...]
    hints: tuple[HintContent, ...]
    feedback: tuple[FeedbackContent, ...] = ()

    @property
    def pk(self) -> int:
        return self.id

    def feedback_for(self, form: str | None) -> FeedbackContent | None:
        """The feedback for a wrong answer the checker reads as `form` (`answer_form`)."""
        return next((f for f in self.feedback if f.form == form), None) if form else None

    def feedback_by_id(self, feedback_id: int | None) -> FeedbackContent | None:
        return next((f for f in self.feedback if f.id == feedback_id), None)


_entries: dict[int, ProblemContent] = {}
_lock = threading.Lock()


def problem_contents(wanted: Iterable[tuple[int, int]]) -> dict[int, ProblemContent]:
    """The content of each `(problem_id, version)`, by id."""
    found: dict[int, ProblemContent] = {}
    missing: list[int] = []
    for problem_id, version in wanted:
        entry = _entries.get(problem_id)
        if entry is not None and entry.version == version:
            found[problem_id] = entry
        else:
            missing.append(problem_id)
    if missing:
        loaded = _load(missing)
        _keep(loaded)
        found.update(loaded)
    return found


def _keep(loaded: dict[int, ProblemContent]) -> None:
    with _lock:
        if len(_entries) + len(loaded) > MAX_ENTRIES:
            _entries.clear()
        _entries.update(loaded)


def warm(limit: int = WARM_LIMIT) -> int:
    """Load the content of the problems sessions may be given (the first `limit` by id), so
    that a new process's first sessions do not each wait for part of it (gunicorn's workers do
    this as they start). Returns how many problems were loaded."""
    ids = list(Problem.objects.usable().order_by("id").values_list("id", flat=True)[:limit])
    loaded: dict[int, ProblemContent] = {}
    for start in range(0, len(ids), _LOAD_BATCH):
        loaded.update(_load(ids[start : start + _LOAD_BATCH]))
    _keep(loaded)
    return len(loaded)


# The key columns (answer_type, answer, answer_bn, accepted_answers, tolerance, simplest_form)
# as read with a session.
KeyColumns = tuple[str, str, str, str, str, bool]

# Per problem, the version and key columns whose key this process last found usable (the
# content rules, checked by practice before a hint or an answer). A statement may presume the
# key usable while the problem row still holds that version and those columns, which it must
# check itself (practice.services.hints does, in its one-statement hint).
_usable_keys: dict[int, tuple[int, KeyColumns]] = {}


def key_found_usable(problem_id: int, version: int, columns: KeyColumns) -> None:
    if _usable_keys.get(problem_id) != (version, columns):
        _usable_keys[problem_id] = (version, columns)


def usable_key_found(problem_id: int) -> tuple[ProblemContent, KeyColumns] | None:
    """The content (at its version) and the key columns of the problem's last key found
    usable here, while this process holds that content."""
    found = _usable_keys.get(problem_id)
    if found is None:
        return None
    entry = _entries.get(problem_id)
    if entry is None or entry.version != found[0]:
        return None
    return entry, found[1]


def forget(problem_id: int | None = None) -> None:
    """Drop one problem's copy, or every copy and every pool (tests; a library reload), and
    what was found of their keys."""
    with _lock:
        if problem_id is None:
            _entries.clear()
            _pools.clear()
            _usable_keys.clear()
        else:
            _entries.pop(problem_id, None)
            _usable_keys.pop(problem_id, None)


@dataclass(frozen=True, slots=True)
class PoolEntry:
    """A problem a session may be given, with what the choice weighs."""

    id: int
    topic_id: int
    rating: float
    version: int


_pools: dict[int, tuple[float, list[PoolEntry]]] = {}


def selection_pool(grade: int, max_age: float) -> list[PoolEntry]:
    """The problems of a grade that sessions may be given (active, not flagged unusable),
    read again when this process's copy is older than `max_age` seconds (0: every time).
    The services that change which problems are usable forget it in this process at once
    (`forget_pools`); other processes see such a change within `max_age`."""
    now = time.monotonic()
    cached = _pools.get(grade)
    if cached is not None and now - cached[0] < max_age:
        return cached[1]
    usable = Problem.objects.usable().filter(topic__grade=grade).order_by("id")
    entries = [PoolEntry(*row) for row in usable.values_list("id", "topic_id", "rating", "version")]
    _pools[grade] = (now, entries)
    return entries


def forget_pools() -> None:
    """After a change to which problems are usable (or their topic or grade): now, and again
    when the change commits (a pool read in between would hold the old rows)."""
    from django.db import transaction

    _pools.clear()
    transaction.on_commit(_pools.clear)


def answer_key(
    content: ProblemContent,
    *,
    answer_type: str,
    answer: str,
    answer_bn: str,
    accepted_answers: str,
    tolerance: str,
    simplest_form: bool,
) -> AnswerKey:
    """The checker's key from the key columns as just read and the cached options."""
    return AnswerKey(
        answer_type=answer_type,
        answer=answer,
        answer_bn=answer_bn,
        accepted=tuple(split_alternatives(accepted_answers)),
        tolerance=tolerance,
        simplest_form=bool(simplest_form),
        options=content.options,
    )


def _load(ids: list[int]) -> dict[int, ProblemContent]:
    marks = sql.placeholders(len(ids))
    options: dict[int, list[OptionContent]] = {}
    feedback: dict[int, list[FeedbackContent]] = {}
    # Options and feedback in one statement (both are a problem's labelled texts), so that
    # loading content stays three statements however many problems.
    for kind, problem_id, label, text_en, text_bn, row_id in sql.fetch_all(
        "SELECT 0, problem_id, label, text_en, text_bn, id FROM problem_options "  # noqa: S608
        f"WHERE problem_id IN ({marks}) UNION ALL "
        "SELECT 1, problem_id, form, message_en, message_bn, id FROM answer_feedback "
        f"WHERE problem_id IN ({marks}) ORDER BY 1, 2, 3",
        ids + ids,
    ):
        if kind == 0:
            options.setdefault(problem_id, []).append(OptionContent(label, text_en, text_bn))
        else:
            feedback.setdefault(problem_id, []).append(
                FeedbackContent(row_id, label, text_en, text_bn)
            )
    hints: dict[int, list[HintContent]] = {}
    for problem_id, level, text_en, text_bn in sql.fetch_all(
        "SELECT problem_id, level, text_en, text_bn FROM hints "  # noqa: S608
        f"WHERE problem_id IN ({marks}) ORDER BY problem_id, level",
        ids,
    ):
        hints.setdefault(problem_id, []).append(HintContent(level, text_en, text_bn))
    return {
        row[0]: ProblemContent(
            id=row[0],
            version=row[1],
            topic_id=row[2],
            answer_type=row[3],
            question_en=row[4],
            question_bn=row[5],
            explanation_en=row[6],
            explanation_bn=row[7],
            estimated_time_minutes=row[8],
            options=tuple(options.get(row[0], ())),
            hints=tuple(hints.get(row[0], ())),
            feedback=tuple(feedback.get(row[0], ())),
        )
        for row in sql.fetch_all(
            "SELECT id, version, topic_id, answer_type, question_en, question_bn, "  # noqa: S608
            "explanation_en, explanation_bn, estimated_time_minutes "
            f"FROM problems WHERE id IN ({marks})",
            ids,
        )
    }
