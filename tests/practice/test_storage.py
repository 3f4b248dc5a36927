"""What answering writes stays cheap for PostgreSQL: each row an answer updates (the problem's
rating, the student's ability, the mastery row, the session) changes no indexed column and
finds room on its page, so the update is a HOT one: no index entry written, and the old
version reclaimed as the page is read, without VACUUM."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection

from apps.content.models import Problem
from apps.practice.models import TopicMastery
from tests.practice.helpers import client_for, make_library, new_student, right_answer

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif("connection.vendor != 'postgresql'", reason="PostgreSQL's storage"),
]

TABLES = ("problems", "students", "topic_mastery", "sessions")


def _updates() -> dict[str, tuple[int, int]]:
    """Rows updated, and how many of them HOT, per table, in this transaction (the test's)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, n_tup_upd, n_tup_hot_upd FROM pg_stat_xact_user_tables "
            "WHERE relname = ANY(%s)",
            [list(TABLES)],
        )
        return {name: (updated, hot) for name, updated, hot in cursor.fetchall()}


def test_the_tables_an_answer_updates_leave_room_on_their_pages():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, reloptions FROM pg_class WHERE relname = ANY(%s)", [list(TABLES)]
        )
        options = dict(cursor.fetchall())
    assert options == {
        "problems": ["fillfactor=50"],
        "students": ["fillfactor=90"],
        "topic_mastery": ["fillfactor=90"],
        "sessions": ["fillfactor=80"],
    }


def test_a_session_of_answers_updates_every_row_in_place():
    make_library(topics=2)  # 12 problems in 2 topics: a topic answered twice updates its row
    student = new_student()
    client = client_for(student)
    session = client.post("/api/v1/sessions/").json()
    topic_of = dict(
        Problem.objects.filter(
            pk__in=[item["problem_id"] for item in session["problems"]]
        ).values_list("pk", "topic_id")
    )
    first = next(p for p in topic_of if list(topic_of.values()).count(topic_of[p]) > 1)
    rest = [p for p in topic_of if p != first]

    def answer(problem_id: int) -> None:
        answered = client.post(
            f"/api/v1/sessions/{session['id']}/answers/",
            {"problem_id": problem_id, "answer": right_answer(problem_id)},
            format="json",
        )
        assert answered.status_code == 200, answered.content

    answer(first)
    # As if that answer had been on another day: the next one in the topic moves its review
    # date (rescheduled once a day), which an index on the date would have to follow.
    long_ago = dt.date(2000, 1, 1)
    TopicMastery.objects.filter(student=student).update(
        next_review_date=long_ago, last_practiced_on=long_ago
    )
    before = _updates()
    seen, mastery_updates = {topic_of[first]}, 0
    for problem_id in rest:
        answer(problem_id)
        mastery_updates += topic_of[problem_id] in seen
        seen.add(topic_of[problem_id])
    after = _updates()
    changed = {
        table: tuple(a - b for a, b in zip(after[table], before.get(table, (0, 0)), strict=True))
        for table in TABLES
    }
    assert TopicMastery.objects.filter(student=student, next_review_date__year=2000).count() == 0
    assert changed["problems"] == (4, 4)
    assert changed["students"] == (4, 4)
    assert changed["topic_mastery"] == (mastery_updates, mastery_updates) != (0, 0)
    # Each answer updates the session; the last one also completes it, which changes its
    # status (the column of the one-open-session rule's partial index).
    assert changed["sessions"] == (4, 3)
