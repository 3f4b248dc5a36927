"""The outside security review's findings (issue "Hardening II"), each as a regression test at
the level it was found: requests against the running stack."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client
from rest_framework.test import APIClient

from apps.content.models import Problem
from apps.content.spreadsheet import COLUMNS
from apps.students.services import service_key_create
from tests.content.sheets import csv_bytes, problem_row
from tests.practice.helpers import client_for, make_library, new_student, right_answer
from tests.telegram_signing import signed_init_data

pytestmark = pytest.mark.django_db

BOT_TOKEN = "123456:TEST-bot-token"
CLOSED_CACHE = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
    }
}


@pytest.fixture(autouse=True)
def _bot(settings):
    settings.TELEGRAM_BOT_TOKEN = BOT_TOKEN


def _telegram(client: APIClient, user: dict | str):
    return client.post(
        "/api/v1/auth/telegram/",
        {"init_data": signed_init_data(user, BOT_TOKEN)},
        format="json",
    )


# 2. A cache outage degrades the throttles instead of breaking sign-in and hints.


def test_with_redis_down_the_whole_student_flow_works_and_health_says_degraded(settings):
    make_library()
    settings.CACHES = CLOSED_CACHE
    api = APIClient()
    signed = _telegram(api, {"id": 77, "first_name": "Rupa"})
    assert signed.status_code == 200, signed.content
    _, key = service_key_create(name="bot")
    bot = APIClient()
    bot.credentials(HTTP_AUTHORIZATION=f"Api-Key {key}")
    assert bot.post("/api/v1/auth/bot/", {"telegram_id": 78}, format="json").status_code == 200
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {signed.json()['token']}")
    assert client.patch("/api/v1/me/", {"grade": 7}, format="json").status_code == 200
    session = client.post("/api/v1/sessions/").json()
    with_hints = next(p["problem_id"] for p in session["problems"] if p["hints_available"])
    hint = client.post(
        f"/api/v1/sessions/{session['id']}/hints/", {"problem_id": with_hints}, format="json"
    )
    assert hint.status_code == 200, hint.content
    for problem in session["problems"]:
        pid = problem["problem_id"]
        answer = client.post(
            f"/api/v1/sessions/{session['id']}/answers/",
            {"problem_id": pid, "answer": right_answer(pid)},
            format="json",
        )
        assert answer.status_code == 200
    assert answer.json()["session_status"] == "completed"
    assert client.get("/api/v1/streak/").json()["current_streak"] == 1
    health = Client().get("/healthz")
    assert health.status_code == 200 and health.json()["status"] == "degraded"


def test_with_redis_down_sign_in_is_still_throttled_per_process(settings):
    settings.CACHES = CLOSED_CACHE
    settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "auth": "3/minute"}
    api = APIClient()
    codes = [_telegram(api, {"id": 90 + n, "first_name": "X"}).status_code for n in range(4)]
    assert codes == [200, 200, 200, 429]


# 3. X-Forwarded-For cannot buy an attacker a fresh throttle.


def test_a_forged_forwarded_for_header_does_not_escape_the_sign_in_throttle():
    api = APIClient()
    codes = [
        api.post(
            "/api/v1/auth/telegram/",
            {"init_data": "user=x&hash=0"},
            format="json",
            HTTP_X_FORWARDED_FOR=f"198.51.100.{n}",
        ).status_code
        for n in range(35)
    ]
    assert codes[:30] == [401] * 30 and set(codes[30:]) == {429}


def test_behind_one_trusted_proxy_the_client_is_the_address_it_appended(settings):
    settings.NUM_PROXIES = 1
    settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "auth": "2/minute"}
    api = APIClient()

    def sign_in(forwarded: str) -> int:
        return api.post(
            "/api/v1/auth/telegram/",
            {"init_data": "user=x&hash=0"},
            format="json",
            HTTP_X_FORWARDED_FOR=forwarded,
        ).status_code

    # The client may write anything first; the proxy's appended address is what counts.
    assert [sign_in(f"10.0.0.{n}, 203.0.113.5") for n in range(3)] == [401, 401, 429]
    assert sign_in("203.0.113.6") == 401  # another real client


# 5. Nested or huge bodies get the API's 400/413, never a 500.


@pytest.mark.parametrize("path", ["/api/v1/auth/telegram/", "/api/v1/me/"])
def test_deeply_nested_json_is_refused_with_the_api_error(path):
    student = new_student()
    client = client_for(student)
    body = "[" * 3000 + "]" * 3000
    method = client.patch if path.endswith("me/") else client.post
    response = method(path, body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "malformed_request"


def test_a_body_over_the_limit_gets_a_json_413(settings):
    response = APIClient().post(
        "/api/v1/auth/telegram/",
        json.dumps({"init_data": "x" * (settings.API_MAX_BODY_BYTES + 10)}),
        content_type="application/json",
    )
    assert response.status_code == 413
    assert response["Content-Type"] == "application/json"
    assert response.json()["error"]["code"] == "payload_too_large"


# 6 and 7. Imports have limits checked before the heavy work, and never show a traceback.


def _zip_bomb() -> bytes:
    """A valid-looking .xlsx whose sheet unpacks to 60 MB (it compresses to about 60 KB)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", "<row>" + "A" * 60_000_000 + "</row>")
    return out.getvalue()


def test_a_zip_bomb_and_a_50_mb_csv_are_refused_by_the_command(tmp_path, topics):
    bomb = tmp_path / "bomb.xlsx"
    bomb.write_bytes(_zip_bomb())
    with pytest.raises(CommandError) as refused:
        call_command("import_problems", str(bomb))
    assert "Nothing was imported" in str(refused.value)
    huge = tmp_path / "huge.csv"
    huge.write_bytes(csv_bytes([problem_row()]) + b"x" * 50_000_000)
    with pytest.raises(CommandError):
        call_command("import_problems", str(huge))
    assert not Problem.objects.exists()


def test_a_zip_bomb_and_a_50_mb_csv_are_refused_plainly_in_the_admin(admin_client, topics):
    for name, data, words in (
        ("bomb.xlsx", _zip_bomb(), "unpacks to 60 MB"),
        ("huge.csv", b"code\n" + b"x" * 50_000_000, "at most 5.0 MB"),
    ):
        page = admin_client.post(
            "/admin/content/problem/import/",
            {
                "import_file": SimpleUploadedFile(name, data),
                "format": "1" if name.endswith("xlsx") else "0",
                "resource": "0",
            },
        ).content.decode()
        assert words in page and "Traceback" not in page
    assert not Problem.objects.exists()


def test_a_nul_byte_in_a_cell_is_named_by_row_and_column_without_a_traceback(
    admin_client, topics, settings
):
    settings.DEBUG = False
    rows = [problem_row("g6-integers-90"), problem_row("g6-integers-91", question_en="Q\x00?")]
    page = admin_client.post(
        "/admin/content/problem/import/",
        {"import_file": SimpleUploadedFile("nul.csv", csv_bytes(rows)), "format": "0"},
    ).content.decode()
    assert "<td>3</td><td>question_en</td><td>This cell contains a NUL character" in page
    assert "Traceback" not in page and "current transaction" not in page


def _admin_import(client: Client, data: bytes):
    page = client.post(
        "/admin/content/problem/import/",
        {"import_file": SimpleUploadedFile("batch.csv", data), "format": "0", "resource": "0"},
    ).content.decode()
    assert "Traceback" not in page
    return page


# 9. Import messages say exactly what is wrong, and nothing else.


def test_a_header_error_is_reported_alone_without_row_lines(admin_client, topics):
    rows = [problem_row("g6-integers-90"), problem_row("g6-integers-91")]
    columns = [c for c in problem_row() if c != "question_bn"]
    page = _admin_import(admin_client, csv_bytes(rows, columns=columns))
    assert "lacks the column(s): question_bn" in page
    assert "<td>2</td><td></td>" not in page and "row 2: 1" not in page


def test_a_row_wider_than_its_header_names_the_row(admin_client, topics):
    data = csv_bytes([problem_row("g6-integers-90")]).rstrip(b"\r\n") + b",extra,cells\r\n"
    page = _admin_import(admin_client, data)
    columns = len(COLUMNS)
    assert f"Row 2 has {columns + 2} cells but the header row names only {columns} columns" in page
    assert "cannot read the file as CSV: <" not in page
    assert not Problem.objects.exists()


# 8. Signed but odd initData values are bad input (401), not a 500.


@pytest.mark.parametrize(
    "user",
    [
        '{"id": 9223372036854775808, "first_name": "Big"}',  # 2**63
        '{"id": 18446744073709551616, "first_name": "Bigger"}',  # 2**64
        '{"id": true, "first_name": "Bool"}',
        '{"id": 1.9, "first_name": "Float"}',
        '{"id": "12", "first_name": "Text"}',
        '{"id": 5, "first_name": "Nul\\u0000"}',
        '{"id": 6, "first_name": "Half\\ud800"}',
        '[{"id": 7}]',
    ],
    ids=["2^63", "2^64", "true", "1.9", "string", "nul", "surrogate", "not-an-object"],
)
def test_signed_but_odd_initdata_is_refused_as_401(user):
    response = _telegram(APIClient(), user)
    assert response.status_code == 401
    error = response.json()["error"]
    assert error["code"] == "authentication_failed"
    assert error["details"] == {}  # nothing about which check failed


# 10 and 11. Input the schema forbids is refused; small leaks are closed.


def test_inputs_the_schema_forbids_are_400():
    make_library()
    client = client_for(new_student())
    assert client.patch("/api/v1/me/", {"name": 0}, format="json").status_code == 400
    assert client.patch("/api/v1/me/", {"name": "\u200b"}, format="json").status_code == 400
    session = client.post("/api/v1/sessions/").json()
    answer = client.post(
        f"/api/v1/sessions/{session['id']}/answers/",
        {"problem_id": session["problems"][0]["problem_id"], "answer": 0},
        format="json",
    )
    assert answer.status_code == 400 and "answer" in answer.json()["error"]["details"]["fields"]
    for value in ("null", "0", "101", "-1"):
        page = client.get(f"/api/v1/sessions/?page_size={value}")
        assert page.status_code == 400
        assert "page_size" in page.json()["error"]["details"]["fields"]


def test_no_hint_after_the_problem_is_answered():
    make_library()
    client = client_for(new_student())
    session = client.post("/api/v1/sessions/").json()
    pid = session["problems"][0]["problem_id"]
    client.post(
        f"/api/v1/sessions/{session['id']}/answers/",
        {"problem_id": pid, "answer": right_answer(pid)},
        format="json",
    )
    hint = client.post(
        f"/api/v1/sessions/{session['id']}/hints/", {"problem_id": pid}, format="json"
    )
    assert hint.status_code == 409 and hint.json()["error"]["code"] == "already_answered"


def test_sign_in_responses_are_never_cached_and_pages_carry_a_csp():
    response = _telegram(APIClient(), {"id": 55, "first_name": "Anik"})
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    for url in ("/admin/login/", "/api/docs/", "/api/v1/me/"):
        policy = Client().get(url)["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy


def test_repeated_wrong_admin_passwords_lock_that_login(settings):
    settings.AXES_FAILURE_LIMIT = 5
    User.objects.create_superuser("boss", password="the-right-password-1")
    browser = Client()
    codes = [
        browser.post("/admin/login/", {"username": "boss", "password": f"guess-{n}"}).status_code
        for n in range(6)
    ]
    assert codes[:4] == [200] * 4 and codes[-1] == 429
    locked = browser.post("/admin/login/", {"username": "boss", "password": "the-right-password-1"})
    assert locked.status_code == 429  # even the right password waits out the lockout
    other = Client(REMOTE_ADDR="192.0.2.9")
    assert (
        other.post(
            "/admin/login/", {"username": "boss", "password": "the-right-password-1"}
        ).status_code
        == 302
    )  # the lockout is this username from that address
