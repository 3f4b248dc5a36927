"""Metering: what external calls cost, against which budget, on the books.

Every external call that costs money (Claude, an SMS) writes a `CostRecord`, whether it
succeeded or not, with its cost computed from the price table in `Decimal`. Before a call, one
aggregate query reads this month's spend so the caller can skip a call that would pass the
per-student or the global budget.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Q, Sum
from django.utils import timezone

from apps.billing.models import AI_OPERATIONS, CostRecord, ModelPrice, SmsPrice
from apps.billing.pricing import Price, TokenUsage, cost_usd
from apps.content.models import Problem
from apps.students.models import Guardian, Student


def price_for(model: str, *, provider: str = "claude") -> Price:
    row = ModelPrice.objects.filter(provider=provider, model=model).first()
    if row is None:
        raise LookupError(f"no price for {provider}/{model}: add it in the admin (Model prices)")
    return Price(
        input_per_mtok=row.input_usd_per_mtok,
        output_per_mtok=row.output_usd_per_mtok,
        cache_write_per_mtok=row.cache_write_usd_per_mtok,
        cache_read_per_mtok=row.cache_read_usd_per_mtok,
    )


def sms_price_for(phone: str, *, provider: str = "twilio") -> Decimal | None:
    """USD per segment to `phone` (E.164): the price of the longest matching prefix (`+` is the
    fallback), or None when the table has none."""
    prefixes = [phone[:length] for length in range(1, min(len(phone), 8) + 1)]
    rows = SmsPrice.objects.filter(provider=provider, prefix__in=prefixes).values_list(
        "prefix", "usd_per_segment"
    )
    best = max(rows, key=lambda row: len(row[0]), default=None)
    return best[1] if best is not None else None


def month_start(at: dt.datetime) -> dt.datetime:
    local = timezone.localtime(at)
    return local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


@dataclass(frozen=True)
class Spend:
    student: Decimal
    total: Decimal


def month_spend(
    *, student: Student | None, now: dt.datetime, operations: Sequence[str] | None = None
) -> Spend:
    """This month's spend of one student and of everyone (of these operations, if given), in
    one indexed aggregate."""
    sums: dict[str, Any] = {"total": Sum("cost_usd")}
    if student is not None:
        sums["student"] = Sum("cost_usd", filter=Q(student=student))
    records = CostRecord.objects.filter(recorded_at__gte=month_start(now))
    if operations is not None:
        records = records.filter(operation__in=list(operations))
    totals = records.aggregate(**sums)
    return Spend(student=totals.get("student") or Decimal(0), total=totals["total"] or Decimal(0))


def budget_allows(*, student: Student | None, estimate: Decimal, now: dt.datetime) -> bool:
    """Whether an AI call costing at most `estimate` keeps this month within both budgets."""
    spend = month_spend(student=student, now=now, operations=AI_OPERATIONS)
    if spend.total + estimate > settings.AI_GLOBAL_MONTHLY_BUDGET_USD:
        return False
    return student is None or spend.student + estimate <= settings.AI_STUDENT_MONTHLY_BUDGET_USD


def cost_record_create(
    *,
    operation: str,
    provider: str,
    model: str,
    usage: TokenUsage | None = None,
    price: Price | None = None,
    cost: Decimal | None = None,
    student: Student | None = None,
    guardian: Guardian | None = None,
    session_id: int | None = None,
    problem: Problem | None = None,
    error: str = "",
) -> CostRecord:
    """Put one external call on the books: priced from `usage` × `price` (AI calls), or a
    `cost` already known (an SMS: segments × price per segment)."""
    usage = usage or TokenUsage()
    if cost is None:
        cost = cost_usd(usage, price) if price is not None else Decimal(0)
    return CostRecord.objects.create(
        student=student,
        guardian=guardian,
        session_id=session_id,
        problem=problem,
        operation=operation,
        provider=provider,
        model=model,
        input_tokens=usage.input_tokens,
        output_tokens=usage.output_tokens,
        cache_creation_input_tokens=usage.cache_creation_input_tokens,
        cache_read_input_tokens=usage.cache_read_input_tokens,
        cost_usd=cost,
        succeeded=not error,
        error=error[:300],
    )
