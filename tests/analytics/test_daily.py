"""The daily activity rollup: per student per day of their own calendar, added up once per
answer by the statistics refresh, equal to an independent count of the answers."""

from __future__ import annotations

import datetime as dt
import io
from collections import defaultdict
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.utils import timezone

from apps.analytics import selectors
from apps.analytics.models import DailyActivity, DailyTotals
from apps.content.models import Problem
from apps.practice.models import Response
from tests.practice.factories import PracticeSessionFactory, ResponseFactory
from tests.practice.helpers import client_for, new_student, right_answer
from tests.students.factories import StudentFactory

pytestmark = pytest.mark.django_db

ZONES = ("Asia/Dhaka", "America/New_York", "Pacific/Auckland")


def _refresh() -> None:
    call_command("refresh_stats", stdout=io.StringIO())


def _expected() -> dict[tuple[int, dt.date], tuple[int, int, int, int]]:
    found: dict[tuple[int, dt.date], list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for response in Response.objects.select_related("session__student"):
        student = response.session.student
        day = response.evaluated_at.astimezone(ZoneInfo(student.timezone)).date()
        counts = found[(student.pk, day)]
        counts[0] += 1
        counts[1] += int(response.is_correct)
        counts[2] += response.hints_used
        counts[3] += response.time_spent_seconds
    return {key: tuple(value) for key, value in found.items()}  # type: ignore[misc]


def _rolled_up() -> dict[tuple[int, dt.date], tuple[int, int, int, int]]:
    return {
        (row.student_id, row.day): (
            row.answered,
            row.correct,
            row.hints_used,
            row.time_spent_seconds,
        )
        for row in DailyActivity.objects.all()
    }


def _answers_around_midnight(problems: list[Problem], first_telegram_id: int) -> None:
    """Students in three time zones answering at times that are 'today' for some of them and
    'yesterday' or 'tomorrow' for others."""
    base = dt.datetime(2026, 11, 30, 10, 30, tzinfo=dt.UTC)
    for n, zone in enumerate(ZONES):
        student = StudentFactory(telegram_id=first_telegram_id + n, timezone=zone)
        for hours in range(0, 48, 5):
            at = base + dt.timedelta(hours=hours)
            session = PracticeSessionFactory(
                student=student, status="abandoned", started_at=at - dt.timedelta(minutes=1)
            )
            problem = problems[(n + hours) % len(problems)]
            ResponseFactory(
                session=session,
                problem=problem,
                evaluated_at=at,
                is_correct=hours % 3 == 0,
                hints_used=hours % 4,
                time_spent_seconds=10 + hours,
            )


def test_days_are_the_students_own_calendar_days(library):
    _answers_around_midnight(list(Problem.objects.all()[:10]), 7_000_000_000)
    _refresh()
    rolled = _rolled_up()
    assert rolled == _expected()
    days_per_student = defaultdict(set)
    for student_id, day in rolled:
        days_per_student[student_id].add(day)
    assert all(len(days) == 3 for days in days_per_student.values())  # 48 h span 3 local days


def test_each_answer_is_added_once_across_refreshes(library):
    problems = list(Problem.objects.all()[:10])
    _answers_around_midnight(problems, 7_000_000_000)
    _refresh()
    _refresh()  # nothing new: nothing added
    assert _rolled_up() == _expected()
    _answers_around_midnight(problems, 7_000_000_100)
    _refresh()
    assert _rolled_up() == _expected()
    totals: dict[dt.date, list[int]] = defaultdict(lambda: [0, 0, 0])
    for (_student, day), (answered, correct, _hints, _seconds) in _expected().items():
        totals[day][0] += 1
        totals[day][1] += answered
        totals[day][2] += correct
    assert {
        row.day: [row.active_students, row.answered, row.correct]
        for row in DailyTotals.objects.all()
    } == dict(totals)


def test_a_completed_session_counts_on_its_day_with_the_streak(library):
    student = new_student(timezone="Asia/Dhaka")
    client = client_for(student)
    session = client.post("/api/v1/sessions/").json()
    for item in session["problems"]:
        response = client.post(
            f"/api/v1/sessions/{session['id']}/answers/",
            {
                "problem_id": item["problem_id"],
                "answer": right_answer(item["problem_id"]),
                "time_spent_seconds": 20,
            },
            format="json",
        )
        assert response.status_code == 200, response.content
    _refresh()
    row = DailyActivity.objects.get(student=student)
    assert row.day == timezone.localtime(timezone.now(), ZoneInfo("Asia/Dhaka")).date()
    assert (row.answered, row.correct, row.time_spent_seconds) == (5, 5, 100)
    assert (row.sessions_completed, row.streak) == (1, 1)


def test_the_time_zones_of_new_answers_are_read_once_each(library):
    """One row per time zone, not one per answer (the answers' default ordering must not join
    the DISTINCT: on 10 million answers that held 2.3 GB in the refresh)."""
    _answers_around_midnight(list(Problem.objects.all()[:10]), 7_000_000_000)
    _answers_around_midnight(list(Problem.objects.all()[:10]), 7_000_000_100)
    newest = Response.objects.order_by("-id").values_list("id", flat=True)[0]
    assert selectors.zones_answering(0, newest) == sorted(ZONES)
