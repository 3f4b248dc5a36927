"""Fuzzing the API from its published OpenAPI schema, against the real application (in-process
WSGI) as a signed-in student, with every schemathesis check (`all`): no 500s, every response
conforms to the schema, data the schema forbids is refused, data it allows is accepted.

- Per operation, deterministic: schemathesis' coverage phase, every boundary and every kind
  of violation of every field (wrong type, null, out of range, too long, missing, extra).
- Per operation, random: schema-valid and schema-invalid requests (hypothesis).
- Stateful: a live session walked through the schema's own OpenAPI links (apps/practice/
  openapi.py), so answers and hints reach real session and problem ids.
- A hostile-body corpus (nesting, size, NUL, surrogates, huge numbers, wrong types) sent to
  every operation that takes a body or a query.

schemathesis' own pytest plugin does not run under pytest 9 yet, so operations are driven here
with their hypothesis strategies (`operation.as_strategy()`) and the state machine's `run()`.
Bounded for CI; raise FUZZ_EXAMPLES / FUZZ_STEPS for a longer local run.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from hypothesis.errors import FlakyStrategyDefinition
from schemathesis import GenerationMode
from schemathesis.core.result import Ok

from apps.practice.services import session_start
from apps.students.services import token_issue
from tests.practice.helpers import client_for, make_library, new_student

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "30"))
STATEFUL_SCENARIOS = int(os.environ.get("FUZZ_SCENARIOS", "40"))
STATEFUL_STEPS = int(os.environ.get("FUZZ_STEPS", "12"))


def _schema() -> schemathesis.BaseSchema:
    from dars.wsgi import application

    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", application)
    schema.config.generation.update(
        modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE],
        # The bearer token is ours to send (below); generating it would only test schemathesis.
        with_security_parameters=False,
    )
    return schema


SCHEMA = _schema()
OPERATIONS = [result.ok() for result in SCHEMA.get_all_operations() if isinstance(result, Ok)]


@pytest.fixture
def student_token(db, settings) -> Iterator[str]:
    settings.THROTTLE_RATES = {}  # the fuzzer's bursts must reach the views
    make_library()
    student = new_student()
    client_for(student).post("/api/v1/sessions/")  # an open session for the session endpoints
    token, _ = token_issue(student=student, via="bot")
    # Requests go straight to the WSGI app, whose request signals would close the test's
    # database connection; Django's own test client disconnects them the same way.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield token
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def _excluded_checks(path: str) -> list:
    if path.startswith("/api/v1/auth/telegram/"):
        # A schema-valid init_data cannot carry a valid signature: 401 is the right answer.
        return [schemathesis.checks.positive_data_acceptance]
    return []


def _headers(path: str, token: str) -> dict[str, str]:
    if path.startswith("/api/v1/auth/bot/"):
        return {}  # no service key: the documented 401 is what must come back
    return {"Authorization": f"Bearer {token}"}


def _prepare(case: Any, token: str) -> tuple[dict[str, str], list]:
    """The headers and the checks to skip for one generated case.

    Session operations get a live session of a new student, and the body the id of one of that
    session's problems, so what is exercised is the rest of the request (a random session id
    would only ever meet a 404).
    """
    headers = _headers(case.path, token)
    excluded = _excluded_checks(case.path)
    if "{session_id}" not in case.path:
        return headers, excluded
    headers, session_id, problem_id = _fresh_session()
    replaced: set[str] = set()
    path_is_the_test = case.meta is not None and any(
        location.name == "PATH" and component.mode.is_negative
        for location, component in case.meta.components.items()
    )
    if not path_is_the_test:
        case.path_parameters = {**(case.path_parameters or {}), "session_id": session_id}
        replaced.add("PATH")
    if isinstance(case.body, dict) and "problem_id" in case.body:
        case.body["problem_id"] = problem_id
    if not _still_negative(case, replaced=frozenset(replaced)):
        excluded.append(schemathesis.checks.negative_data_rejection)
    return headers, excluded


def _fresh_session() -> tuple[dict[str, str], int, int]:
    # Through the service, not Django's test client: the client would reconnect the request
    # signals the `student_token` fixture disconnected (and PostgreSQL would lose the test's
    # connection on the next request).
    student = new_student()
    session = session_start(student=student).session
    token, _ = token_issue(student=student, via="bot")
    first = session.session_problems.order_by("position").first()
    assert first is not None
    return {"Authorization": f"Bearer {token}"}, session.pk, first.problem_id


@pytest.mark.parametrize("operation", OPERATIONS, ids=[op.label for op in OPERATIONS])
def test_every_boundary_and_type_violation_is_refused(operation, student_token):
    """schemathesis' coverage phase: deterministic cases at every boundary of every field,
    valid and invalid (wrong types, null, out of range, too long, missing, extra)."""
    config = SCHEMA.config.generation_for(operation=operation, phase="coverage")
    cases = SCHEMA.iter_coverage_cases(
        operation, generation_modes=list(GenerationMode), generation_config=config
    )
    count = 0
    for case in cases:
        headers, excluded = _prepare(case, student_token)
        case.call_and_validate(headers=headers, excluded_checks=excluded)
        count += 1
    print(f"coverage: {operation.label}: {count} requests")
    assert count > 0


@pytest.mark.parametrize("operation", OPERATIONS, ids=[op.label for op in OPERATIONS])
def test_api_never_errors_and_matches_its_schema(operation, student_token):
    """Random valid and invalid requests (hypothesis), every check."""

    @hypothesis_settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(data=st.data())
    def run(data: st.DataObject) -> None:
        mode = data.draw(st.sampled_from(GenerationMode))
        case = data.draw(operation.as_strategy(generation_mode=mode))
        headers, excluded = _prepare(case, student_token)
        case.call_and_validate(headers=headers, excluded_checks=excluded)

    run()


def test_a_live_session_walked_through_the_schema_links(student_token):
    """Stateful: start a session, then answer and ask hints with the ids it returned."""
    calls: Counter[tuple[str, int]] = Counter()
    failures: list[Exception] = []

    class Workflow(SCHEMA.as_state_machine()):  # type: ignore[misc]
        def setup(self) -> None:
            # Each scenario is a new student, so a replayed scenario meets the same state
            # (hypothesis requires it) and sessions do not pile up across scenarios.
            super().setup()
            self.token, _ = token_issue(student=new_student(), via="bot")

        def get_call_kwargs(self, case: Any) -> dict[str, Any]:
            return {"headers": _headers(case.path, self.token)}

        def after_call(self, response: Any, case: Any) -> None:
            super().after_call(response, case)
            calls[(f"{case.method} {case.path}", response.status_code)] += 1

        def validate_response(self, response: Any, case: Any, **kwargs: Any) -> None:
            excluded = _excluded_checks(case.path)
            if not _still_negative(case):
                excluded.append(schemathesis.checks.negative_data_rejection)
            if _error_code(response) == "problem_not_in_session":
                # The documented 404 for a problem_id the link did not fill in: the session
                # itself (the resource the check means) exists.
                excluded.append(schemathesis.checks.ensure_resource_availability)
            try:
                case.validate_response(
                    response,
                    excluded_checks=excluded,
                    headers=self.get_call_kwargs(case)["headers"],
                    recorder=self.recorder,
                )
            except Exception as failure:
                failures.append(failure)
                raise

    # The scenarios replay against a live API whose answers are not a pure function of
    # hypothesis' draws (schemathesis follows links with true randomness), so hypothesis may
    # stop a run as FlakyStrategyDefinition. As schemathesis' own engine does, that ends the
    # run without hiding anything: every check failure is recorded above as it happens.
    interrupted = 0
    for _ in range(3):
        try:
            Workflow.run(
                settings=hypothesis_settings(
                    max_examples=STATEFUL_SCENARIOS,
                    stateful_step_count=STATEFUL_STEPS,
                    deadline=None,
                    database=None,
                    suppress_health_check=list(HealthCheck),
                )
            )
            break
        except FlakyStrategyDefinition:
            interrupted += 1
            if failures:
                raise failures[0] from None
    assert failures == []
    total = sum(calls.values())
    print(f"stateful fuzz: {total} requests ({interrupted} runs cut short)", dict(calls))
    # The links did their job: real session ids reached answers and hints.
    assert calls[("POST /api/v1/sessions/{session_id}/answers/", 200)] > 0, calls
    assert calls[("POST /api/v1/sessions/{session_id}/hints/", 200)] > 0, calls


def _error_code(response: Any) -> str | None:
    try:
        return response.json()["error"]["code"]
    except (ValueError, KeyError, TypeError):
        return None


def _still_negative(case: Any, replaced: frozenset[str] = frozenset()) -> bool:
    """Whether a case generated to violate the schema still does after the link step.

    A link writes the real `problem_id` over the generated body (that is its job); when that
    was the one invalid value, the request the server receives is valid, and schemathesis'
    case metadata does not know it. Checked against the operation's own body schema; the
    `replaced` locations (e.g. "PATH") were overwritten with real values by the test.
    """
    meta = case.meta
    if meta is None or not meta.generation.mode.is_negative:
        return False
    for location, component in meta.components.items():
        if not component.mode.is_negative or location.name in replaced:
            continue
        bodies = list(case.operation.body)
        if (
            location.name == "BODY"
            and isinstance(case.body, dict)
            and bodies
            and bodies[0].is_valid(case.body)
        ):
            continue
        return True
    return False


# --- hostile bodies ------------------------------------------------------------------------

HOSTILE_BODIES: dict[str, bytes] = {
    "nested-arrays": b"[" * 5000 + b"]" * 5000,
    "nested-objects": b'{"a":' * 3000 + b"1" + b"}" * 3000,
    "oversized": b'{"x": "' + b"a" * 200_000 + b'"}',
    "nul": json.dumps({"name": "a\x00b", "answer": "\x00", "problem_id": "\x00"}).encode(),
    "lone-surrogate": b'{"name": "\\ud800", "answer": "\\udfff", "init_data": "\\ud800"}',
    "invalid-utf8": b'{"name": "\xff\xfe"}',
    "huge-numbers": b'{"problem_id": 1e400, "telegram_id": 18446744073709551616, "grade": 1e309}',
    "negative-numbers": b'{"problem_id": -9223372036854775809, "telegram_id": -1, "grade": -7}',
    "wrong-types": b'{"problem_id": [1], "answer": {"a": 1}, "name": true, "grade": "seven", '
    b'"init_data": 5, "telegram_id": "1", "confidence": 9, "language": [], "timezone": {}}',
    "nulls": b'{"problem_id": null, "answer": null, "name": null, "grade": null}',
    "not-json": b"{'python': 'dict'}",
    "top-level-scalar": b"42",
    "top-level-array": b"[]",
    "empty": b"",
}
HOSTILE_QUERIES = [
    "page_size=1e400",
    "page_size=-0",
    "page=99999999999999999999",
    "page=last",
    "page=%00",
    "page=%ED%A0%80",  # a UTF-8-encoded surrogate
    "page_size[]=1",
]


def _concrete(path: str, session_id: int) -> str:
    return path.replace("{session_id}", str(session_id))


@pytest.mark.parametrize("name", list(HOSTILE_BODIES))
def test_hostile_bodies_are_refused_cleanly_by_every_operation(name, student_token):
    body = HOSTILE_BODIES[name]
    session_id = client_for_token(student_token).get("/api/v1/sessions/").json()["results"][0]["id"]
    for operation in OPERATIONS:
        if operation.method.upper() not in {"POST", "PATCH", "PUT"}:
            continue
        response = Client().generic(
            operation.method.upper(),
            _concrete(operation.path, session_id),
            body,
            content_type="application/json",
            HTTP_AUTHORIZATION=_headers(operation.path, student_token).get("Authorization", ""),
        )
        label = f"{operation.label} with {name}"
        assert response.status_code < 500, label
        assert response["Content-Type"] == "application/json", label
        takes_body = bool(list(operation.body))
        if not takes_body or (name == "empty" and operation.method.upper() == "PATCH"):
            continue  # a body the operation does not read (or an empty change) is ignored
        assert response.status_code in {400, 401, 409, 413}, (label, response.status_code)
        assert set(response.json()["error"]) == {"code", "message", "details"}, label


@pytest.mark.parametrize("query", HOSTILE_QUERIES)
def test_hostile_queries_are_refused_cleanly_by_every_read(query, student_token):
    for operation in OPERATIONS:
        if operation.method.upper() != "GET" or "{" in operation.path:
            continue
        response = Client().get(
            f"{operation.path}?{query}", HTTP_AUTHORIZATION=f"Bearer {student_token}"
        )
        assert response.status_code in {200, 400, 404}, (
            operation.label,
            query,
            response.status_code,
        )
        assert response["Content-Type"] == "application/json"


def client_for_token(token: str) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}")
