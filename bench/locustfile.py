"""Load profile for `manage.py bench_load` (locust, headless).

Three kinds of users hit the server at once: a baseline that only calls /healthz, new
students, and veterans (students with about 10,000 past responses). Each student signs in
through the bot endpoint, chooses a grade, then practises in a loop: start a session, one hint
and one answer per problem (the fifth completes the session), streak, progress. Requests are
named by endpoint and cohort, so the statistics compare the two cohorts endpoint by endpoint.
"""

from __future__ import annotations

import itertools
import os
from typing import Any

from locust import HttpUser, constant, task

BOT_KEY = os.environ["DARS_BOT_KEY"]
VETERANS = itertools.cycle(int(x) for x in os.environ["DARS_VETERAN_TELEGRAM_IDS"].split(","))
NEW_IDS = itertools.count(int(os.environ["DARS_NEW_TELEGRAM_ID_START"]))


class Baseline(HttpUser):
    wait_time = constant(0)

    @task
    def health(self) -> None:
        self.client.get("/healthz", name="GET /healthz")


class Student(HttpUser):
    abstract = True
    wait_time = constant(0)
    cohort = ""

    def telegram_id(self) -> int:
        raise NotImplementedError

    def _call(self, method: str, path: str, label: str, body: Any = None) -> Any:
        response = self.client.request(
            method, path, json=body, headers=self.auth, name=f"{label} [{self.cohort}]"
        )
        return response.json() if response.content else None

    def on_start(self) -> None:
        self.student_telegram_id = self.telegram_id()
        self.sign_in()

    @task(1)
    def sign_in(self) -> None:
        """Sign in (as the bot does for each chat) and set the grade; also runs now and then
        in steady state, so these endpoints are measured under the same load as the rest."""
        self.auth = {"Authorization": f"Api-Key {BOT_KEY}"}
        signed = self._call(
            "POST",
            "/api/v1/auth/bot/",
            "POST /auth/bot/",
            {"telegram_id": self.student_telegram_id},
        )
        self.auth = {"Authorization": f"Bearer {signed['token']}"}
        self._call("PATCH", "/api/v1/me/", "PATCH /me/", {"grade": 7})

    @task(4)
    def practise(self) -> None:
        session = self._call("POST", "/api/v1/sessions/", "POST /sessions/")
        if not session or "id" not in session:
            return
        sid = session["id"]
        for problem in session["problems"]:
            if problem["status"] != "unanswered":
                continue
            body = {"problem_id": problem["problem_id"]}
            if problem["hints_available"] > problem["hints_used"]:
                self._call(
                    "POST", f"/api/v1/sessions/{sid}/hints/", "POST /sessions/{id}/hints/", body
                )
            self._call(
                "POST",
                f"/api/v1/sessions/{sid}/answers/",
                "POST /sessions/{id}/answers/",
                # A final answer every time (a letter for multiple choice: "1" would be read
                # as an option's text there), so every session completes.
                {
                    **body,
                    "answer": "A" if problem["answer_type"] == "multiple_choice" else "1",
                    "time_spent_seconds": 30,
                },
            )
        self._call("GET", f"/api/v1/sessions/{sid}/", "GET /sessions/{id}/")
        self._call("GET", "/api/v1/streak/", "GET /streak/")
        self._call("GET", "/api/v1/progress/", "GET /progress/")
        self._call("GET", "/api/v1/sessions/", "GET /sessions/")


class NewStudent(Student):
    cohort = "new"

    def telegram_id(self) -> int:
        return next(NEW_IDS)


class Veteran(Student):
    cohort = "veteran"

    def telegram_id(self) -> int:
        return next(VETERANS)
