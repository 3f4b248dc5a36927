"""The kept counts: a refresh adds only the answers given since the last one, and what it
derives equals a rebuild from every answer (`refresh_stats --full`), however the answers fall
between refreshes — repeated answers, new versions, feedback and the answer after it."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.management import call_command
from django.db.models import F

from apps.analytics.models import ProblemStats, StatsCell, StatsRefresh
from apps.content import services
from apps.content.models import AnswerFeedback, Problem
from apps.practice.models import Response
from apps.students.domain import SHARED_DEMO_TELEGRAM_ID
from tests.analytics.conftest import answer
from tests.students.factories import StudentFactory

pytestmark = pytest.mark.django_db


def _refresh(*args: str) -> StatsRefresh:
    call_command("refresh_stats", *args, stdout=io.StringIO())
    return StatsRefresh.objects.latest()


def _rounded(value: Any) -> Any:
    """Floats to 9 places, also inside the JSON figures: sums of abilities added up in another
    order (kept counts added refresh by refresh vs one rebuild) differ in the last bits."""
    if isinstance(value, float):
        return round(value, 9)
    if isinstance(value, dict):
        return {key: _rounded(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_rounded(item) for item in value]
    return value


def _snapshot() -> dict[int, dict[str, Any]]:
    """Every stored figure of every problem, without when it was refreshed."""
    return {
        row["problem_id"]: {
            name: _rounded(value)
            for name, value in row.items()
            if name not in ("refreshed_at", "responses_through")
        }
        for row in ProblemStats.objects.values().order_by("problem_id")
    }


def test_refreshes_between_answers_equal_a_rebuild(wrong_key_problem):
    problem = wrong_key_problem
    true_answer = str(int(problem.answer) + 1)
    services.problem_feedback_add(
        problem_id=problem.pk, answer=true_answer, message_en="Check.", message_bn="দেখো।"
    )
    feedback = AnswerFeedback.objects.get(problem=problem)
    problem = Problem.objects.get(pk=problem.pk)
    same_topic = Problem.objects.filter(topic=problem.topic).exclude(pk=problem.pk)[:2]
    students = [StudentFactory(ability=n * 0.25 - 1.0) for n in range(6)]
    first = _refresh()
    assert first.full  # the first refresh builds the counts from every answer

    # Between refreshes: first answers, feedback shown, then (after a refresh) the answer that
    # follows it; a second answer to the same problem; an answer to a new version.
    for n, student in enumerate(students):
        answer(problem, student, true_answer, correct=False, feedback=feedback, hints_used=n % 4)
    incremental = _refresh()
    assert not incremental.full and incremental.problems_touched == 1
    for n, student in enumerate(students):
        answer(same_topic[0], student, same_topic[0].answer, correct=n % 2 == 0)
        answer(problem, student, problem.answer, correct=True, time_spent_seconds=40 + n)
    Problem.objects.filter(pk=problem.pk).update(version=F("version") + 1)
    problem.refresh_from_db()
    for student in students[:3]:
        answer(problem, student, "0", correct=False, language="bn")
        answer(same_topic[1], student, same_topic[1].answer, correct=True)
    demo = StudentFactory(telegram_id=SHARED_DEMO_TELEGRAM_ID)
    answer(problem, demo, "5", correct=False)  # not counted
    _refresh()
    answer(problem, students[4], true_answer, correct=False, feedback=feedback)
    _refresh()
    answer(same_topic[0], students[4], "1", correct=False)  # follows feedback on another
    assert _refresh().problems_touched == 2
    assert StatsRefresh.objects.filter(full=True).count() == 1

    kept = _snapshot()
    cells = set(StatsCell.objects.values_list("problem", "version", "first", "count"))
    _refresh("--full")
    assert _snapshot() == kept
    assert set(StatsCell.objects.values_list("problem", "version", "first", "count")) == cells
    stats = ProblemStats.objects.get(problem=problem)
    assert stats.feedback[0]["fired"] == 7
    assert stats.feedback[0]["next_attempts"] == 7
    assert (
        stats.attempts
        == Response.objects.filter(problem=problem, session__student__telegram_id__gt=0).count()
    )


def test_an_upgraded_installation_rebuilds_its_counts_once(wrong_key_problem):
    """A refresh made before the counts existed (counts_kept false) is followed by a rebuild,
    without counting the daily rollup twice."""
    _refresh()
    StatsRefresh.objects.update(counts_kept=False)
    StatsCell.objects.all().delete()
    rebuilt = _refresh()
    assert rebuilt.full
    assert ProblemStats.objects.get(problem=wrong_key_problem).attempts == 48
    assert not _refresh().full
