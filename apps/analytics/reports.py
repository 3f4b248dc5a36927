"""The admin dashboard: today's practice, 30-day trends, streaks and the problems most in need
of attention. A fixed number of queries, all reading rollups (or small tables), through the
reports database when a replica is configured (`apps.core.routers.reports`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from apps.analytics.models import DailyTotals, ProblemStats, StatsRefresh
from apps.billing.models import CostRecord
from apps.core.routers import reports
from apps.practice.models import Streak

DAYS = 30
STREAK_BUCKETS = ((1, 1), (2, 6), (7, 13), (14, 29), (30, None))
ZERO = Decimal("0")


@dataclass(frozen=True)
class Day:
    day: dt.date
    active_students: int
    sessions: int
    answered: int
    correct: int
    hints: int
    spend_usd: Decimal

    @property
    def accuracy(self) -> float | None:
        return self.correct / self.answered if self.answered else None

    @property
    def hints_per_answer(self) -> float | None:
        return self.hints / self.answered if self.answered else None


@dataclass(frozen=True)
class Dashboard:
    today: Day
    days: list[Day]  # oldest first, DAYS of them ending today
    streaks: list[tuple[str, int]]  # (length range, students with a live streak that long)
    attention: list[ProblemStats]
    last_refresh: StatsRefresh | None


def dashboard(*, today: dt.date | None = None) -> Dashboard:
    """Today is the server's calendar day (TIME_ZONE); students' rows are their own days."""
    today = today or timezone.localdate()
    first = today - dt.timedelta(days=DAYS - 1)
    with reports():
        activity: dict[dt.date, dict[str, Any]] = {
            row["day"]: {
                "active": row["active_students"],
                "sessions": row["sessions_completed"],
                "answered": row["answered"],
                "correct": row["correct"],
                "hints": row["hints_used"],
            }
            for row in DailyTotals.objects.filter(day__gte=first, day__lte=today).values()
        }
        start = timezone.make_aware(dt.datetime.combine(first, dt.time()))
        spend = {
            row["day"]: row["cost"] or ZERO
            for row in CostRecord.objects.filter(recorded_at__gte=start)
            .annotate(day=TruncDate("recorded_at"))
            .values("day")
            .annotate(cost=Sum("cost_usd"))
            .order_by()
        }
        live = Q(last_practice_date__gte=today - dt.timedelta(days=1))
        counts = Streak.objects.aggregate(
            **{
                f"b{n}": Count(
                    "pk",
                    filter=live
                    & Q(current_streak__gte=low)
                    & (Q() if high is None else Q(current_streak__lte=high)),
                )
                for n, (low, high) in enumerate(STREAK_BUCKETS)
            }
        )
        attention = list(
            ProblemStats.objects.filter(needs_attention=True)
            .select_related("problem")
            .order_by("-attempts", "problem__code")[:10]
        )
        last_refresh = StatsRefresh.objects.order_by("-id").first()
    days = []
    for offset in range(DAYS):
        day = first + dt.timedelta(days=offset)
        row = activity.get(day, {})
        days.append(
            Day(
                day=day,
                active_students=row.get("active") or 0,
                sessions=row.get("sessions") or 0,
                answered=row.get("answered") or 0,
                correct=row.get("correct") or 0,
                hints=row.get("hints") or 0,
                spend_usd=spend.get(day, ZERO),
            )
        )
    streaks = [
        (f"{low}–{high}" if high not in (None, low) else (f"{low}+" if high is None else str(low)),
         counts[f"b{n}"])
        for n, (low, high) in enumerate(STREAK_BUCKETS)
    ]  # fmt: skip
    return Dashboard(
        today=days[-1], days=days, streaks=streaks, attention=attention, last_refresh=last_refresh
    )
