"""Simulated AI spend: N students practising for D days (pure Python).

It follows the product's rules: a problem lacking hints is sent to the model the first time
any student asks for a hint on it (then everyone reuses them), and a wrong text answer is
judged once per (problem, distinct answer). Wrong text answers follow a Zipf-like spread over
a few common variants, as real misspellings do. Token counts come from the same prompt
builders the live calls use; prices from the configured price table.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from apps.practice.selection import PROBLEMS_PER_SESSION


@dataclass(frozen=True)
class SimProblem:
    problem_id: int
    grade: int
    is_text: bool
    needs_hints: bool
    hint_call_cost: Decimal  # one hint-generation call for this problem
    judge_call_cost: Decimal  # one judging call for this problem


@dataclass(frozen=True)
class Behaviour:
    active_rate: float = 0.6  # share of students practising on a given day
    hint_rate: float = 0.3  # share of problems on which a student asks for a hint
    text_wrong_rate: float = 0.35  # share of text answers the checker rejects
    answer_variants: int = 12  # distinct wrong answers per text problem


@dataclass
class SimResult:
    students: int
    days: int
    active_students: int = 0
    sessions: int = 0
    calls: Counter[str] = field(default_factory=Counter)
    cost_usd: Decimal = Decimal(0)

    @property
    def per_active_student_month_usd(self) -> Decimal:
        if not self.active_students or not self.days:
            return Decimal(0)
        return self.cost_usd / self.active_students * Decimal(30) / Decimal(self.days)


def simulate(
    problems: Sequence[SimProblem],
    *,
    students: int,
    days: int,
    behaviour: Behaviour,
    seed: int = 1,
) -> SimResult:
    rng = random.Random(seed)  # noqa: S311 - a simulation, not security
    by_grade: dict[int, list[SimProblem]] = {}
    for problem in problems:
        by_grade.setdefault(problem.grade, []).append(problem)
    grades = sorted(g for g, items in by_grade.items() if len(items) >= PROBLEMS_PER_SESSION)
    if not grades:
        raise ValueError("the library has no grade with at least 5 active problems")
    student_grades = [rng.choice(grades) for _ in range(students)]
    weights = [1 / (rank + 1) for rank in range(behaviour.answer_variants)]
    generated: set[int] = set()
    judged: set[tuple[int, int]] = set()
    active: set[int] = set()
    result = SimResult(students=students, days=days)
    for _day in range(days):
        for student, grade in enumerate(student_grades):
            if rng.random() >= behaviour.active_rate:
                continue
            active.add(student)
            result.sessions += 1
            for problem in rng.sample(by_grade[grade], PROBLEMS_PER_SESSION):
                wants_hint = rng.random() < behaviour.hint_rate
                if wants_hint and problem.needs_hints and problem.problem_id not in generated:
                    generated.add(problem.problem_id)
                    result.calls["hint_generation"] += 1
                    result.cost_usd += problem.hint_call_cost
                if problem.is_text and rng.random() < behaviour.text_wrong_rate:
                    variant = rng.choices(range(behaviour.answer_variants), weights)[0]
                    if (problem.problem_id, variant) not in judged:
                        judged.add((problem.problem_id, variant))
                        result.calls["answer_evaluation"] += 1
                        result.cost_usd += problem.judge_call_cost
    result.active_students = len(active)
    return result
