"""End to end against a running server: a student's whole day, over real HTTP sockets,
with every response checked against the published OpenAPI schema."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from typing import Any
from urllib.parse import urlencode

import pytest
from django.core.management import call_command

from apps.content.models import Problem
from apps.students.telegram import sign
from tests.openapi import OpenAPIChecker

BENGALI = str.maketrans("0123456789", "০১২৩৪৫৬৭৮৯")
BOT_TOKEN = "4242:e2e-bot-token"


class Api:
    def __init__(self, base: str, checker: OpenAPIChecker) -> None:
        self.base, self.checker, self.token = base, checker, ""
        self.seen: set[tuple[str, str, int]] = set()

    def call(self, method: str, path: str, body: Any = None) -> tuple[int, Any]:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.base + path, data=data, method=method)  # noqa: S310
        request.add_header("Content-Type", "application/json")
        if self.token:
            request.add_header("Authorization", f"Bearer {self.token}")
        try:
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - local
                status, raw = response.status, response.read()
        except urllib.error.HTTPError as error:
            status, raw = error.code, error.read()
        payload = json.loads(raw) if raw else None
        template = self.checker.check(method, "/api/v1" + path.split("?")[0], status, payload)
        self.seen.add((method, template, status))
        return status, payload


@pytest.fixture
def api(live_server, settings, topics) -> Api:
    settings.TELEGRAM_BOT_TOKEN = BOT_TOKEN
    call_command("import_problems", "fixtures/problems.csv", verbosity=0)
    schema = json.loads(
        urllib.request.urlopen(f"{live_server.url}/api/schema/?format=json", timeout=30).read()  # noqa: S310
    )
    return Api(f"{live_server.url}/api/v1", OpenAPIChecker(schema))


def _init_data(user_id: int) -> str:
    fields = {
        "user": json.dumps({"id": user_id, "first_name": "Ayesha", "language_code": "bn"}),
        "auth_date": str(int(time.time())),
        "query_id": "e2e",
    }
    fields["hash"] = sign(fields, BOT_TOKEN)
    return urlencode(fields)


def _typed_answer(problem: Problem) -> str:
    """What a Bengali-speaking student would type: Bengali digits, or the Bengali letter."""
    if problem.answer_type == "multiple_choice":
        return {"A": "ক", "B": "খ", "C": "গ", "D": "ঘ"}[problem.answer]
    if problem.answer_type == "text":
        return problem.answer
    return problem.answer.translate(BENGALI)


@pytest.mark.django_db(transaction=True)
def test_a_students_whole_day_over_http(api: Api):
    status, body = api.call("POST", "/auth/telegram/", {"init_data": _init_data(555)})
    assert status == 200 and body["registered"] is False
    api.token = body["token"]

    status, body = api.call("POST", "/sessions/")
    assert status == 409 and body["error"]["code"] == "registration_required"
    status, body = api.call("PATCH", "/me/", {"grade": 7})
    assert status == 200 and body["registered"] is True
    status, body = api.call("PATCH", "/me/", {"grade": 11})
    assert status == 400 and "grade" in body["error"]["details"]["fields"]

    status, session = api.call("POST", "/sessions/")
    assert status == 201 and len(session["problems"]) == 5
    status, again = api.call("POST", "/sessions/")
    assert status == 200 and again["id"] == session["id"]
    sid = session["id"]

    first = session["problems"][0]["problem_id"]
    status, hint = api.call("POST", f"/sessions/{sid}/hints/", {"problem_id": first})
    assert status == 200 and hint["level"] == 1 and hint["text"]

    status, body = api.call(
        "POST", f"/sessions/{sid}/answers/", {"problem_id": first, "answer": "??"}
    )
    assert status == 200 and body["result"] == "unparseable" and body["final"] is False

    last_body: dict = {}
    for item in session["problems"]:
        problem = Problem.objects.get(pk=item["problem_id"])
        answer = {
            "problem_id": problem.pk,
            "answer": _typed_answer(problem),
            "time_spent_seconds": 40,
        }
        status, last_body = api.call("POST", f"/sessions/{sid}/answers/", answer)
        assert status == 200 and last_body["result"] == "correct", (problem.code, last_body)
        status, retry = api.call("POST", f"/sessions/{sid}/answers/", answer)
        assert retry == last_body
    assert last_body["session_status"] == "completed"
    assert (
        last_body["summary"]["problems_correct"] == 5
        and last_body["summary"]["current_streak"] == 1
    )

    status, body = api.call(
        "POST", f"/sessions/{sid}/answers/", {"problem_id": first, "answer": "0"}
    )
    assert status == 409 and body["error"]["code"] == "already_answered"
    status, body = api.call("GET", "/streak/")
    assert status == 200 and body["current_streak"] == 1 and body["next_milestone"] == 7
    status, body = api.call("GET", "/progress/")
    assert status == 200 and sum(row["attempts"] for row in body) == 5
    status, body = api.call("GET", "/sessions/")
    assert status == 200 and body["count"] == 1 and body["results"][0]["status"] == "completed"
    status, body = api.call("GET", f"/sessions/{sid}/")
    assert status == 200 and {p["status"] for p in body["problems"]} == {"correct"}
    status, body = api.call("GET", "/sessions/999999/")
    assert status == 404 and body["error"]["code"] == "not_found"

    status, _ = api.call("DELETE", "/auth/token/")
    assert status == 204
    status, body = api.call("GET", "/me/")
    assert status == 401 and body["error"]["code"] == "authentication_failed"
    assert len(api.seen) >= 15
