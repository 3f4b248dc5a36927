"""The library's rules as plain values (no Django): the one source for models, constraints,
the spreadsheet format and every app that needs them."""

from __future__ import annotations

from typing import Final

from apps.content.checker import MAX_OPTIONS, MIN_OPTIONS, AnswerType
from apps.content.checker.keys import LATIN_LETTERS

# Every problem has (or should get) a hint at each level: 1 nudges, 2 gives the method,
# 3 nearly solves it.
HINT_LEVELS: Final = (1, 2, 3)
DIFFICULTIES: Final = (1, 2, 3)
ANSWER_TYPES: Final = tuple(kind.value for kind in AnswerType)
OPTION_LABELS: Final = tuple(LATIN_LETTERS)
# Authored feedback for particular wrong answers: up to four per problem, each a row of the
# problem's form and a group of columns of its spreadsheet row, like options and hints.
FEEDBACK_POSITIONS: Final = (1, 2, 3, 4)
MIN_ESTIMATED_MINUTES, MAX_ESTIMATED_MINUTES = 1, 120
DEFAULT_ESTIMATED_MINUTES: Final = 5

__all__ = [
    "ANSWER_TYPES",
    "DEFAULT_ESTIMATED_MINUTES",
    "DIFFICULTIES",
    "FEEDBACK_POSITIONS",
    "HINT_LEVELS",
    "MAX_ESTIMATED_MINUTES",
    "MAX_OPTIONS",
    "MIN_ESTIMATED_MINUTES",
    "MIN_OPTIONS",
    "OPTION_LABELS",
]


# A new problem's learned difficulty (Elo logit scale, see apps.practice.rating) starts from
# its authored difficulty: 1, 2, 3 -> -1, 0, +1.
DIFFICULTY_SEEDS: Final = {1: -1.0, 2: 0.0, 3: 1.0}


def seed_rating(difficulty: int) -> float:
    return DIFFICULTY_SEEDS.get(difficulty, 0.0)
