"""What Dars asks the model, and the most each request can cost (before it is made)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Final

from django.conf import settings

from apps.billing.pricing import Price, TokenUsage, cost_usd, estimate_tokens
from apps.content.checker import normalise_text
from apps.content.domain import HINT_LEVELS
from apps.content.models import Problem

# Input tokens the forced tool's JSON schema adds to a request (measured: about 150-190).
TOOL_SCHEMA_TOKENS: Final = 200


@dataclass(frozen=True)
class PlannedCall:
    system: str
    prompt: str
    tool: str
    schema: dict[str, Any]
    max_tokens: int

    def input_tokens(self) -> int:
        return estimate_tokens(self.system + self.prompt) + TOOL_SCHEMA_TOKENS

    def estimate(self, price: Price) -> Decimal:
        """The most this call can cost: estimated input, every output token allowed."""
        return cost_usd(
            TokenUsage(input_tokens=self.input_tokens(), output_tokens=self.max_tokens), price
        )


# --- hints ---------------------------------------------------------------------------------

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
            "minItems": len(HINT_LEVELS),
            "maxItems": len(HINT_LEVELS),
            "items": {
                "type": "object",
                "properties": {
                    "level": {
                        "type": "integer",
                        "minimum": HINT_LEVELS[0],
                        "maximum": HINT_LEVELS[-1],
                    },
                    "text_en": {"type": "string"},
                    "text_bn": {"type": "string"},
                },
                "required": ["level", "text_en", "text_bn"],
            },
        }
    },
    "required": ["hints"],
}


def plan_hint_generation(problem: Problem) -> PlannedCall:
    """Uses `problem.topic` and `problem.hints` (select/prefetch them)."""
    existing = "\n".join(
        f"hint {h.level}: EN: {h.text_en or '(missing)'} | BN: {h.text_bn or '(missing)'}"
        for h in sorted(problem.hints.all(), key=lambda h: h.level)
    )
    prompt = (
        f"Grade {problem.topic.grade}, topic: {problem.topic.name_en}.\n"
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


def valid_hints(data: dict[str, Any], answer: str) -> dict[int, tuple[str, str]] | None:
    """The three bilingual hints of a reply, or None if it is unusable or gives the answer away."""
    items = data.get("hints")
    if not isinstance(items, list):
        return None
    hints: dict[int, tuple[str, str]] = {}
    for item in items:
        if not isinstance(item, dict):
            return None
        level, en, bn = item.get("level"), item.get("text_en"), item.get("text_bn")
        if level not in HINT_LEVELS or not isinstance(en, str) or not isinstance(bn, str):
            return None
        if not en.strip() or not bn.strip():
            return None
        hints[level] = (en.strip(), bn.strip())
    if sorted(hints) != list(HINT_LEVELS):
        return None
    if answer.strip() and normalise_text(answer) in normalise_text(hints[1][0]).split():
        return None  # hint 1 gives the answer away
    return hints


# --- judging -------------------------------------------------------------------------------

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
    accepted = ", ".join(
        a for a in (problem.answer_bn, *problem.accepted_answers.splitlines()) if a.strip()
    )
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
