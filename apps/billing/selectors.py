"""The AI spend report: one function feeds both the admin page and `cost_report`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncDate, TruncMonth
from django.utils import timezone

from apps.billing.models import AI_OPERATIONS, CostRecord
from apps.practice.models import PracticeSession

ZERO = Decimal("0")


@dataclass(frozen=True)
class Line:
    label: str
    calls: int
    failed: int
    cost_usd: Decimal


@dataclass(frozen=True)
class Spender:
    student_id: int | None
    name: str
    cost_usd: Decimal


@dataclass(frozen=True)
class CostReport:
    month: dt.date
    total_usd: Decimal
    calls: int
    failed: int
    by_operation: list[Line]
    by_model: list[Line]
    daily: list[tuple[dt.date, Decimal]]
    active_students: int
    per_active_student_usd: Decimal
    target_per_student_usd: Decimal
    top_spenders: list[Spender]
    months: list[tuple[dt.date, Decimal]]


def month_bounds(month: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """[start, end) of a calendar month in the server's TIME_ZONE."""
    zone = timezone.get_current_timezone()
    start = dt.datetime(month.year, month.month, 1, tzinfo=zone)
    following = dt.datetime(month.year + month.month // 12, month.month % 12 + 1, 1, tzinfo=zone)
    return start, following


def _lines(records: object, field: str) -> list[Line]:
    rows = (
        records.values(field)  # type: ignore[attr-defined]
        .annotate(
            calls=Count("id"), failed=Count("id", filter=Q(succeeded=False)), cost=Sum("cost_usd")
        )
        .order_by("-cost", field)
    )
    return [
        Line(
            label=row[field] or "—",
            calls=row["calls"],
            failed=row["failed"],
            cost_usd=row["cost"] or ZERO,
        )
        for row in rows
    ]


def cost_report(*, month: dt.date, top: int = 10) -> CostReport:
    start, end = month_bounds(month)
    ai = CostRecord.objects.filter(operation__in=AI_OPERATIONS)
    records = ai.filter(recorded_at__gte=start, recorded_at__lt=end)
    totals = records.aggregate(
        total=Sum("cost_usd"), calls=Count("id"), failed=Count("id", filter=Q(succeeded=False))
    )
    total = totals["total"] or ZERO
    daily = [
        (row["day"], row["cost"] or ZERO)
        for row in records.annotate(day=TruncDate("recorded_at"))
        .values("day")
        .annotate(cost=Sum("cost_usd"))
        .order_by("day")
    ]
    active = (
        PracticeSession.objects.filter(started_at__gte=start, started_at__lt=end)
        .values("student")
        .distinct()
        .count()
    )
    spenders = [
        Spender(
            student_id=row["student"],
            name=row["student__name"] or "(no student)",
            cost_usd=row["cost"],
        )
        for row in records.filter(student__isnull=False)
        .values("student", "student__name")
        .annotate(cost=Sum("cost_usd"))
        .order_by("-cost", "student")[:top]
    ]
    year_ago = start - dt.timedelta(days=366)
    months = [
        (
            timezone.localtime(row["month"]).date()
            if isinstance(row["month"], dt.datetime)
            else row["month"],
            row["cost"] or ZERO,
        )
        for row in ai.filter(recorded_at__gte=year_ago, recorded_at__lt=end)
        .annotate(month=TruncMonth("recorded_at"))
        .values("month")
        .annotate(cost=Sum("cost_usd"))
        .order_by("month")
    ]
    per_student = (total / active).quantize(Decimal("0.000001")) if active else ZERO
    return CostReport(
        month=start.date(),
        total_usd=total,
        calls=totals["calls"],
        failed=totals["failed"],
        by_operation=_lines(records, "operation"),
        by_model=_lines(records, "model"),
        daily=daily,
        active_students=active,
        per_active_student_usd=per_student,
        target_per_student_usd=settings.AI_STUDENT_MONTHLY_BUDGET_USD,
        top_spenders=spenders,
        months=months,
    )


def parse_month(text: str) -> dt.date:
    """'2026-11' -> 1 Nov 2026; ValueError with a plain message otherwise."""
    try:
        parsed = dt.datetime.strptime(text, "%Y-%m")  # noqa: DTZ007 - a calendar month, no time
    except ValueError as exc:
        raise ValueError(f"month must look like 2026-11, not {text!r}") from exc
    return parsed.date()
