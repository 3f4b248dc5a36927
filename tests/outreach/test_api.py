"""POST /api/v1/guardian-code/: the signed-in student's one-time code for a guardian."""

import datetime as dt

import pytest
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from rest_framework.test import APIClient

from apps.outreach import domain
from apps.outreach.models import LinkCode
from apps.students.domain import SHARED_DEMO_TELEGRAM_ID
from tests.practice.helpers import client_for
from tests.students.factories import StudentFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/guardian-code/"


def test_student_gets_a_code_and_its_expiry(settings, django_assert_num_queries):
    settings.GUARDIAN_CODE_TTL_HOURS = 24
    student = StudentFactory.create()
    client = client_for(student)
    before = timezone.now()
    with django_assert_num_queries(7):  # token, then savepoints, delete, insert
        response = client.post(URL)
    assert response.status_code == 201, response.content
    assert response["Cache-Control"] == "no-store"
    body = response.json()
    assert set(body) == {"code", "expires_at"}
    assert domain.link_code_normalise(body["code"]) == body["code"]
    expires = parse_datetime(body["expires_at"])
    assert expires is not None
    assert before + dt.timedelta(hours=24) <= expires <= timezone.now() + dt.timedelta(hours=24)
    assert LinkCode.objects.get(student=student).code == body["code"]

    again = client.post(URL).json()  # a new code replaces the unused one
    assert again["code"] != body["code"]
    assert list(LinkCode.objects.values_list("code", flat=True)) == [again["code"]]


@pytest.mark.parametrize("header", [None, "Bearer nonsense", "Api-Key abc"])
def test_signing_in_is_required(header):
    client = APIClient()
    if header:
        client.credentials(HTTP_AUTHORIZATION=header)
    response = client.post(URL)
    assert response.status_code == 401
    assert response.json()["error"]["code"] in {"not_authenticated", "authentication_failed"}
    assert not LinkCode.objects.exists()


def test_other_methods_are_refused():
    client = client_for(StudentFactory.create())
    assert client.get(URL).status_code == 405
    assert not LinkCode.objects.exists()


def test_demo_student_gets_no_code():
    demo = StudentFactory.create(telegram_id=SHARED_DEMO_TELEGRAM_ID)
    response = client_for(demo).post(URL)
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "demo_student"
    assert not LinkCode.objects.exists()


def test_endpoint_is_documented_in_the_schema(client):
    schema = client.get("/api/schema/?format=json").json()
    operation = schema["paths"]["/api/v1/guardian-code/"]["post"]
    assert operation["operationId"] == "guardian_code_issue"
    assert {"studentToken": []} in operation["security"]
    created = operation["responses"]["201"]["content"]["application/json"]["schema"]["$ref"]
    name = created.rsplit("/", 1)[-1]
    assert set(schema["components"]["schemas"][name]["properties"]) == {"code", "expires_at"}
    assert {"401", "409"} <= set(operation["responses"])
