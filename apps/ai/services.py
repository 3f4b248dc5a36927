"""AI help, paid for once and recorded: hint generation and text-answer judging.

No network call runs inside a transaction or while a row lock is held. Each call follows the
same steps:

1. **claim** — a row saying "this is being done" is committed first (`HintGeneration` for a
   problem's hints, a pending `AIJudgement` for a (problem, answer)); its unique constraint
   decides a race, so a concurrent request finds the claim and does not pay a second time;
2. **budget** — one aggregate query checks this month's spend against the per-student and the
   global budget; a call that could exceed either is not made (the claim is released);
3. **call** — the model is asked, outside any transaction;
4. **write** — one short transaction stores the result (through content's services for hints)
   with its `CostRecord`; a failed call is recorded too and the caller falls back to what it
   had (authored hints, the checker's verdict).

A claim older than `AI_CLAIM_LEASE_SECONDS` belongs to a worker that died and may be taken over.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone, translation

from apps.ai import client, prompts
from apps.ai.models import AIJudgement, HintGeneration
from apps.ai.prompts import PlannedCall
from apps.billing import services as billing
from apps.billing.models import CostRecord
from apps.billing.pricing import TokenUsage
from apps.content import services as content
from apps.content.checker import normalise_text
from apps.content.domain import HINT_LEVELS
from apps.content.models import Problem
from apps.students.models import Student

logger = logging.getLogger(__name__)

Operation = CostRecord.Operation
OVER_BUDGET = "over budget"


def _lease_start(now: dt.datetime) -> dt.datetime:
    return now - dt.timedelta(seconds=settings.AI_CLAIM_LEASE_SECONDS)


@dataclass(frozen=True)
class CallResult:
    data: dict[str, Any] | None
    error: str  # "" when data is usable
    usage: TokenUsage
    model: str


def _call(call: PlannedCall, *, invalid: Callable[[dict[str, Any]], str]) -> CallResult:
    """Ask the model (no transaction is open here). `invalid(data)` names what is wrong with a
    reply ("" when it is usable)."""
    try:
        reply = client.call_tool(
            system=call.system,
            prompt=call.prompt,
            tool=call.tool,
            schema=call.schema,
            max_tokens=call.max_tokens,
        )
    except client.AICallFailed as failure:
        return CallResult(None, failure.error, failure.usage, settings.AI_MODEL)
    error = invalid(reply.data)
    return CallResult(None if error else reply.data, error, reply.usage, reply.model)


def _record(
    result: CallResult,
    *,
    operation: str,
    problem: Problem,
    student: Student | None,
    session_id: int | None,
) -> None:
    billing.cost_record_create(
        operation=operation,
        provider=CostRecord.Provider.CLAUDE,
        usage=result.usage,
        price=billing.price_for(settings.AI_MODEL),
        model=result.model,
        student=student,
        session_id=session_id,
        problem=problem,
        error=result.error,
    )
    if result.error:
        logger.warning("AI %s failed for %s: %s", operation, problem.code, result.error)


# --- hint generation -----------------------------------------------------------------------


def problem_needs_hints(problem: Problem) -> bool:
    """Fewer than three levels, or a level missing a language. Uses `problem.hints`."""
    hints = list(problem.hints.all())
    return len(hints) < len(HINT_LEVELS) or any(not (h.text_en and h.text_bn) for h in hints)


@dataclass(frozen=True)
class HintOutcome:
    called: bool
    ok: bool
    reason: str = ""


def _claim_hint_generation(problem: Problem, now: dt.datetime) -> bool:
    """Take the problem's hint-generation claim; False if another worker holds a live one."""
    try:
        with transaction.atomic():
            HintGeneration.objects.create(
                problem=problem, status=HintGeneration.Status.PENDING, claimed_at=now
            )
        return True
    except IntegrityError:
        pass
    taken = HintGeneration.objects.filter(problem=problem).filter(
        Q(status=HintGeneration.Status.SUCCEEDED)
        | Q(status=HintGeneration.Status.FAILED, attempts__lt=settings.AI_HINT_MAX_ATTEMPTS)
        | Q(status=HintGeneration.Status.PENDING, claimed_at__lt=_lease_start(now))
    )
    return bool(
        taken.update(
            status=HintGeneration.Status.PENDING,
            claimed_at=now,
            finished_at=None,
            error="",
            attempts=F("attempts") + 1,
        )
    )


def hint_generations_retry(*, generations: Any) -> int:
    """Forget failed attempts (the content team asks for another try after fixing a problem)."""
    return int(generations.filter(status=HintGeneration.Status.FAILED).delete()[0])


def _finish_hint_generation(problem: Problem, *, error: str) -> None:
    HintGeneration.objects.filter(problem=problem).update(
        status=HintGeneration.Status.FAILED if error else HintGeneration.Status.SUCCEEDED,
        finished_at=timezone.now(),
        error=error[:300],
    )


def problem_generate_hints(
    *,
    problem_id: int,
    student: Student | None = None,
    session_id: int | None = None,
    now: dt.datetime | None = None,
) -> HintOutcome:
    """Fill a problem's missing hints with AI-written ones, once for everybody.

    Authored text is never overwritten. The hints go through content's `problem_save`, so they
    are validated, versioned and kept in the problem's history like any other edit.
    """
    if not client.ai_enabled():
        return HintOutcome(called=False, ok=False, reason="AI is off")
    now = now or timezone.now()
    problem = (
        Problem.objects.select_related("topic").prefetch_related("hints").filter(pk=problem_id)
    ).first()
    if problem is None:
        return HintOutcome(called=False, ok=False, reason="no such problem")
    if not problem_needs_hints(problem):
        return HintOutcome(called=False, ok=True, reason="already has hints")
    call = prompts.plan_hint_generation(problem)
    price = billing.price_for(settings.AI_MODEL)
    if not billing.budget_allows(student=student, estimate=call.estimate(price), now=now):
        return HintOutcome(called=False, ok=False, reason=OVER_BUDGET)
    if not _claim_hint_generation(problem, now):
        return HintOutcome(
            called=False, ok=False, reason="being written elsewhere, or too many failed attempts"
        )

    result = _call(
        call,
        invalid=lambda reply: (
            ""
            if prompts.valid_hints(reply, problem.answer)
            else "malformed reply: hints missing, incomplete or revealing the answer"
        ),
    )
    hints = prompts.valid_hints(result.data, problem.answer) if result.data else None
    error = result.error
    with transaction.atomic():
        _record(
            result,
            operation=Operation.HINT_GENERATION,
            problem=problem,
            student=student,
            session_id=session_id,
        )
        if hints is not None:
            try:
                with transaction.atomic():
                    content.problem_fill_hints(problem_id=problem.pk, hints=hints, route="ai")
            except content.ProblemInvalid as invalid:
                # The hints are fine but the problem is not (written past the rules): nothing
                # is stored on it, the paid call stays on the books, the team sees why.
                with translation.override("en"):  # the log's language, like the SDK's errors
                    hints, error = None, f"the problem itself is invalid: {invalid}"
        _finish_hint_generation(problem, error=error)
    return HintOutcome(called=True, ok=hints is not None, reason=error)


# --- answer judging ------------------------------------------------------------------------


def judgement_key(answer: str) -> str:
    return normalise_text(answer)[:500]


def _claim_judgement(problem: Problem, key: str, now: dt.datetime) -> bool:
    try:
        with transaction.atomic():
            AIJudgement.objects.create(
                problem=problem,
                normalised_answer=key,
                status=AIJudgement.Status.PENDING,
                model=settings.AI_MODEL,
                claimed_at=now,
            )
        return True
    except IntegrityError:
        pass
    retry = AIJudgement.objects.filter(problem=problem, normalised_answer=key).filter(
        Q(status=AIJudgement.Status.FAILED, claimed_at__lt=_lease_start(now))
        | Q(status=AIJudgement.Status.PENDING, claimed_at__lt=_lease_start(now))
    )
    return bool(retry.update(status=AIJudgement.Status.PENDING, claimed_at=now))


def answer_judge(
    *,
    problem: Problem,
    answer: str,
    student: Student | None = None,
    session_id: int | None = None,
    now: dt.datetime | None = None,
) -> bool | None:
    """The model's verdict on a text answer the checker could not accept, cached per
    (problem, normalised answer) so the same answer is never paid for twice. None when there
    is no verdict (AI off, over budget, the call failed or another request is making it): the
    checker's verdict stands."""
    key = judgement_key(answer)
    if not key:
        return None
    cached = AIJudgement.objects.filter(problem=problem, normalised_answer=key).first()
    if cached is not None and cached.status == AIJudgement.Status.DONE:
        return cached.is_correct
    if not client.ai_enabled():
        return None
    now = now or timezone.now()
    call = prompts.plan_judgement(problem, answer)
    price = billing.price_for(settings.AI_MODEL)
    if not billing.budget_allows(student=student, estimate=call.estimate(price), now=now):
        return None
    if not _claim_judgement(problem, key, now):
        return None
    result = _call(
        call,
        invalid=lambda reply: (
            "" if isinstance(reply.get("correct"), bool) else "malformed reply: no boolean verdict"
        ),
    )
    verdict = result.data["correct"] if result.data else None
    with transaction.atomic():
        _record(
            result,
            operation=Operation.ANSWER_EVALUATION,
            problem=problem,
            student=student,
            session_id=session_id,
        )
        AIJudgement.objects.filter(problem=problem, normalised_answer=key).update(
            status=AIJudgement.Status.DONE if verdict is not None else AIJudgement.Status.FAILED,
            is_correct=verdict,
            reason=str((result.data or {}).get("reason", result.error))[:500],
            model=result.model,
        )
    return verdict
