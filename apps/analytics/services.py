"""Keeping item statistics current: `stats_refresh` recounts the problems that changed."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.analytics import itemstats, selectors
from apps.analytics.models import ProblemStats, StatsRefresh
from apps.content.checker import answer_form
from apps.content.domain import seed_rating
from apps.content.models import AnswerFeedback, Problem
from apps.content.selectors import answer_key_for
from apps.core import sql
from apps.core.errors import Conflict

LOCK_KEY = "analytics:stats-refresh"
LOCK_SECONDS = 3600

FIGURE_COLUMNS = itemstats.COLUMNS
FLAG_COLUMNS = tuple(f"flag_{name}" for name in itemstats.FLAGS)


@dataclass(frozen=True)
class RefreshResult:
    problems_touched: int
    responses_through: int
    seconds: float
    full: bool


def thresholds() -> itemstats.Thresholds:
    return itemstats.Thresholds(
        min_attempts=settings.STATS_MIN_ATTEMPTS,
        key_share=settings.STATS_KEY_SHARE,
        rating_gap=settings.STATS_RATING_GAP,
        language_gap=settings.STATS_LANGUAGE_GAP,
        min_language_students=settings.STATS_MIN_LANGUAGE_STUDENTS,
        min_hint_attempts=settings.STATS_MIN_HINT_ATTEMPTS,
    )


@contextmanager
def _only_one_refresh() -> Iterator[None]:
    if not cache.add(LOCK_KEY, "1", timeout=LOCK_SECONDS):
        raise Conflict(_("Statistics are already being refreshed."), code="refresh_running")
    try:
        yield
    finally:
        cache.delete(LOCK_KEY)


def stats_refresh(*, full: bool = False, now: dt.datetime | None = None) -> RefreshResult:
    """Add the answers given since the last refresh to the kept counts and rederive the
    statistics of the problems they touched (or that were edited, or never counted); with
    `full`, rebuild the counts from every answer and rederive every problem. One transaction:
    the counts, the statistics, the daily rollup and the new watermark commit together, so an
    answer is counted exactly once and a failed refresh is simply redone by the next."""
    started = now or timezone.now()
    clock = time.perf_counter()
    with _only_one_refresh():
        last = StatsRefresh.objects.order_by("-id").first()
        since = last.responses_through if last else 0
        settle = dt.timedelta(seconds=settings.STATS_SETTLE_SECONDS)
        through = selectors.latest_response_id(after=since, settled_before=started - settle)
        # Counts are rebuilt on demand, on the first refresh, and after a refresh that did not
        # keep them (an installation upgraded from before they existed).
        rebuild = full or last is None or not last.counts_kept
        with transaction.atomic():
            if rebuild:
                _counts_rebuild(through)
                wanted = set(Problem.objects.values_list("pk", flat=True))
            else:
                # Answered, edited, or whose feedback was followed by an answer elsewhere.
                wanted = _counts_add(since, through)
                wanted |= selectors.problems_answered_between(since, through)
                wanted |= selectors.problems_changed_since_counted()
            ids = sorted(wanted)
            size = settings.STATS_BATCH_SIZE
            for start in range(0, len(ids), size):
                _derive(ids[start : start + size], through, started)
            # The daily rollup adds up each answer once, like the counts.
            # The time zones are read once: both steps need them (a scan of the new answers).
            zones = selectors.zones_answering(since, through)
            _add_daily_activity(since, through, zones)
            _sum_days(selectors.days_answered(since, through, zones))
            StatsRefresh.objects.create(
                started_at=started,
                finished_at=max(started, timezone.now()),
                responses_through=through,
                problems_touched=len(ids),
                full=rebuild,
                counts_kept=True,
            )
    return RefreshResult(len(ids), through, time.perf_counter() - clock, rebuild)


# The kept counts (StatsCell, StatsTime, StatsWrong, StatsFeedback; see apps.analytics.models).
CELL_COLUMNS = (
    "problem_id, version, language, hints_used, is_correct, first, first_in_version, count, "
    "ability_sum, ability_squares"
)
NEW_ANSWERS = (
    f"FROM {selectors.ANSWERS_OF_STUDENTS} WHERE r.id > %s AND r.id <= %s"
    f" AND {selectors.REAL_STUDENT}"
)
# The student answered this problem (of this version) before this answer: an index probe
# through their sessions, so adding an answer costs the same however old the problem is.
EARLIER = (
    "EXISTS (SELECT 1 FROM sessions s2 JOIN responses r2 ON r2.session_id = s2.id"
    " WHERE s2.student_id = s.student_id AND r2.problem_id = r.problem_id AND r2.id < r.id{})"
)
ADD = "count = {0}.count + excluded.count"


def _counts_add(since: int, through: int) -> set[int]:
    """Add the answers with ids in (since, through] to the kept counts; the problems whose
    feedback counts changed."""
    if through <= since:
        return set()
    first = EARLIER.format("")
    first_in_version = EARLIER.format(" AND r2.problem_version = r.problem_version")
    sql.execute(
        f"INSERT INTO stats_cells ({CELL_COLUMNS}) "
        "SELECT r.problem_id, r.problem_version, r.language, r.hints_used, r.is_correct, "
        f"CASE WHEN {first} THEN FALSE ELSE TRUE END, "
        f"CASE WHEN {first_in_version} THEN FALSE ELSE TRUE END, "
        f"COUNT(*), SUM(st.ability), SUM(st.ability * st.ability) {NEW_ANSWERS} "
        "GROUP BY 1, 2, 3, 4, 5, 6, 7 "
        "ON CONFLICT (problem_id, version, language, hints_used, is_correct, first, "
        f"first_in_version) DO UPDATE SET {ADD.format('stats_cells')}, "
        "ability_sum = stats_cells.ability_sum + excluded.ability_sum, "
        "ability_squares = stats_cells.ability_squares + excluded.ability_squares",
        [since, through],
    )
    _add_times_and_wrong(since, through, conflict=True)
    feedback = selectors.feedback_counts_between(since, through)
    _add_feedback(feedback)
    return set(
        AnswerFeedback.objects.filter(pk__in=list(feedback)).values_list("problem_id", flat=True)
    )


def _counts_rebuild(through: int) -> None:
    """Count every answer up to `through` afresh (abilities as they are now)."""
    for table in ("stats_cells", "stats_times", "stats_wrong_answers", "stats_feedback"):
        sql.execute(f"DELETE FROM {table}")  # noqa: S608 - a fixed table name
    rows = [
        (problem_id, c.version, c.language, c.hints_used, c.is_correct, c.first,
         c.first_in_version, c.count, c.ability_sum, c.ability_squares)
        for problem_id, cells in selectors.answer_cells(None, through).items()
        for c in cells
    ]  # fmt: skip
    for start in range(0, len(rows), 5000):
        sql.execute_many(
            f"INSERT INTO stats_cells ({CELL_COLUMNS}) VALUES ({sql.placeholders(10)})",  # noqa: S608
            rows[start : start + 5000],
        )
    _add_times_and_wrong(0, through, conflict=False)
    _add_feedback(selectors.feedback_counts(through))


def _add_times_and_wrong(since: int, through: int, *, conflict: bool) -> None:
    def upsert(table: str, keys: str) -> str:
        return f" ON CONFLICT ({keys}) DO UPDATE SET {ADD.format(table)}" if conflict else ""

    sql.execute(
        "INSERT INTO stats_times (problem_id, version, seconds, count) "
        f"SELECT r.problem_id, r.problem_version, r.time_spent_seconds, COUNT(*) {NEW_ANSWERS} "
        "GROUP BY 1, 2, 3" + upsert("stats_times", "problem_id, version, seconds"),
        [since, through],
    )
    sql.execute(
        "INSERT INTO stats_wrong_answers (problem_id, version, answer, count) "
        f"SELECT r.problem_id, r.problem_version, r.student_answer, COUNT(*) {NEW_ANSWERS} "
        "AND r.is_correct = FALSE GROUP BY 1, 2, 3"
        + upsert("stats_wrong_answers", "problem_id, version, answer"),
        [since, through],
    )


def _add_feedback(counts: dict[int, selectors.FeedbackCounts]) -> None:
    sql.execute_many(
        "INSERT INTO stats_feedback (feedback_id, fired, followed, followed_right) "
        "VALUES (%s, %s, %s, %s) ON CONFLICT (feedback_id) DO UPDATE SET "
        "fired = stats_feedback.fired + excluded.fired, "
        "followed = stats_feedback.followed + excluded.followed, "
        "followed_right = stats_feedback.followed_right + excluded.followed_right",
        [(key, c.fired, c.followed, c.followed_right) for key, c in sorted(counts.items())],
    )


def _derive(problem_ids: Sequence[int], through: int, now: dt.datetime) -> None:
    """The statistics of these problems from their kept counts (reads a few rows each)."""
    problems = Problem.objects.filter(pk__in=problem_ids).prefetch_related("options", "feedback")
    cells = selectors.counted_cells(problem_ids)
    times = selectors.counted_times(problem_ids)
    wrong = selectors.counted_wrong(problem_ids)
    fired = selectors.counted_feedback(problem_ids)
    limits = thresholds()
    rows = []
    for problem in problems:
        key = answer_key_for(problem)
        forms = [
            (version, answer_form(key, typed) or typed.strip(), typed, count)
            for version, typed, count in wrong.get(problem.pk, [])
        ]
        by_version = times.get(problem.pk, {})
        all_times: dict[int, int] = {}
        for histogram in by_version.values():
            for seconds, count in histogram.items():
                all_times[seconds] = all_times.get(seconds, 0) + count
        problem_cells = cells.get(problem.pk, [])
        overall = itemstats.figures(
            problem_cells, all_times, [(form, typed, n) for _, form, typed, n in forms]
        )
        current = itemstats.figures(
            problem_cells,
            by_version.get(problem.version, {}),
            [(form, typed, n) for v, form, typed, n in forms if v == problem.version],
            version=problem.version,
        )
        flags = itemstats.flags(
            overall,
            rating=problem.rating,
            seed_rating=seed_rating(problem.difficulty),
            rated_answers=problem.rated_answers,
            is_active=problem.is_active,
            limits=limits,
        )
        rows.append(
            ProblemStats(
                problem_id=problem.pk,
                version=problem.version,
                **{name: getattr(overall, name) for name in FIGURE_COLUMNS},
                by_hints=_by_hints_json(overall),
                top_wrong=_wrong_json(overall),
                current=figures_json(current),
                feedback=[
                    _feedback_json(item, fired.get(item.pk)) for item in problem.feedback.all()
                ],
                **{f"flag_{name}": getattr(flags, name) for name in itemstats.FLAGS},
                responses_through=through,
                refreshed_at=now,
            )
        )
    with transaction.atomic():
        ProblemStats.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["problem"],
            update_fields=[
                "version",
                *FIGURE_COLUMNS,
                "by_hints",
                "top_wrong",
                "current",
                "feedback",
                *FLAG_COLUMNS,
                "responses_through",
                "refreshed_at",
            ],
        )


def _add_daily_activity(since: int, through: int, zones: Sequence[str]) -> None:
    """Add the answers in (since, through] to the daily rollup, in the database."""
    columns = ", ".join(selectors.DAY_COLUMNS)
    for select, params in selectors.daily_counts_queries(since, through, zones):
        # `WHERE true` keeps SQLite from reading ON CONFLICT as part of the SELECT's join.
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO daily_activity ({columns}) SELECT * FROM ({select}) d WHERE true "  # noqa: S608
                "ON CONFLICT (student_id, day) DO UPDATE SET "
                "answered = daily_activity.answered + excluded.answered, "
                "correct = daily_activity.correct + excluded.correct, "
                "hints_used = daily_activity.hints_used + excluded.hints_used, "
                "time_spent_seconds = daily_activity.time_spent_seconds "
                "+ excluded.time_spent_seconds, "
                "sessions_completed = daily_activity.sessions_completed "
                "+ excluded.sessions_completed, "
                "streak = COALESCE(excluded.streak, daily_activity.streak)",
                params,
            )


def _sum_days(days: Sequence[dt.date]) -> None:
    """Recompute the dashboard's totals of the days whose activity just changed."""
    for start in range(0, len(days), 500):
        chunk = days[start : start + 500]
        sql.execute(
            "INSERT INTO daily_totals (day, active_students, answered, correct, hints_used, "  # noqa: S608
            "time_spent_seconds, sessions_completed) "
            "SELECT day, COUNT(*), SUM(answered), SUM(correct), SUM(hints_used), "
            "SUM(time_spent_seconds), SUM(sessions_completed) FROM daily_activity "
            f"WHERE day IN ({sql.placeholders(len(chunk))}) GROUP BY day "
            "ON CONFLICT (day) DO UPDATE SET active_students = excluded.active_students, "
            "answered = excluded.answered, correct = excluded.correct, "
            "hints_used = excluded.hints_used, time_spent_seconds = excluded.time_spent_seconds, "
            "sessions_completed = excluded.sessions_completed",
            chunk,
        )


def _feedback_json(item: AnswerFeedback, counts: selectors.FeedbackCounts | None) -> dict[str, Any]:
    counts = counts or selectors.FeedbackCounts()
    return {
        "id": item.pk,
        "answer": item.answer,
        "form": item.form,
        "fired": counts.fired,
        "next_attempts": counts.followed,
        "next_facility": counts.followed_right / counts.followed if counts.followed else None,
    }


def _by_hints_json(figures: itemstats.Figures) -> dict[str, list[int]]:
    return {
        str(level): list(figures.by_hints.get(level, (0, 0))) for level in itemstats.HINT_LEVELS
    }


def _wrong_json(figures: itemstats.Figures) -> list[dict[str, Any]]:
    return [asdict(wrong) for wrong in figures.top_wrong]


def figures_json(figures: itemstats.Figures) -> dict[str, Any]:
    """A version's figures as stored in `ProblemStats.current`."""
    return {
        **{name: getattr(figures, name) for name in FIGURE_COLUMNS},
        "by_hints": _by_hints_json(figures),
        "top_wrong": _wrong_json(figures),
    }
