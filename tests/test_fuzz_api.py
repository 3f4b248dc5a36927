"""Fuzzing: schemathesis generates requests from the published OpenAPI schema and sends them to
the real application (in-process WSGI) as a signed-in student. No response may be a 500, and
every response must conform to the schema (status code, content type, body).

schemathesis' own pytest plugin does not run under pytest 9 yet, so each operation is driven
here with its hypothesis strategy (`operation.as_strategy()`).
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from schemathesis.core.result import Ok

from apps.students.services import token_issue
from tests.practice.helpers import client_for, make_library, new_student

# Bounded so CI stays fast; raise FUZZ_EXAMPLES for a longer local run.
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "30"))


def _schema() -> schemathesis.BaseSchema:
    from dars.wsgi import application

    return schemathesis.openapi.from_wsgi("/api/schema/?format=json", application)


OPERATIONS = [result.ok() for result in _schema().get_all_operations() if isinstance(result, Ok)]


@pytest.fixture
def student_token(db) -> Iterator[str]:
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


@pytest.mark.parametrize("operation", OPERATIONS, ids=[op.label for op in OPERATIONS])
def test_api_never_errors_and_matches_its_schema(operation, student_token, settings):
    settings.THROTTLE_RATES = {}  # the fuzzer's bursts must reach the views
    headers = {"Authorization": f"Bearer {student_token}"}
    excluded = []
    if operation.path.startswith("/api/v1/auth/bot/"):
        headers = {}  # no service key: the documented 401 is what must come back
    if operation.path.startswith("/api/v1/auth/telegram/"):
        # A schema-valid init_data cannot carry a valid signature: 401 is the right answer.
        excluded = [schemathesis.checks.positive_data_acceptance]

    @hypothesis_settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )
    @given(data=st.data())
    def run(data: st.DataObject) -> None:
        case = data.draw(operation.as_strategy())
        case.call_and_validate(headers=headers, excluded_checks=excluded)

    run()
