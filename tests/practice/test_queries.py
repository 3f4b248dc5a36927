"""Every endpoint runs a fixed number of SQL queries, whatever the student's history.

A student with 300 past sessions (1,500 responses) must cost exactly what a new student costs;
the numbers are pinned so a change that adds a query per row (or at all) is noticed.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apps.content import cache
from apps.content.models import Problem
from apps.practice.models import (
    HintView,
    PracticeSession,
    Response,
    SessionProblem,
    Streak,
    TopicMastery,
)
from apps.students.services import service_key_create
from tests.practice.helpers import client_for, make_library, new_student, right_answer

pytestmark = pytest.mark.django_db


def _history(student, problems, sessions: int = 300) -> None:
    now = timezone.now()
    made = PracticeSession.objects.bulk_create(
        PracticeSession(
            student=student,
            status="completed",
            started_at=now - dt.timedelta(days=n + 1),
            expires_at=now - dt.timedelta(days=n + 1) + dt.timedelta(minutes=30),
            completed_at=now - dt.timedelta(days=n + 1) + dt.timedelta(minutes=10),
            problems_correct=3,
            total_time_seconds=300,
        )
        for n in range(sessions)
    )
    items, responses, views = [], [], []
    for index, session in enumerate(made):
        chosen = [problems[(index + k) % len(problems)] for k in range(5)]
        for position, problem in enumerate(chosen, start=1):
            items.append(SessionProblem(session=session, problem=problem, position=position))
            responses.append(
                Response(
                    session=session,
                    problem=problem,
                    student_answer="1",
                    is_correct=position % 2 == 0,
                )
            )
            views.append(HintView(session=session, problem=problem, level=1))
    SessionProblem.objects.bulk_create(items)
    Response.objects.bulk_create(responses)
    HintView.objects.bulk_create(views)
    # Practised today in the student's own time zone (not UTC's date: they differ for hours).
    today = timezone.localtime(now, zoneinfo.ZoneInfo(student.timezone)).date()
    Streak.objects.create(
        student=student, current_streak=3, longest_streak=40, last_practice_date=today
    )
    for topic_id in {p.topic_id for p in problems}:
        TopicMastery.objects.create(
            student=student, topic_id=topic_id, level="consolidating", attempts=500, correct=300
        )


def _queries(client, method: str, path: str, body=None) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as captured:
        response = getattr(client, method)(path, body or {}, format="json")
    assert response.status_code < 400, response.content
    return len(captured), response.status_code


@pytest.fixture
def students():
    problems = make_library()
    veteran, newcomer = new_student(), new_student()
    _history(veteran, problems)
    _history(newcomer, problems, sessions=1)  # rows exist (streak, mastery), history is tiny
    assert Response.objects.filter(session__student=veteran).count() == 1500
    return client_for(veteran), client_for(newcomer)


# Pinned counts per endpoint (in a test's transaction: savepoints count). On PostgreSQL an
# answer's writes (response, both ratings, mastery, streak, session) are one statement and a new
# session and its problems another (data-modifying WITH clauses), and a new session reads the
# student's recent problems and mastery in one; SQLite runs them one by one.
# "start (new session)" includes reading the grade's usable problems and the five problems'
# content into this process's caches (4 of its statements; a warm process skips them).
# A problem's hints after the first are read and written in one statement on PostgreSQL (this
# process has found its key usable): "hint (again)".
EXPECTED = {
    "start (new session)": 12,
    "start (existing)": 2,
    "history": 2,
    "detail": 2,
    "hint": 5,
    "hint (again)": 5,
    "answer (not final)": 4,
    "answer (final)": 9,
    "answer (completes)": 9,
    "streak": 2,
    "progress": 2,
    "calendar": 2,
    "mistakes (content cold)": 5,
    "mistakes (content warm)": 2,
    "me": 1,
    "me (update)": 2,
}
ON_POSTGRESQL = {
    "start (new session)": 10,
    "hint (again)": 4,
    "answer (final)": 5,
    "answer (completes)": 5,
}


def _expected() -> dict[str, int]:
    return EXPECTED | (ON_POSTGRESQL if connection.vendor == "postgresql" else {})


def _flow(client) -> dict[str, int]:
    cache.forget()  # each flow starts with this process's content copies and pools cold
    counts = {}
    counts["start (new session)"], status = _queries(client, "post", "/api/v1/sessions/")
    assert status == 201
    session = client.get("/api/v1/sessions/").json()["results"][0]
    sid = session["id"]
    counts["start (existing)"], status = _queries(client, "post", "/api/v1/sessions/")
    assert status == 200
    counts["history"], _ = _queries(client, "get", "/api/v1/sessions/")
    counts["detail"], _ = _queries(client, "get", f"/api/v1/sessions/{sid}/")
    problems = client.get(f"/api/v1/sessions/{sid}/").json()["problems"]
    problem_ids = [p["problem_id"] for p in problems]
    with_hints = next(p["problem_id"] for p in problems if p["hints_available"])
    counts["hint"], _ = _queries(
        client, "post", f"/api/v1/sessions/{sid}/hints/", {"problem_id": with_hints}
    )
    counts["hint (again)"], _ = _queries(
        client, "post", f"/api/v1/sessions/{sid}/hints/", {"problem_id": with_hints}
    )
    counts["answer (not final)"], _ = _queries(
        client,
        "post",
        f"/api/v1/sessions/{sid}/answers/",
        {"problem_id": problem_ids[0], "answer": "???"},
    )
    answers = {}
    for pid in problem_ids[:-1]:
        answers[pid], _ = _queries(
            client,
            "post",
            f"/api/v1/sessions/{sid}/answers/",
            {"problem_id": pid, "answer": right_answer(pid)},
        )
    counts["answer (final)"] = max(answers.values())
    last = problem_ids[-1]
    counts["answer (completes)"], _ = _queries(
        client,
        "post",
        f"/api/v1/sessions/{sid}/answers/",
        {"problem_id": last, "answer": right_answer(last)},
    )
    counts["streak"], _ = _queries(client, "get", "/api/v1/streak/")
    counts["progress"], _ = _queries(client, "get", "/api/v1/progress/")
    counts["calendar"], _ = _queries(client, "get", "/api/v1/streak/calendar/")
    cache.forget()  # the page's problems read cold: their content is 3 statements, for any number
    counts["mistakes (content cold)"], _ = _queries(client, "get", "/api/v1/mistakes/")
    counts["mistakes (content warm)"], _ = _queries(client, "get", "/api/v1/mistakes/")
    counts["me"], _ = _queries(client, "get", "/api/v1/me/")
    counts["me (update)"], _ = _queries(client, "patch", "/api/v1/me/", {"name": "Rafiq"})
    return counts


def test_query_counts_do_not_grow_with_history_and_are_pinned(students):
    veteran, newcomer = students
    veteran_counts, newcomer_counts = _flow(veteran), _flow(newcomer)
    assert veteran_counts == newcomer_counts
    assert veteran_counts == _expected(), veteran_counts


def test_sign_in_query_counts_are_fixed(db):
    from rest_framework.test import APIClient

    _, raw = service_key_create(name="bot")
    bot = APIClient()
    bot.credentials(HTTP_AUTHORIZATION=f"Api-Key {raw}")
    first, _ = _queries(bot, "post", "/api/v1/auth/bot/", {"telegram_id": 99, "name": "Dipa"})
    again, _ = _queries(bot, "post", "/api/v1/auth/bot/", {"telegram_id": 99, "name": "Dipa"})
    # The second sign-in within a minute does not rewrite the key's last_used_at.
    assert (first, again) == (7, 3)


def test_authored_feedback_costs_no_query(db):
    """Feedback comes with the cached content (loaded in the same statements) and is written
    in the answer's one INSERT: starting and answering cost what they cost without it."""
    from apps.content.services import problem_feedback_add
    from tests.practice.helpers import wrong_answer

    for problem in make_library():
        problem_feedback_add(
            problem_id=problem.pk,
            answer=wrong_answer(problem.pk),
            message_en="One too many.",
            message_bn="একটি বেশি।",
        )
    client = client_for(new_student())
    cache.forget()
    start, _ = _queries(client, "post", "/api/v1/sessions/")
    session = client.get("/api/v1/sessions/").json()["results"][0]["id"]
    problems = client.get(f"/api/v1/sessions/{session}/").json()["problems"]
    counts = []
    for problem in problems[:-1]:
        path = f"/api/v1/sessions/{session}/answers/"
        body = {"problem_id": problem["problem_id"], "answer": wrong_answer(problem["problem_id"])}
        with CaptureQueriesContext(connection) as captured:
            answered = client.post(path, body, format="json")
        assert answered.json()["feedback"] == "একটি বেশি।"
        counts.append(len(captured))
    assert start == _expected()["start (new session)"]
    assert max(counts) == _expected()["answer (final)"]
    assert Response.objects.exclude(feedback=None).count() == len(problems) - 1


def test_a_warmed_process_starts_sessions_without_loading_content(db, monkeypatch):
    problems = make_library()
    Problem.objects.filter(pk=problems[0].pk).update(is_active=False)
    cache.forget()
    monkeypatch.setattr(cache, "_LOAD_BATCH", 4)  # several loads, as for a large library
    assert cache.warm() == len(problems) - 1 == Problem.objects.usable().count()
    assert problems[0].pk not in cache._entries
    client = client_for(new_student())
    with CaptureQueriesContext(connection) as captured:
        started = client.post("/api/v1/sessions/")
    assert started.status_code == 201
    assert not [q for q in captured.captured_queries if "FROM hints" in q["sql"]]
    cache.forget()
    assert cache.warm(limit=3) == 3
