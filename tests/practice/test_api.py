"""The practice API through the real HTTP stack and database."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from apps.content.models import Problem
from apps.practice.models import HintView, PracticeSession, Response, Streak, TopicMastery
from apps.students.models import Student
from tests.practice.helpers import (
    BENGALI,
    client_for,
    make_library,
    new_student,
    right_answer,
    wrong_answer,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def library():
    return make_library()


@pytest.fixture
def student(library):
    return new_student(language="bn")


@pytest.fixture
def client(student):
    return client_for(student)


def _start(client) -> dict:
    response = client.post("/api/v1/sessions/")
    assert response.status_code in (200, 201), response.content
    return response.json()


def _answer(client, session_id: int, problem_id: int, answer: str, **extra):
    body = {"problem_id": problem_id, "answer": answer, "time_spent_seconds": 30, **extra}
    return client.post(f"/api/v1/sessions/{session_id}/answers/", body, format="json")


def _hint(client, session_id: int, problem_id: int):
    return client.post(
        f"/api/v1/sessions/{session_id}/hints/", {"problem_id": problem_id}, format="json"
    )


# --- starting ------------------------------------------------------------------------------


def test_start_creates_five_problems_in_the_students_language_without_answers(client, student):
    response = client.post("/api/v1/sessions/")
    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "in_progress"
    assert [p["position"] for p in body["problems"]] == [1, 2, 3, 4, 5]
    assert len({p["problem_id"] for p in body["problems"]}) == 5
    first = body["problems"][0]
    assert set(first) == {
        "problem_id",
        "position",
        "question",
        "answer_type",
        "options",
        "estimated_time_minutes",
        "hints_available",
        "hints_used",
        "hints_seen",
        "status",
    }
    assert all("কত" in p["question"] or "বড়" in p["question"] for p in body["problems"])
    assert "answer" not in str(body).replace("answer_type", "").replace("answered", "")
    started = dt.datetime.fromisoformat(body["started_at"])
    expires = dt.datetime.fromisoformat(body["expires_at"])
    assert expires - started == dt.timedelta(minutes=30)


def test_start_is_idempotent_while_a_session_is_open(client):
    first = client.post("/api/v1/sessions/")
    second = client.post("/api/v1/sessions/")
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["id"] == second.json()["id"]
    assert PracticeSession.objects.count() == 1


def test_start_before_choosing_a_grade_is_refused_clearly(library):
    student = new_student(grade=None, language="bn")
    response = client_for(student).post("/api/v1/sessions/")
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "registration_required"
    assert "শ্রেণি" in error["message"]  # in the student's language
    assert PracticeSession.objects.count() == 0


def test_start_with_too_few_problems_is_a_clear_conflict(db):
    make_library(grade=8, topics=1, per_topic=2)
    response = client_for(new_student(grade=8)).post("/api/v1/sessions/")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "no_problems_available"


def test_only_active_problems_of_the_students_grade_are_chosen(client, library):
    other_grade = make_library(grade=8)
    for problem in library[:6]:
        problem.is_active = False
        problem.save()
    chosen = {p["problem_id"] for p in _start(client)["problems"]}
    assert not chosen & {p.pk for p in library[:6]}
    assert not chosen & {p.pk for p in other_grade}


def test_problems_seen_recently_are_not_repeated_while_unseen_remain(client):
    seen: set[int] = set()
    for _ in range(3):
        session = _start(client)
        ids = {p["problem_id"] for p in session["problems"]}
        assert not ids & seen
        seen |= ids
        PracticeSession.objects.filter(pk=session["id"]).update(status="abandoned")
    assert len(seen) == 15  # 18 problems in the library, none repeated in 3 sessions


# --- answering -----------------------------------------------------------------------------


def test_correct_answer_in_bengali_digits_is_final_with_answer_and_explanation(client):
    session = _start(client)
    problem = next(p for p in session["problems"] if p["answer_type"] == "numeric")
    typed = right_answer(problem["problem_id"]).translate(BENGALI)

    response = _answer(client, session["id"], problem["problem_id"], typed)

    assert response.status_code == 200
    body = response.json()
    assert body["result"] == "correct" and body["final"] is True
    assert body["message"] == "সঠিক! খুব ভালো।"
    assert body["correct_answer"] == right_answer(problem["problem_id"]).translate(BENGALI)
    assert body["explanation"].startswith("যোগফল")
    assert body["progress"] == {"answered": 1, "correct": 1, "total": 5}
    assert Response.objects.get().is_correct


def test_unparseable_answer_is_not_an_attempt(client):
    session = _start(client)
    problem_id = next(p["problem_id"] for p in session["problems"] if p["answer_type"] == "numeric")
    body = _answer(client, session["id"], problem_id, "আমি জানি না").json()
    assert body["result"] == "unparseable" and body["final"] is False
    assert body["message"] and body["correct_answer"] is None
    assert Response.objects.count() == 0
    # ...and the problem can still be answered
    assert _answer(client, session["id"], problem_id, right_answer(problem_id)).json()["final"]


def test_identical_retry_gets_the_identical_result_and_a_different_answer_409(client):
    session = _start(client)
    problem_id = session["problems"][0]["problem_id"]
    first = _answer(client, session["id"], problem_id, wrong_answer(problem_id))
    retry = _answer(client, session["id"], problem_id, wrong_answer(problem_id))
    assert first.status_code == retry.status_code == 200
    assert first.json() == retry.json()
    assert first.json()["result"] == "incorrect"

    changed = _answer(client, session["id"], problem_id, right_answer(problem_id))
    assert changed.status_code == 409
    assert changed.json()["error"]["code"] == "already_answered"
    assert Response.objects.count() == 1 and not Response.objects.get().is_correct


def test_answer_to_a_problem_outside_the_session_is_refused(client, library):
    session = _start(client)
    in_session = {p["problem_id"] for p in session["problems"]}
    outside = next(p.pk for p in library if p.pk not in in_session)
    response = _answer(client, session["id"], outside, "1")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "problem_not_in_session"
    assert Response.objects.count() == 0


def test_a_hint_for_a_problem_outside_the_session_or_in_no_session_is_refused(client, library):
    session = _start(client)
    in_session = {p["problem_id"] for p in session["problems"]}
    outside = next(p.pk for p in library if p.pk not in in_session)
    response = _hint(client, session["id"], outside)
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "problem_not_in_session"
    missing = _hint(client, session["id"] + 1000, next(iter(in_session)))
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"
    missing = _answer(client, session["id"] + 1000, next(iter(in_session)), "1")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"
    assert not HintView.objects.exists() and not Response.objects.exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"answer": "5"}, "problem_id"),
        ({"problem_id": "x", "answer": "5"}, "problem_id"),
        ({"problem_id": 1}, "answer"),
        ({"problem_id": 1, "answer": "5", "time_spent_seconds": -3}, "time_spent_seconds"),
        ({"problem_id": 1, "answer": "5", "confidence": "sure"}, "confidence"),
        ({"problem_id": 1, "answer": "x" * 501}, "answer"),
    ],
)
def test_bad_answer_bodies_name_the_field_and_write_nothing(client, body, field):
    session = _start(client)
    response = client.post(f"/api/v1/sessions/{session['id']}/answers/", body, format="json")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid" and field in error["details"]["fields"]
    assert Response.objects.count() == 0


def test_malformed_json_is_a_400_not_a_500(client):
    session = _start(client)
    response = client.post(
        f"/api/v1/sessions/{session['id']}/answers/", "{not json", content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "malformed_request"


def test_expired_session_is_abandoned_and_answers_get_409(client):
    session = _start(client)
    PracticeSession.objects.filter(pk=session["id"]).update(
        started_at=timezone.now() - dt.timedelta(minutes=31),
        expires_at=timezone.now() - dt.timedelta(minutes=1),
    )
    problem_id = session["problems"][0]["problem_id"]
    response = _answer(client, session["id"], problem_id, right_answer(problem_id))
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "session_expired"
    assert client.get(f"/api/v1/sessions/{session['id']}/").json()["status"] == "abandoned"
    assert Response.objects.count() == 0
    assert _start(client)["id"] != session["id"]  # a new session can start


def test_completing_a_session_returns_the_summary_and_counts_the_streak(client, student):
    session = _start(client)
    problems = session["problems"]
    for problem in problems[:-1]:
        body = _answer(
            client, session["id"], problem["problem_id"], right_answer(problem["problem_id"])
        ).json()
        assert body["summary"] is None and body["session_status"] == "in_progress"
    last = problems[-1]["problem_id"]
    final = _answer(client, session["id"], last, wrong_answer(last)).json()

    assert final["session_status"] == "completed"
    assert final["summary"] == {
        "problems_correct": 4,
        "total": 5,
        "total_time_seconds": 150,
        "current_streak": 1,
        "milestone_reached": None,
        "freeze_used": False,
    }
    assert _answer(client, session["id"], last, wrong_answer(last)).json() == final  # retry
    streak = client.get("/api/v1/streak/").json()
    assert streak["current_streak"] == 1 and streak["practiced_today"] is True
    assert streak["next_milestone"] == 7
    assert Streak.objects.get(student=student).current_streak == 1


def test_answers_update_ratings_and_topic_mastery(client, student):
    session = _start(client)
    problem_id = session["problems"][0]["problem_id"]
    from apps.content.models import Problem

    before = Problem.objects.get(pk=problem_id).rating
    _answer(client, session["id"], problem_id, right_answer(problem_id))
    student.refresh_from_db()
    problem = Problem.objects.get(pk=problem_id)
    assert student.ability > 0 and student.rated_answers == 1
    assert problem.rating < before and problem.rated_answers == 1
    mastery = TopicMastery.objects.get(student=student, topic=problem.topic)
    assert (mastery.level, mastery.attempts, mastery.correct) == ("developing", 1, 1)
    assert mastery.next_review_date is not None

    progress = client.get("/api/v1/progress/").json()
    row = next(r for r in progress if r["topic_id"] == problem.topic_id)
    assert row["level"] == "developing" and row["accuracy"] == 1.0
    assert {r["level"] for r in progress if r["topic_id"] != problem.topic_id} <= {
        "not_started",
        "developing",
    }


# --- hints ---------------------------------------------------------------------------------


def test_hints_come_one_level_at_a_time_then_409(client):
    session = _start(client)
    problem_id = next(p["problem_id"] for p in session["problems"] if p["hints_available"] == 3)
    levels = []
    for _ in range(3):
        response = _hint(client, session["id"], problem_id)
        assert response.status_code == 200
        levels.append(
            (response.json()["level"], response.json()["text"], response.json()["hints_remaining"])
        )
    assert levels == [(1, "ইঙ্গিত 1", 2), (2, "ইঙ্গিত 2", 1), (3, "ইঙ্গিত 3", 0)]
    fourth = _hint(client, session["id"], problem_id)
    assert fourth.status_code == 409 and fourth.json()["error"]["code"] == "no_more_hints"
    assert HintView.objects.count() == 3

    _answer(client, session["id"], problem_id, right_answer(problem_id))
    assert Response.objects.get().hints_used == 3
    detail = client.get(f"/api/v1/sessions/{session['id']}/").json()
    item = next(p for p in detail["problems"] if p["problem_id"] == problem_id)
    assert (item["hints_used"], item["status"]) == (3, "correct")


def test_a_resumed_session_shows_the_hints_already_seen_in_the_students_language(client):
    session = _start(client)
    problem_id = next(p["problem_id"] for p in session["problems"] if p["hints_available"] == 3)
    assert _hint(client, session["id"], problem_id).status_code == 200
    assert _hint(client, session["id"], problem_id).status_code == 200

    resumed = _start(client)  # the open session again, as after a reload
    item = next(p for p in resumed["problems"] if p["problem_id"] == problem_id)
    assert item["hints_seen"] == [{"level": 1, "text": "ইঙ্গিত 1"}, {"level": 2, "text": "ইঙ্গিত 2"}]
    others = [p["hints_seen"] for p in resumed["problems"] if p["problem_id"] != problem_id]
    assert others == [[]] * 4
    assert HintView.objects.count() == 2  # reading them again is not seeing a new one

    client.patch("/api/v1/me/", {"language": "en"}, format="json")
    detail = client.get(f"/api/v1/sessions/{session['id']}/").json()
    item = next(p for p in detail["problems"] if p["problem_id"] == problem_id)
    assert [h["text"] for h in item["hints_seen"]] == ["Hint 1", "Hint 2"]
    assert _hint(client, session["id"], problem_id).json()["level"] == 3


def test_after_a_first_hint_the_next_ones_are_refused_for_the_same_reasons(client, library):
    """On PostgreSQL a problem's hints after the first are read and written in one statement
    (its key was found usable): it refuses what the first would have, and writes nothing."""
    session = _start(client)
    sid = session["id"]
    with_hints = [p["problem_id"] for p in session["problems"] if p["hints_available"] == 3]
    answered, expiring = with_hints[:2]
    for problem_id in (answered, expiring):
        assert _hint(client, sid, problem_id).json()["level"] == 1
    assert _answer(client, sid, answered, right_answer(answered)).status_code == 200

    refused = _hint(client, sid, answered)
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "already_answered"
    other = client_for(new_student())
    stranger = _hint(other, sid, expiring)
    assert stranger.status_code == 404 and stranger.json()["error"]["code"] == "not_found"
    PracticeSession.objects.filter(pk=sid).update(expires_at=timezone.now())
    late = _hint(client, sid, expiring)
    assert late.status_code == 409 and late.json()["error"]["code"] == "session_expired"
    assert HintView.objects.count() == 2


def test_a_key_broken_after_a_first_hint_stops_the_next_one(client):
    from django.db import connection

    session = _start(client)
    broken = next(
        p["problem_id"]
        for p in session["problems"]
        if p["hints_available"] == 3 and p["answer_type"] == "numeric"
    )
    assert _hint(client, session["id"], broken).json()["level"] == 1
    with connection.cursor() as cursor:  # past every rule, and without moving the version on
        cursor.execute("UPDATE problems SET answer = %s WHERE id = %s", ["seven-ish", broken])
    hint = _hint(client, session["id"], broken)
    assert hint.status_code == 409 and hint.json()["error"]["code"] == "problem_unavailable"
    assert HintView.objects.count() == 1
    assert Problem.objects.get(pk=broken).unusable_since is not None


def test_hints_are_throttled(client, settings):
    settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "hints": "2/minute"}
    session = _start(client)
    problem_id = next(p["problem_id"] for p in session["problems"] if p["hints_available"] == 3)
    assert _hint(client, session["id"], problem_id).status_code == 200
    assert _hint(client, session["id"], problem_id).status_code == 200
    third = _hint(client, session["id"], problem_id)
    assert third.status_code == 429
    assert third.json()["error"]["code"] == "throttled"
    assert HintView.objects.count() == 2


# --- history -------------------------------------------------------------------------------


def test_history_is_paginated_newest_first(client, student):
    first = _start(client)
    PracticeSession.objects.filter(pk=first["id"]).update(status="abandoned")
    second = _start(client)
    page = client.get("/api/v1/sessions/?page_size=1").json()
    assert page["count"] == 2 and page["results"][0]["id"] == second["id"]
    assert page["next"] and page["results"][0]["answered"] == 0
    detail = client.get(f"/api/v1/sessions/{first['id']}/").json()
    assert detail["status"] == "abandoned"


# --- isolation: a second student sees and changes nothing of the first's -------------------


def test_a_second_student_cannot_read_or_change_the_first_students_data(client, library):
    session = _start(client)
    problem_id = session["problems"][0]["problem_id"]
    _answer(client, session["id"], problem_id, right_answer(problem_id))
    intruder = client_for(new_student())

    assert intruder.get(f"/api/v1/sessions/{session['id']}/").status_code == 404
    answer = _answer(intruder, session["id"], session["problems"][1]["problem_id"], "1")
    assert answer.status_code == 404 and answer.json()["error"]["code"] == "not_found"
    assert _hint(intruder, session["id"], problem_id).status_code == 404
    assert intruder.get("/api/v1/sessions/").json()["count"] == 0
    assert intruder.get("/api/v1/streak/").json()["current_streak"] == 0
    assert all(r["attempts"] == 0 for r in intruder.get("/api/v1/progress/").json())
    me = intruder.get("/api/v1/me/").json()
    assert me["telegram_id"] != Student.objects.get(pk=session_student_id(session)).telegram_id
    assert Response.objects.count() == 1 and HintView.objects.count() == 0


def session_student_id(session: dict) -> int:
    return PracticeSession.objects.get(pk=session["id"]).student_id


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("post", "/api/v1/sessions/"),
        ("get", "/api/v1/sessions/"),
        ("get", "/api/v1/sessions/1/"),
        ("post", "/api/v1/sessions/1/answers/"),
        ("post", "/api/v1/sessions/1/hints/"),
        ("get", "/api/v1/streak/"),
        ("get", "/api/v1/progress/"),
        ("get", "/api/v1/streak/calendar/"),
        ("get", "/api/v1/mistakes/"),
        ("get", "/api/v1/me/"),
        ("patch", "/api/v1/me/"),
        ("delete", "/api/v1/auth/token/"),
    ],
)
def test_every_student_endpoint_refuses_a_missing_or_bad_token(db, method, path):
    from rest_framework.test import APIClient

    anonymous = getattr(APIClient(), method)(path, {}, format="json")
    assert anonymous.status_code == 401
    assert anonymous.json()["error"]["code"] == "not_authenticated"
    forged = APIClient()
    forged.credentials(HTTP_AUTHORIZATION="Bearer not-a-real-token")
    response = getattr(forged, method)(path, {}, format="json")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "authentication_failed"


def test_multiple_choice_by_bengali_letter(client, library):
    # Leave five active problems: the three multiple-choice ones and two numeric.
    numeric = [p for p in library if p.answer_type == "numeric"]
    for problem in numeric[2:]:
        problem.is_active = False
        problem.save()
    session = _start(client)
    mcq = next(p for p in session["problems"] if p["answer_type"] == "multiple_choice")
    assert [o["local_label"] for o in mcq["options"]] == ["ক", "খ", "গ"]
    body = _answer(client, session["id"], mcq["problem_id"], "গ").json()
    assert body["result"] == "correct" and body["correct_answer"] == "গ) ১২"


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/api/v1/sessions/99999999999999999999999/", None),
        ("/api/v1/sessions/1/answers/", {"problem_id": 10**30, "answer": "1"}),
        ("/api/v1/sessions/1/hints/", {"problem_id": 10**30}),
        ("/api/v1/sessions/1/answers/", {"problem_id": 1, "answer": "5\x00"}),
        ("/api/v1/sessions/1/answers/", ["not", "an", "object"]),
    ],
)
def test_out_of_range_and_odd_input_is_a_clean_4xx(client, path, body):
    response = client.get(path) if body is None else client.post(path, body, format="json")
    assert 400 <= response.status_code < 500
    assert "error" in response.json()


def test_reading_an_expired_session_shows_it_abandoned_without_writing(settings):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from apps.practice.models import PracticeSession
    from apps.practice.tasks import expire_sessions

    make_library()
    student = new_student()
    client = client_for(student)
    body = client.post("/api/v1/sessions/").json()
    PracticeSession.objects.filter(pk=body["id"]).update(
        started_at=timezone.now() - dt.timedelta(hours=2),
        expires_at=timezone.now() - dt.timedelta(hours=1),
    )
    with CaptureQueriesContext(connection) as queries:
        detail = client.get(f"/api/v1/sessions/{body['id']}/").json()
        history = client.get("/api/v1/sessions/").json()
    assert detail["status"] == "abandoned" and history["results"][0]["status"] == "abandoned"
    writes = [q["sql"] for q in queries if q["sql"].split()[0] in ("UPDATE", "INSERT", "DELETE")]
    assert writes == []  # reads never write
    assert PracticeSession.objects.get(pk=body["id"]).status == "in_progress"

    problem_id = detail["problems"][0]["problem_id"]
    late = client.post(
        f"/api/v1/sessions/{body['id']}/answers/",
        {"problem_id": problem_id, "answer": "1"},
        format="json",
    )
    assert late.status_code == 409 and late.json()["error"]["code"] == "session_expired"

    assert expire_sessions() == 1  # the worker's periodic task marks it
    assert PracticeSession.objects.get(pk=body["id"]).status == "abandoned"
    fresh = client.post("/api/v1/sessions/")
    assert fresh.status_code == 201 and fresh.json()["id"] != body["id"]


# --- problems changed under a session ------------------------------------------------------


def test_a_problem_broken_past_the_rules_is_409_unavailable_for_answers_and_hints(client):
    from django.db import connection

    from apps.content.models import Problem

    session = _start(client)
    broken = session["problems"][0]["problem_id"]
    with connection.cursor() as cursor:  # what no form, import or service allows
        cursor.execute(
            "UPDATE problems SET answer = %s, answer_type = 'numeric' WHERE id = %s",
            ["seven-ish", broken],
        )
    answer = _answer(client, session["id"], broken, "7")
    assert answer.status_code == 409 and answer.json()["error"]["code"] == "problem_unavailable"
    hint = _hint(client, session["id"], broken)
    assert hint.status_code == 409 and hint.json()["error"]["code"] == "problem_unavailable"
    assert Response.objects.count() == 0 and HintView.objects.count() == 0
    flagged = Problem.objects.get(pk=broken)
    assert flagged.unusable_since is not None  # the content team sees it under "needs attention"
    other = session["problems"][1]["problem_id"]
    assert _answer(client, session["id"], other, right_answer(other)).status_code == 200


def test_an_answer_records_the_version_of_the_problem_it_answered(client):
    from apps.content.models import Problem

    session = _start(client)
    pid = session["problems"][0]["problem_id"]
    Problem.objects.filter(pk=pid).update(version=4)
    assert _answer(client, session["id"], pid, right_answer(pid)).status_code == 200
    assert Response.objects.get(problem_id=pid).problem_version == 4


def test_a_text_answer_is_shown_in_bengali_to_a_bengali_student(client):
    from apps.content.models import Problem

    session = _start(client)
    pid = next(p["problem_id"] for p in session["problems"] if p["answer_type"] == "numeric")
    Problem.objects.filter(pk=pid).update(
        answer_type="text", answer="triangle", answer_bn="ত্রিভুজ", accepted_answers=""
    )
    wrong = _answer(client, session["id"], pid, "square")
    assert wrong.status_code == 200, wrong.content
    assert wrong.json()["result"] == "incorrect"
    assert wrong.json()["correct_answer"] == "ত্রিভুজ"


# --- authored feedback for a wrong answer ----------------------------------------------------

ONE_TOO_MANY = ("You counted one too many; add again.", "তুমি একটি বেশি গুনেছ; আবার যোগ করো।")


def _with_feedback(library) -> dict[int, int]:
    """Every problem gets feedback for the wrong answer `wrong_answer` gives (through the
    content service, as the admin adds it); the feedback's id by problem id."""
    from apps.content.services import problem_feedback_add

    ids = {}
    for problem in library:
        saved = problem_feedback_add(
            problem_id=problem.pk,
            answer=wrong_answer(problem.pk),
            message_en=ONE_TOO_MANY[0],
            message_bn=ONE_TOO_MANY[1],
        )
        ids[problem.pk] = saved.feedback.get().pk
    return ids


def test_a_matching_wrong_answer_gets_the_feedback_in_the_students_language(library):
    feedback = _with_feedback(library)
    for language, message, spell in (
        ("bn", ONE_TOO_MANY[1], lambda text: text.translate(BENGALI)),
        ("en", ONE_TOO_MANY[0], lambda text: f"{text}.0"),
    ):
        client = client_for(new_student(language=language))
        session = _start(client)
        pid = next(p["problem_id"] for p in session["problems"] if p["answer_type"] == "numeric")

        first = _answer(client, session["id"], pid, spell(wrong_answer(pid)))
        retry = _answer(client, session["id"], pid, spell(wrong_answer(pid)))

        assert first.status_code == 200, first.content
        body = first.json()
        assert (body["result"], body["final"], body["feedback"]) == ("incorrect", True, message)
        assert retry.json() == body
        response = Response.objects.get(session_id=session["id"], problem_id=pid)
        assert response.feedback_id == feedback[pid] and response.language == language


def test_multiple_choice_feedback_matches_the_option_by_its_bengali_letter(client, library):
    feedback = _with_feedback(library)  # for option A
    for problem in [p for p in library if p.answer_type == "numeric"][2:]:
        Problem.objects.filter(pk=problem.pk).update(is_active=False)  # the three MCQs stay
    session = _start(client)
    mcq = next(p for p in session["problems"] if p["answer_type"] == "multiple_choice")
    body = _answer(client, session["id"], mcq["problem_id"], "ক").json()
    assert body["result"] == "incorrect" and body["feedback"] == ONE_TOO_MANY[1]
    assert Response.objects.get().feedback_id == feedback[mcq["problem_id"]]


def test_other_wrong_answers_right_answers_and_retries_get_no_feedback(client, library):
    _with_feedback(library)
    session = _start(client)
    numeric = [p["problem_id"] for p in session["problems"] if p["answer_type"] == "numeric"]
    other, right = numeric[0], numeric[1]

    unread = _answer(client, session["id"], other, "আমি জানি না").json()
    assert unread["final"] is False and unread["feedback"] is None
    wrong = _answer(client, session["id"], other, str(int(right_answer(other)) + 2)).json()
    assert wrong["result"] == "incorrect" and wrong["feedback"] is None
    correct = _answer(client, session["id"], right, right_answer(right)).json()
    assert correct["result"] == "correct" and correct["feedback"] is None
    retry = _answer(client, session["id"], right, right_answer(right)).json()
    assert retry["feedback"] is None
    assert list(Response.objects.values_list("feedback_id", flat=True)) == [None, None]


def test_removing_feedback_keeps_the_answers_that_were_shown_it(client, library):
    from apps.content.services import problem_save
    from apps.content.spreadsheet import FEEDBACK_COLUMNS

    _with_feedback(library)
    session = _start(client)
    pid = session["problems"][0]["problem_id"]
    assert _answer(client, session["id"], pid, wrong_answer(pid)).json()["feedback"]
    code = Response.objects.get().problem.code

    problem_save(values={"code": code, **dict.fromkeys(FEEDBACK_COLUMNS, "")}, route="admin")

    response = Response.objects.get()
    assert response.feedback_id is None and response.student_answer == wrong_answer(pid)
    assert _answer(client, session["id"], pid, wrong_answer(pid)).json()["feedback"] is None


# --- mistakes to review and the streak calendar ----------------------------------------------


def test_mistakes_list_wrong_answers_newest_first_with_the_right_answer_and_explanation(
    client, library
):
    feedback = _with_feedback(library)
    session = _start(client)
    problems = sorted(session["problems"], key=lambda p: p["answer_type"] != "numeric")
    first, second, right = (p["problem_id"] for p in problems[:3])  # the first is a number
    _answer(client, session["id"], first, wrong_answer(first).translate(BENGALI))
    kind = Problem.objects.get(pk=second).answer_type
    other_wrong = "খ" if kind == "multiple_choice" else str(int(right_answer(second)) + 2)
    _answer(client, session["id"], second, other_wrong)  # wrong, with no feedback for it
    _answer(client, session["id"], right, right_answer(right))
    Response.objects.filter(problem_id=first).update(
        evaluated_at=timezone.now() - dt.timedelta(minutes=5)
    )

    page = client.get("/api/v1/mistakes/")

    assert page.status_code == 200, page.content
    body = page.json()
    assert (body["count"], body["next"], body["previous"]) == (2, None, None)
    newest, older = body["results"]
    assert [newest["problem_id"], older["problem_id"]] == [second, first]
    problem = Problem.objects.get(pk=first)
    assert older == {
        "id": Response.objects.get(problem_id=first).pk,
        "session_id": session["id"],
        "problem_id": first,
        "answered_at": older["answered_at"],
        "question": problem.question_bn,
        "answer_type": problem.answer_type,
        "options": older["options"],
        "student_answer": wrong_answer(first).translate(BENGALI),
        "correct_answer": problem.answer.translate(BENGALI),
        "explanation": problem.explanation_bn or None,
        "feedback": ONE_TOO_MANY[1],
    }
    assert newest["feedback"] is None and newest["student_answer"] == other_wrong
    assert Response.objects.get(problem_id=first).feedback_id == feedback[first]


def test_mistakes_of_a_multiple_choice_problem_show_its_options_in_the_students_language(
    library,
):
    for problem in [p for p in library if p.answer_type == "numeric"][2:]:
        Problem.objects.filter(pk=problem.pk).update(is_active=False)  # the three MCQs stay
    client = client_for(new_student(language="en"))
    session = _start(client)
    mcq = next(p for p in session["problems"] if p["answer_type"] == "multiple_choice")
    _answer(client, session["id"], mcq["problem_id"], "A")

    mistake = client.get("/api/v1/mistakes/").json()["results"][0]

    assert mistake["correct_answer"] == "C) 12"
    assert [(o["local_label"], o["text"]) for o in mistake["options"]] == [
        ("A", "3"),
        ("B", "-8"),
        ("C", "12"),
    ]


def test_mistakes_are_paginated_and_only_the_students_own(client, library):
    session = _start(client)
    for problem in session["problems"]:
        _answer(client, session["id"], problem["problem_id"], wrong_answer(problem["problem_id"]))
    other = client_for(new_student())
    assert other.get("/api/v1/mistakes/").json() == {
        "count": 0,
        "next": None,
        "previous": None,
        "results": [],
    }
    page = client.get("/api/v1/mistakes/?page=2&page_size=2").json()
    assert page["count"] == 5 and len(page["results"]) == 2
    assert page["next"] and page["previous"]
    assert client.get("/api/v1/mistakes/?page=4&page_size=2").status_code == 404
    bad = client.get("/api/v1/mistakes/?page_size=0")
    assert bad.status_code == 400 and "page_size" in bad.json()["error"]["details"]["fields"]


def test_streak_calendar_marks_practised_and_frozen_days_in_the_students_dates(client, student):
    from apps.practice.services import local_date

    today = local_date(student, timezone.now())
    now = timezone.now()
    for days_ago, freeze_used in ((0, True), (2, False)):
        at = now - dt.timedelta(days=days_ago)
        PracticeSession.objects.create(
            student=student,
            status="completed",
            started_at=at - dt.timedelta(minutes=10),
            expires_at=at + dt.timedelta(minutes=20),
            completed_at=at,
            freeze_used=freeze_used,
        )

    body = client.get("/api/v1/streak/calendar/").json()

    assert body["today"] == today.isoformat()
    days = body["days"]
    assert len(days) == 35 and days[-1]["date"] == today.isoformat()
    assert [d["state"] for d in days[-3:]] == ["practised", "freeze", "practised"]
    assert {d["state"] for d in days[:-3]} == {"none"}


def test_a_demo_students_answers_do_not_move_ratings(library):
    from apps.students.services import demo_sign_in

    demo = demo_sign_in(user=None).student
    demo.grade, demo.language = 7, "bn"
    demo.save(update_fields=["grade", "language"])
    client = client_for(demo)
    session = _start(client)
    problem_id = session["problems"][0]["problem_id"]
    before = Problem.objects.values_list("rating", "rated_answers").get(pk=problem_id)
    assert _answer(client, session["id"], problem_id, wrong_answer(problem_id)).status_code == 200
    assert Problem.objects.values_list("rating", "rated_answers").get(pk=problem_id) == before
    demo.refresh_from_db()
    assert (demo.ability, demo.rated_answers) == (0.0, 0)
