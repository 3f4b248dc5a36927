"""Sign-in (Telegram Mini App and bot), tokens and the profile, through the real HTTP stack."""

from __future__ import annotations

import datetime as dt
import json
import time
from urllib.parse import urlencode

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from apps.students.models import ServiceAPIKey, Student, StudentToken
from apps.students.services import service_key_create
from apps.students.telegram import sign
from tests.students.factories import StudentFactory

pytestmark = pytest.mark.django_db

BOT_TOKEN = "123456:TEST-bot-token"


@pytest.fixture(autouse=True)
def _bot_token(settings):
    settings.TELEGRAM_BOT_TOKEN = BOT_TOKEN


def init_data(
    user_id: int = 42, *, auth_date: int | None = None, token: str = BOT_TOKEN, **extra: str
) -> str:
    fields = {
        "query_id": "AAHdF6IQAAAAAN0XohDhrOrc",
        "user": json.dumps(
            {"id": user_id, "first_name": "Nusrat", "last_name": "Jahan", "language_code": "bn"},
            ensure_ascii=False,
        ),
        "auth_date": str(auth_date if auth_date is not None else int(time.time())),
        **extra,
    }
    fields["hash"] = sign(fields, token)
    return urlencode(fields)


def _telegram(client: APIClient, data: str):
    return client.post("/api/v1/auth/telegram/", {"init_data": data}, format="json")


def test_first_telegram_sign_in_creates_an_unregistered_student():
    response = _telegram(APIClient(), init_data(42))
    assert response.status_code == 200
    body = response.json()
    assert body["registered"] is False and body["token"]
    assert body["student"]["name"] == "Nusrat Jahan" and body["student"]["grade"] is None
    assert body["student"]["language"] == "bn" and body["student"]["timezone"] == "Asia/Dhaka"
    student = Student.objects.get(telegram_id=42)
    token = StudentToken.objects.get(student=student)
    assert token.key_hash != body["token"]  # only the hash is stored
    assert dt.datetime.fromisoformat(body["expires_at"]) == token.expires_at


def test_second_sign_in_finds_the_same_student_and_keeps_its_name():
    first = _telegram(APIClient(), init_data(42)).json()
    Student.objects.filter(telegram_id=42).update(name="Nusrat J.")
    second = _telegram(APIClient(), init_data(42)).json()
    assert first["student"]["id"] == second["student"]["id"]
    assert second["student"]["name"] == "Nusrat J."
    assert first["token"] != second["token"]
    assert Student.objects.count() == 1


@pytest.mark.parametrize(
    "data",
    [
        init_data(42, token="999:another-bot"),  # signed by another bot
        init_data(42).replace("Nusrat", "Karim"),  # tampered after signing
        init_data(42, auth_date=int(time.time()) - 25 * 3600),  # older than 24 h
        init_data(42, auth_date=int(time.time()) + 3600),  # from the future
        init_data(42).split("&hash=")[0],  # no hash
        init_data(42) + "&auth_date=1",  # a repeated field
        "not a query string at all",
        "",
    ],
    ids=["forged", "tampered", "stale", "future", "unsigned", "repeated", "garbage", "empty"],
)
def test_forged_or_stale_init_data_is_refused_and_creates_nothing(data):
    response = _telegram(APIClient(), data)
    assert response.status_code in (400, 401)
    assert response.json()["error"]["code"] in ("authentication_failed", "invalid")
    assert Student.objects.count() == 0 and StudentToken.objects.count() == 0


def test_max_age_is_configurable(settings):
    settings.TELEGRAM_AUTH_MAX_AGE_SECONDS = 60
    assert (
        _telegram(APIClient(), init_data(42, auth_date=int(time.time()) - 120)).status_code == 401
    )
    assert _telegram(APIClient(), init_data(42, auth_date=int(time.time()) - 30)).status_code == 200


def test_sign_in_is_throttled(settings):
    settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "auth": "3/minute"}
    client = APIClient()
    codes = [_telegram(client, init_data(42)).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]


def _bot_client() -> APIClient:
    _, raw = service_key_create(name="test bot")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {raw}")
    return client


def test_bot_sign_in_with_an_api_key():
    client = _bot_client()
    body = client.post(
        "/api/v1/auth/bot/", {"telegram_id": 777, "name": "রহিম"}, format="json"
    ).json()
    assert body["student"]["telegram_id"] == 777 and body["student"]["name"] == "রহিম"
    me = APIClient()
    me.credentials(HTTP_AUTHORIZATION=f"Bearer {body['token']}")
    assert me.get("/api/v1/me/").json()["telegram_id"] == 777
    assert ServiceAPIKey.objects.get().last_used_at is not None


@pytest.mark.parametrize("header", ["", "Api-Key wrong.key", "Api-Key", "Bearer something"])
def test_bot_sign_in_refuses_missing_or_wrong_keys(header):
    client = APIClient()
    if header:
        client.credentials(HTTP_AUTHORIZATION=header)
    response = client.post("/api/v1/auth/bot/", {"telegram_id": 777}, format="json")
    assert response.status_code == 401
    assert Student.objects.count() == 0


def test_a_revoked_api_key_is_refused():
    client = _bot_client()
    ServiceAPIKey.objects.update(revoked_at=timezone.now())
    assert client.post("/api/v1/auth/bot/", {"telegram_id": 5}, format="json").status_code == 401


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "telegram_id"),
        ({"telegram_id": 0}, "telegram_id"),
        ({"telegram_id": "abc"}, "telegram_id"),
    ],
)
def test_bot_sign_in_validates_fields(body, field):
    response = _bot_client().post("/api/v1/auth/bot/", body, format="json")
    assert response.status_code == 400
    assert field in response.json()["error"]["details"]["fields"]


def _signed_in(**fields) -> tuple[APIClient, Student]:
    from tests.practice.helpers import client_for

    student = StudentFactory.create(**fields)
    return client_for(student), student


def test_registration_sets_grade_language_name_and_timezone():
    client, student = _signed_in(grade=None)
    assert client.get("/api/v1/me/").json()["registered"] is False
    response = client.patch(
        "/api/v1/me/",
        {"grade": 8, "language": "en", "name": "Tanvir", "timezone": "Asia/Kolkata"},
        format="json",
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["grade"], body["language"], body["name"], body["timezone"]) == (
        8,
        "en",
        "Tanvir",
        "Asia/Kolkata",
    )
    assert body["registered"] is True
    student.refresh_from_db()
    assert student.grade == 8


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"grade": 9}, "grade"),
        ({"grade": None}, "grade"),
        ({"language": "fr"}, "language"),
        ({"timezone": "Mars/Olympus"}, "timezone"),
        ({"name": "   "}, "name"),
        ({"name": "x" * 101}, "name"),
        # the limit holds for the text as sent (the schema's maxLength), before trimming
        ({"name": "\f" + "x" * 100}, "name"),
        ({"name": " " + "x" * 99 + " "}, "name"),
        ({"telegram_id": 1}, "telegram_id"),
        ({"registered": True}, "registered"),
    ],
)
def test_profile_changes_are_validated_per_field_and_write_nothing(body, field):
    client, student = _signed_in(grade=6, language="bn")
    response = client.patch("/api/v1/me/", body, format="json")
    assert response.status_code == 400
    error = response.json()["error"]
    assert field in error["details"]["fields"]
    assert error["message"] == "কিছু তথ্য সঠিক নয়।"
    student.refresh_from_db()
    assert (student.grade, student.language) == (6, "bn")


def test_tokens_expire_and_can_be_revoked():
    client, student = _signed_in()
    assert client.get("/api/v1/me/").status_code == 200
    assert client.delete("/api/v1/auth/token/").status_code == 204
    assert client.get("/api/v1/me/").status_code == 401

    client, student = _signed_in()
    StudentToken.objects.filter(student=student).update(expires_at=timezone.now())
    response = client.get("/api/v1/me/")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "authentication_failed"
