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
from django.db import transaction
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
    """Recount the problems answered since the last refresh (or edited, or never counted);
    with `full`, every problem. Each touched problem is recounted from all its answers, so a
    refresh is idempotent and a failed one is simply redone by the next."""
    started = now or timezone.now()
    clock = time.perf_counter()
    with _only_one_refresh():
        last = StatsRefresh.objects.order_by("-id").first()
        since = last.responses_through if last else 0
        settle = dt.timedelta(seconds=settings.STATS_SETTLE_SECONDS)
        through = selectors.latest_response_id(after=since, settled_before=started - settle)
        if full:
            wanted = set(Problem.objects.values_list("pk", flat=True))
        else:
            wanted = selectors.problems_answered_between(since, through)
            wanted |= selectors.problems_changed_since_counted()
        ids = sorted(wanted)
        size = settings.STATS_BATCH_SIZE
        for start in range(0, len(ids), size):
            _recount(ids[start : start + size], through, started)
        # The daily rollup adds up each answer once: its rows and the new watermark commit
        # together, so a failed refresh adds nothing and the next one counts those answers.
        with transaction.atomic():
            counts = selectors.daily_counts(since, through)
            _add_daily_activity(counts)
            _sum_days(sorted({c.day for c in counts}))
            StatsRefresh.objects.create(
                started_at=started,
                finished_at=max(started, timezone.now()),
                responses_through=through,
                problems_touched=len(ids),
                full=full,
            )
    return RefreshResult(len(ids), through, time.perf_counter() - clock, full)


def _recount(problem_ids: Sequence[int], through: int, now: dt.datetime) -> None:
    problems = Problem.objects.filter(pk__in=problem_ids).prefetch_related("options", "feedback")
    cells = selectors.answer_cells(problem_ids, through)
    times = selectors.time_histograms(problem_ids, through)
    wrong = selectors.wrong_answers(problem_ids, through)
    fired = selectors.feedback_counts(problem_ids, through)
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


def _add_daily_activity(counts: Sequence[selectors.DayCounts]) -> None:
    statement = (
        "INSERT INTO daily_activity (student_id, day, answered, correct, hints_used, "
        "time_spent_seconds, sessions_completed, streak) VALUES (%s, %s, %s, %s, %s, %s, %s, %s) "
        "ON CONFLICT (student_id, day) DO UPDATE SET "
        "answered = daily_activity.answered + excluded.answered, "
        "correct = daily_activity.correct + excluded.correct, "
        "hints_used = daily_activity.hints_used + excluded.hints_used, "
        "time_spent_seconds = daily_activity.time_spent_seconds + excluded.time_spent_seconds, "
        "sessions_completed = daily_activity.sessions_completed + excluded.sessions_completed, "
        "streak = COALESCE(excluded.streak, daily_activity.streak)"
    )
    rows = [
        (c.student_id, c.day, c.answered, c.correct, c.hints_used, c.time_spent_seconds,
         c.sessions_completed, c.streak)
        for c in counts
    ]  # fmt: skip
    for start in range(0, len(rows), 5000):
        sql.execute_many(statement, rows[start : start + 5000])


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
