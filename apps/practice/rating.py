"""Elo-style ratings for students and problems (pure Python).

Both live on one logit scale (problems start from their authored difficulty,
`apps.content.domain.seed_rating`): a student whose ability equals a problem's rating is expected to
get it right half the time (as in Math Garden's adaptive practice, Klinkenberg et al. 2011).
After every final answer both move towards what happened; hints reduce the credit of a right
answer, so a problem solved only with hints counts as partly hard. K-factors shrink as ratings
settle, so new students and new problems find their level quickly.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

HINT_PENALTY = 0.2  # credit for a right answer: 1.0, 0.8, 0.6, 0.4 with 0-3 hints
STUDENT_K = (0.6, 0.1)  # (start, floor)
PROBLEM_K = (0.3, 0.03)
K_HALF_LIFE = 20  # answers after which K has halved


def expected_success(ability: float, rating: float) -> float:
    """Probability that a student of `ability` answers a problem of `rating` correctly."""
    exponent = max(-50.0, min(50.0, rating - ability))
    return 1.0 / (1.0 + math.exp(exponent))


def credit(is_correct: bool, hints_used: int) -> float:
    if not is_correct:
        return 0.0
    return max(0.0, 1.0 - HINT_PENALTY * max(0, hints_used))


def k_factor(start_floor: tuple[float, float], answers: int) -> float:
    start, floor = start_floor
    return max(floor, start / (1.0 + answers / K_HALF_LIFE))


@dataclass(frozen=True)
class RatingUpdate:
    expected: float
    score: float
    ability_delta: float
    rating_delta: float


def rate_answer(
    *,
    ability: float,
    student_answers: int,
    rating: float,
    problem_answers: int,
    is_correct: bool,
    hints_used: int,
) -> RatingUpdate:
    expected = expected_success(ability, rating)
    score = credit(is_correct, hints_used)
    surprise = score - expected
    return RatingUpdate(
        expected=expected,
        score=score,
        ability_delta=k_factor(STUDENT_K, student_answers) * surprise,
        rating_delta=-k_factor(PROBLEM_K, problem_answers) * surprise,
    )
