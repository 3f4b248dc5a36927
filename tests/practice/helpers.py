"""Shared set-up for practice API tests: a small real library and signed-in clients."""

from __future__ import annotations

from typing import Any

from rest_framework.test import APIClient

from apps.content.models import Hint, Problem, ProblemOption, Topic
from apps.students.models import Student
from apps.students.services import token_issue
from tests.students.factories import StudentFactory

BENGALI = str.maketrans("0123456789", "০১২৩৪৫৬৭৮৯")


def make_library(grade: int = 7, topics: int = 3, per_topic: int = 5) -> list[Problem]:
    """`topics` × `per_topic` numeric problems ("What is a + b?") with 3 bilingual hints each,
    plus one multiple-choice problem per topic."""
    problems = []
    for t in range(topics):
        topic = Topic.objects.create(
            grade=grade, code=f"g{grade}-t{t}", name_en=f"Topic {t}", name_bn=f"অধ্যায় {t}", order=t
        )
        for n in range(per_topic):
            a, b = 10 * t + n, 7
            problem = Problem.objects.create(
                code=f"g{grade}-t{t}-{n:02d}",
                topic=topic,
                question_en=f"What is {a} + {b}?",
                question_bn=f"{str(a).translate(BENGALI)} + ৭ কত?",
                answer=str(a + b),
                answer_type="numeric",
                explanation_en=f"{a} + {b} = {a + b}",
                explanation_bn=f"যোগফল {str(a + b).translate(BENGALI)}",
                difficulty=1 + n % 3,
            )
            Hint.objects.bulk_create(
                Hint(
                    problem=problem, level=level, text_en=f"Hint {level}", text_bn=f"ইঙ্গিত {level}"
                )
                for level in (1, 2, 3)
            )
            problems.append(problem)
        mcq = Problem.objects.create(
            code=f"g{grade}-t{t}-mcq",
            topic=topic,
            question_en="Which is largest?",
            question_bn="কোনটি সবচেয়ে বড়?",
            answer="C",
            answer_type="multiple_choice",
        )
        ProblemOption.objects.bulk_create(
            ProblemOption(problem=mcq, label=label, text_en=en, text_bn=bn)
            for label, en, bn in (("A", "3", "৩"), ("B", "-8", "-৮"), ("C", "12", "১২"))
        )
        problems.append(mcq)
    return problems


def client_for(student: Student) -> APIClient:
    token, _ = token_issue(student=student, via="bot")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


def new_student(**fields: Any) -> Student:
    fields.setdefault("grade", 7)
    return StudentFactory.create(**fields)


def right_answer(problem_id: int) -> str:
    return Problem.objects.get(pk=problem_id).answer


def wrong_answer(problem_id: int) -> str:
    problem = Problem.objects.get(pk=problem_id)
    if problem.answer_type == "multiple_choice":
        return "A"
    return str(int(problem.answer) + 1)
