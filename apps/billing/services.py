"""AI help, paid for once and recorded: hint generation and text-answer judging.

Every external call writes a CostRecord (student and session where there is one, tokens, cost
from the price table) in the same transaction as the result it paid for; a failed call is
recorded too and the caller falls back to what it had (authored hints, the deterministic
verdict). Before each call one aggregate query checks this month's spend against the
per-student and the global budget, and a call that could exceed either is skipped.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone

from apps.billing import ai
from apps.billing.models import AIJudgement, CostRecord, ModelPrice
from apps.billing.pricing import Price, TokenUsage, cost_usd, estimate_tokens
from apps.content.checker import normalise_text
from apps.content.models import HINT_LEVELS_COUNT, Hint, Problem
from apps.practice.models import PracticeSession
from apps.students.models import Student

logger = logging.getLogger(__name__)

Operation = CostRecord.Operation


# --- prices, budgets, records -------------------------------------------------------------


def price_for(model: str) -> Price:
    row = ModelPrice.objects.filter(provider="claude", model=model).first()
    if row is None:
        raise LookupError(f"no price for model {model!r}: add it in the admin (Model prices)")
    return Price(
        input_per_mtok=row.input_usd_per_mtok,
        output_per_mtok=row.output_usd_per_mtok,
        cache_write_per_mtok=row.cache_write_usd_per_mtok,
        cache_read_per_mtok=row.cache_read_usd_per_mtok,
    )


def month_start(at: dt.datetime) -> dt.datetime:
    local = timezone.localtime(at)
    return local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


@dataclass(frozen=True)
class Spend:
    student: Decimal
    total: Decimal


def month_spend(*, student: Student | None, now: dt.datetime) -> Spend:
    """This month's spend of one student and of everyone, in one indexed aggregate."""
    sums: dict[str, Any] = {"total": Sum("cost_usd")}
    if student is not None:
        sums["student"] = Sum("cost_usd", filter=Q(student=student))
    totals = CostRecord.objects.filter(recorded_at__gte=month_start(now)).aggregate(**sums)
    return Spend(student=totals.get("student") or Decimal(0), total=totals["total"] or Decimal(0))


def budget_allows(*, student: Student | None, estimate: Decimal, now: dt.datetime) -> bool:
    spend = month_spend(student=student, now=now)
    if spend.total + estimate > settings.AI_GLOBAL_MONTHLY_BUDGET_USD:
        return False
    return student is None or spend.student + estimate <= settings.AI_STUDENT_MONTHLY_BUDGET_USD


def cost_record(
    *,
    operation: str,
    usage: TokenUsage,
    price: Price,
    model: str,
    student: Student | None = None,
    session: PracticeSession | None = None,
    problem: Problem | None = None,
    error: str = "",
) -> CostRecord:
    return CostRecord.objects.create(
        student=student,
        session=session,
        problem=problem,
        operation=operation,
        provider=CostRecord.Provider.CLAUDE,
        model=model,
        input_tokens=usage.input_tokens,
        output_tokens=usage.output_tokens,
        cache_creation_input_tokens=usage.cache_creation_input_tokens,
        cache_read_input_tokens=usage.cache_read_input_tokens,
        cost_usd=cost_usd(usage, price),
        succeeded=not error,
        error=error,
    )


@dataclass(frozen=True)
class PlannedCall:
    system: str
    prompt: str
    tool: str
    schema: dict[str, Any]
    max_tokens: int

    def estimate(self, price: Price) -> Decimal:
        """The most this call can cost: estimated input, every output token allowed."""
        tokens = TokenUsage(
            input_tokens=estimate_tokens(self.system + self.prompt) + 200,  # + tool schema
            output_tokens=self.max_tokens,
        )
        return cost_usd(tokens, price)


OVER_BUDGET = "over budget"


def _paid_call(
    call: PlannedCall,
    *,
    operation: str,
    problem: Problem,
    student: Student | None,
    session: PracticeSession | None,
    now: dt.datetime,
    invalid: Callable[[dict[str, Any]], str],
) -> tuple[dict[str, Any] | None, str]:
    """Check the budget, make the call, and record what it cost, whatever happened.

    `invalid(data)` names what is wrong with a reply ("" if it is usable). Returns the reply's
    data, or None and the reason (over budget, failed, malformed) so the caller falls back.
    Runs inside the caller's transaction, so the record commits with the result.
    """
    price = price_for(settings.AI_MODEL)
    if not budget_allows(student=student, estimate=call.estimate(price), now=now):
        return None, OVER_BUDGET
    try:
        reply = ai.call_tool(
            system=call.system,
            prompt=call.prompt,
            tool=call.tool,
            schema=call.schema,
            max_tokens=call.max_tokens,
        )
        usage, model, error = reply.usage, reply.model, invalid(reply.data)
    except ai.AICallFailed as failure:
        reply, usage, model, error = None, failure.usage, settings.AI_MODEL, failure.error
    cost_record(
        operation=operation,
        usage=usage,
        price=price,
        model=model,
        student=student,
        session=session,
        problem=problem,
        error=error,
    )
    if reply is None or error:
        logger.warning("AI %s failed for %s: %s", operation, problem.code, error)
        return None, error
    return reply.data, ""


# --- hint generation -----------------------------------------------------------------------

HINT_SYSTEM = (
    "You write hints for Dars, a maths practice app for Bangladeshi students in grades 6-8 "
    "(NCTB curriculum). Write three progressive hints, each in English and in natural Bengali "
    "(Bengali digits, NCTB terms): hint 1 is a nudge (what to notice), hint 2 gives the method, "
    "hint 3 nearly solves it but leaves the last step. Never state the final answer."
)
HINT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "hints": {
            "type": "array",
            "minItems": 3,
            "maxItems": 3,
            "items": {
                "type": "object",
                "properties": {
                    "level": {"type": "integer", "minimum": 1, "maximum": 3},
                    "text_en": {"type": "string"},
                    "text_bn": {"type": "string"},
                },
                "required": ["level", "text_en", "text_bn"],
            },
        }
    },
    "required": ["hints"],
}


def problem_needs_hints(problem: Problem) -> bool:
    """Fewer than three levels, or a level missing a language."""
    hints = list(problem.hints.all())
    return len(hints) < HINT_LEVELS_COUNT or any(not (h.text_en and h.text_bn) for h in hints)


def plan_hint_generation(problem: Problem) -> PlannedCall:
    existing = "\n".join(
        f"hint {h.level}: EN: {h.text_en or '(missing)'} | BN: {h.text_bn or '(missing)'}"
        for h in sorted(problem.hints.all(), key=lambda h: h.level)
    )
    prompt = (
        f"Grade {problem.grade}, topic: {problem.topic.name_en}.\n"
        f"Question (English): {problem.question_en}\n"
        f"Question (Bengali): {problem.question_bn}\n"
        f"Correct answer (for you only, never reveal it): {problem.answer}\n"
        + (f"Existing hints, keep their meaning:\n{existing}\n" if existing else "")
        + "Return exactly three hints, levels 1, 2 and 3."
    )
    return PlannedCall(
        system=HINT_SYSTEM,
        prompt=prompt,
        tool="hints",
        schema=HINT_SCHEMA,
        max_tokens=settings.AI_HINT_MAX_TOKENS,
    )


def _valid_hints(data: dict[str, Any], answer: str) -> dict[int, tuple[str, str]] | None:
    items = data.get("hints")
    if not isinstance(items, list):
        return None
    hints: dict[int, tuple[str, str]] = {}
    for item in items:
        if not isinstance(item, dict):
            return None
        level, en, bn = item.get("level"), item.get("text_en"), item.get("text_bn")
        if level not in (1, 2, 3) or not isinstance(en, str) or not isinstance(bn, str):
            return None
        if not en.strip() or not bn.strip():
            return None
        hints[level] = (en.strip(), bn.strip())
    if sorted(hints) != [1, 2, 3]:
        return None
    if answer.strip() and normalise_text(answer) in normalise_text(hints[1][0]).split():
        return None  # hint 1 gives the answer away
    return hints


@dataclass(frozen=True)
class HintOutcome:
    called: bool
    ok: bool
    reason: str = ""


def problem_generate_hints(
    *,
    problem_id: int,
    student: Student | None = None,
    session: PracticeSession | None = None,
    now: dt.datetime | None = None,
) -> HintOutcome:
    """Fill a problem's missing hints with AI-written ones, once for everybody.

    The problem row is locked while the call runs, so concurrent requests for the same problem
    wait and then find the hints; the hints and their CostRecord commit together.
    """
    if not ai.ai_enabled():
        return HintOutcome(called=False, ok=False, reason="AI is off")
    now = now or timezone.now()
    with transaction.atomic():
        problem = (
            Problem.objects.select_for_update()
            .select_related("topic")
            .prefetch_related("hints")
            .get(pk=problem_id)
        )
        if not problem_needs_hints(problem):
            return HintOutcome(called=False, ok=True, reason="already has hints")
        data, reason = _paid_call(
            plan_hint_generation(problem),
            operation=Operation.HINT_GENERATION,
            problem=problem,
            student=student,
            session=session,
            now=now,
            invalid=lambda reply: (
                ""
                if _valid_hints(reply, problem.answer)
                else "malformed reply: hints missing, incomplete or revealing the answer"
            ),
        )
        hints = _valid_hints(data, problem.answer) if data is not None else None
        if hints is None:
            return HintOutcome(called=reason != OVER_BUDGET, ok=False, reason=reason)
        _store_ai_hints(problem, hints)
        return HintOutcome(called=True, ok=True)


def _store_ai_hints(problem: Problem, hints: dict[int, tuple[str, str]]) -> None:
    """Fill only what is missing: authored text is never overwritten."""
    existing = {h.level: h for h in problem.hints.all()}
    for level, (en, bn) in hints.items():
        hint = existing.get(level)
        if hint is None:
            Hint.objects.create(
                problem=problem, level=level, text_en=en, text_bn=bn, is_ai_generated=True
            )
        elif not (hint.text_en and hint.text_bn):
            hint.text_en, hint.text_bn = hint.text_en or en, hint.text_bn or bn
            hint.is_ai_generated, hint.reviewed_at = True, None
            hint.save()


# --- answer judging ------------------------------------------------------------------------

JUDGE_SYSTEM = (
    "You check answers in Dars, a maths practice app for Bangladeshi students (grades 6-8). "
    "Decide whether the student's short answer means the same as the correct answer (any "
    "language, spelling slips allowed, but not a different mathematical meaning). Give a short "
    "reason."
)
JUDGE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {"correct": {"type": "boolean"}, "reason": {"type": "string"}},
    "required": ["correct", "reason"],
}


def plan_judgement(problem: Problem, answer: str) -> PlannedCall:
    accepted = ", ".join(a for a in problem.accepted_answers.splitlines() if a.strip())
    prompt = (
        f"Question: {problem.question_en}\nQuestion (Bengali): {problem.question_bn}\n"
        f"Correct answer: {problem.answer}"
        + (f" (also accepted: {accepted})" if accepted else "")
        + f"\nStudent's answer: {answer}"
    )
    return PlannedCall(
        system=JUDGE_SYSTEM,
        prompt=prompt,
        tool="verdict",
        schema=JUDGE_SCHEMA,
        max_tokens=settings.AI_JUDGE_MAX_TOKENS,
    )


def cached_judgement(*, problem: Problem, answer: str) -> AIJudgement | None:
    key = normalise_text(answer)[:500]
    if not key:
        return None
    return AIJudgement.objects.filter(problem=problem, normalised_answer=key).first()


def answer_judge(
    *,
    problem: Problem,
    answer: str,
    student: Student | None = None,
    session: PracticeSession | None = None,
    now: dt.datetime | None = None,
) -> AIJudgement | None:
    """The model's verdict on a text answer the checker could not accept, cached per
    (problem, normalised answer): the same answer is never paid for twice (the problem row is
    locked during the call, so a concurrent identical answer waits and reuses it). None when
    AI is off, over budget, or the call failed: the deterministic verdict stands."""
    key = normalise_text(answer)[:500]
    if not key or not ai.ai_enabled():
        return None
    cached = cached_judgement(problem=problem, answer=answer)
    if cached is not None:
        return cached
    now = now or timezone.now()
    with transaction.atomic():
        Problem.objects.select_for_update().filter(pk=problem.pk).first()
        cached = cached_judgement(problem=problem, answer=answer)
        if cached is not None:
            return cached
        data, _ = _paid_call(
            plan_judgement(problem, answer),
            operation=Operation.ANSWER_EVALUATION,
            problem=problem,
            student=student,
            session=session,
            now=now,
            invalid=lambda reply: (
                ""
                if isinstance(reply.get("correct"), bool)
                else "malformed reply: no boolean verdict"
            ),
        )
        if data is None:
            return None
        return AIJudgement.objects.create(
            problem=problem,
            normalised_answer=key,
            is_correct=data["correct"],
            reason=str(data.get("reason", ""))[:500],
            model=settings.AI_MODEL,
        )
