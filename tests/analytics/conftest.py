"""Shared fixtures of the analytics tests: a problem with a wrong key and scripted answers."""

from __future__ import annotations

import pytest
from django.db.models import F

from apps.content.models import Problem
from tests.practice.factories import record_answer
from tests.students.factories import StudentFactory


@pytest.fixture(autouse=True)
def _no_settling(settings):
    settings.STATS_SETTLE_SECONDS = 0


answer = record_answer


@pytest.fixture
def wrong_key_problem(library) -> Problem:
    """A numeric problem whose stored key is wrong (the true answer is the key + 1): 40
    students, most of whom give the true answer and are marked wrong; some answer again."""
    problem = Problem.objects.filter(answer_type="numeric", answer__regex=r"^[0-9]+$").first()
    assert problem is not None
    true_answer = int(problem.answer) + 1
    bengali_digits = str(true_answer).translate(str.maketrans("0123456789", "০১২৩৪৫৬৭৮৯"))
    for n in range(40):
        student = StudentFactory(ability=(n % 9) * 0.3 - 1.0, language="en" if n % 4 else "bn")
        if n < 28:  # the true answer, in either script: one wrong answer to the checker
            typed = bengali_digits if n % 2 else str(true_answer)
            answer(problem, student, typed, correct=False, hints_used=n % 4,
                   time_spent_seconds=30 + n)  # fmt: skip
        elif n < 36:
            answer(problem, student, problem.answer, correct=True, hints_used=0,
                    time_spent_seconds=20 + n)  # fmt: skip
        else:
            answer(problem, student, str(n), correct=False, hints_used=3, time_spent_seconds=90)
        if n % 5 == 0:  # a second answer weeks later, to a new version: not a first answer
            answer(problem, student, problem.answer, correct=True, version=problem.version + 1,
                    hints_used=1, time_spent_seconds=15)  # fmt: skip
    Problem.objects.filter(pk=problem.pk).update(version=F("version") + 1)
    problem.refresh_from_db()
    return problem
