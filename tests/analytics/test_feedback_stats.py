"""Authored feedback in the statistics: how often each was shown, and how the students did on
their next problem of the same topic; the panel marks answers that already have feedback."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from apps.analytics.models import ProblemStats
from apps.content import services
from apps.content.models import AnswerFeedback, Problem
from tests.analytics.conftest import answer
from tests.students.factories import StudentFactory

pytestmark = pytest.mark.django_db


def test_feedback_fired_and_the_next_problem_of_the_topic(admin_client, wrong_key_problem):
    true_answer = str(int(wrong_key_problem.answer) + 1)
    services.problem_feedback_add(
        problem_id=wrong_key_problem.pk,
        answer=true_answer,
        message_en="Check the key.",
        message_bn="উত্তর-চাবি দেখো।",
    )
    feedback = AnswerFeedback.objects.get(problem=wrong_key_problem)
    problem = Problem.objects.get(pk=wrong_key_problem.pk)
    same_topic = Problem.objects.filter(topic=problem.topic).exclude(pk=problem.pk)[0]
    other_topic = Problem.objects.exclude(topic=problem.topic)[0]
    for n, next_right in enumerate([True, True, False, None]):
        student = StudentFactory(telegram_id=5_000_000_000 + n)
        answer(problem, student, true_answer, correct=False, feedback=feedback)
        answer(other_topic, student, "1", correct=False)  # another topic: not "next"
        if next_right is not None:
            answer(same_topic, student, same_topic.answer, correct=next_right)
    answer(problem, StudentFactory(telegram_id=5_000_000_100), "7", correct=False)

    call_command("refresh_stats", stdout=io.StringIO())
    stats = ProblemStats.objects.get(problem=problem)
    assert stats.feedback == [
        {
            "id": feedback.pk,
            "answer": true_answer,
            "form": true_answer,
            "fired": 4,
            "next_attempts": 3,
            "next_facility": pytest.approx(2 / 3),
        }
    ]
    page = admin_client.get(f"/admin/content/problem/{problem.pk}/change/").content.decode()
    table = page[page.index('id="dars-wrong-answers"') :]
    body = table[table.index("<tbody>") :]
    first_row = body[: body.index("</tr>")]
    assert f"<code>{true_answer}</code>" in first_row and "Has feedback" in first_row
    assert 'id="dars-feedback-stats"' in page

    out = io.StringIO()
    call_command("problem_stats", format="json", stdout=out)
    assert f"{true_answer}" in out.getvalue() and '"fired": 4' in out.getvalue()
