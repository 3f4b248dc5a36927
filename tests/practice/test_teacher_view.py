"""A teacher's view of one student (the student's admin page): weak topics, recent mistakes
with the problem, the right answer and the explanation, in the language the student practised
in; queries that do not grow with the student's history."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.content.models import Problem
from tests.practice.factories import TopicMasteryFactory, record_answer
from tests.students.factories import StudentFactory

pytestmark = pytest.mark.django_db


def _page(client, student) -> str:
    response = client.get(f"/admin/students/student/{student.pk}/change/")
    assert response.status_code == 200
    return response.content.decode()


def _wrong(student, problem: Problem, typed: str) -> None:
    record_answer(problem, student, typed, correct=False)


def test_weak_topics_and_recent_mistakes_are_shown(admin_client, library):
    student = StudentFactory(language="bn")
    numeric = Problem.objects.filter(answer_type="numeric").order_by("code")
    weak_topic, strong_topic = numeric[0].topic, numeric.exclude(topic=numeric[0].topic)[0].topic
    TopicMasteryFactory(student=student, topic=weak_topic, attempts=5, correct=1, recent="XXCXX")
    TopicMasteryFactory(student=student, topic=strong_topic, attempts=5, correct=5, recent="CCCCC")
    problem = numeric[0]
    _wrong(student, problem, "৯৯৯")

    page = _page(admin_client, student)
    weak = page[page.index('id="student-weak-topics"') : page.index('id="student-mistakes"')]
    assert weak_topic.name_en in weak and strong_topic.name_en not in weak
    mistakes = page[page.index('id="student-mistakes"') :]
    assert "৯৯৯" in mistakes
    assert problem.question_bn in mistakes  # as the student saw it
    assert problem.explanation_bn in mistakes
    bengali_answer = problem.answer.translate(str.maketrans("0123456789", "০১২৩৪৫৬৭৮৯"))
    assert bengali_answer in mistakes


def test_the_student_page_runs_the_same_queries_however_long_the_history(admin_client, library):
    student = StudentFactory()
    problems = list(Problem.objects.order_by("code")[:40])
    _wrong(student, problems[0], "1")
    _page(admin_client, student)
    with CaptureQueriesContext(connection) as short:
        _page(admin_client, student)
    for problem in problems[1:]:
        _wrong(student, problem, "1")
    with CaptureQueriesContext(connection) as long:
        _page(admin_client, student)
    assert len(long) == len(short)
