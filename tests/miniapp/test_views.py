"""The Mini App page (/app/) through the real HTTP stack: what it carries (both languages'
strings, no token unless in the demo mode), who may use the demo mode, and the security
headers that let Telegram's web client, and only it, frame this page."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from apps.miniapp.strings import STRINGS, catalogue
from apps.miniapp.views import DEMO_TOKEN_COOKIE
from apps.students.domain import SHARED_DEMO_TELEGRAM_ID
from apps.students.models import Student, StudentToken
from apps.students.services import DEMO_TOKEN_MIN_LEFT

pytestmark = pytest.mark.django_db

APP_JS = Path(settings.BASE_DIR) / "apps/miniapp/static/miniapp/app.js"


class _Page(HTMLParser):
    """The page's scripts, style elements and style attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[dict[str, str | None]] = []
        self.styles = 0
        self.style_attributes = 0
        self.data: dict[str, str] = {}
        self._in: str | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if "style" in attributes:
            self.style_attributes += 1
        if tag == "style":
            self.styles += 1
        if tag == "script":
            self.scripts.append(attributes)
            self._in = attributes.get("id")

    def handle_data(self, data):
        if self._in:
            self.data[self._in] = self.data.get(self._in, "") + data

    def handle_endtag(self, tag):
        if tag == "script":
            self._in = None


def _page(response) -> _Page:
    page = _Page()
    page.feed(response.content.decode())
    return page


def _config(response) -> dict:
    return json.loads(_page(response).data["dars-config"])


def _staff(client: Client, **fields) -> User:
    user = User.objects.create_user("nasrin", password="pw-for-tests", is_staff=True, **fields)
    client.force_login(user)
    return user


def test_the_page_carries_its_strings_in_both_languages_and_no_token(client):
    response = client.get("/app/")

    assert response.status_code == 200
    page = _page(response)
    strings = json.loads(page.data["dars-strings"])
    assert set(strings) == {"en", "bn"}
    assert set(strings["en"]) == set(strings["bn"]) >= set(STRINGS)
    assert strings["en"]["check"] == "Check"
    assert strings["en"]["level_secure"] == "Secure" and strings["en"]["grade_7"] == "Grade 7"
    config = _config(response)
    assert config["demo"] is None and config["api"] == "/api/v1/"
    assert config["grades"] == [6, 7, 8]
    assert StudentToken.objects.count() == 0


def test_every_string_the_script_asks_for_is_in_the_catalogue():
    script = APP_JS.read_text()
    asked = set(re.findall(r"\bt\(\s*\"([a-z_]+)\"", script))
    templated = {
        f"{prefix}_{value}"
        for prefix in re.findall(r"\bt\(\s*`([a-z]+)_\$\{", script)
        for value in {
            "level": ["not_started", "developing", "consolidating", "secure"],
            "status": ["in_progress", "completed", "abandoned"],
            "grade": ["6", "7", "8"],
        }[prefix]
    }
    assert len(asked) > 50
    assert asked | templated <= set(catalogue()["en"]), (asked | templated) - set(catalogue()["en"])
    legend = set(re.findall(r'\["(?:practised|freeze|none)", "([a-z_]+)"', script))
    tabs = re.search(r"const TABS = \[([^\]]*)\]", script)
    assert tabs is not None
    asked_indirectly = legend | set(re.findall(r'"([a-z]+)"', tabs.group(1)))
    assert set(STRINGS) - asked - asked_indirectly == set()  # no message the page never shows


def test_the_page_runs_no_inline_script_or_style(client):
    page = _page(client.get("/app/"))
    for script in page.scripts:
        assert script.get("src") or script.get("type") == "application/json", script
    assert [s["src"] for s in page.scripts if s.get("src")] == ["/static/miniapp/app.js"]
    assert (page.styles, page.style_attributes) == (0, 0)
    assert "telegram.org" not in client.get("/app/").content.decode()  # nothing from a CDN


def test_only_the_mini_app_may_be_framed_and_only_by_telegrams_web_client(client):
    app = client.get("/app/")
    policy = app["Content-Security-Policy"]
    assert "frame-ancestors 'self' https://web.telegram.org" in policy
    assert "style-src 'self';" in f"{policy};" and "unsafe-inline" not in policy
    assert "script-src 'self'" in policy
    assert "X-Frame-Options" not in app
    assert "no-store" in app["Cache-Control"]
    for path in ("/admin/login/", "/api/docs/", "/api/v1/me/", "/healthz"):
        other = client.get(path)
        assert other["X-Frame-Options"] == "DENY", path
        assert "frame-ancestors 'none'" in other["Content-Security-Policy"], path


def test_a_signed_in_staff_member_practises_as_their_own_demo_student(client):
    user = _staff(client, first_name="Nasrin")

    response = client.get("/app/?demo=1")

    assert response.status_code == 200
    demo = _config(response)["demo"]
    assert demo["registered"] is False
    assert demo["student"]["telegram_id"] == -user.pk and demo["student"]["name"] == "Nasrin"
    assert "no-store" in response["Cache-Control"]
    api = Client()  # the token alone, as the page sends it: no session cookie
    me = api.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Bearer {demo['token']}")
    assert me.status_code == 200 and me.json()["id"] == demo["student"]["id"]
    assert Student.objects.get(pk=demo["student"]["id"]).demo_of == user
    again = _config(client.get("/app/?demo=1"))["demo"]
    assert again["student"]["id"] == demo["student"]["id"]


def test_the_demo_mode_uses_a_still_valid_token_again_on_every_load(client):
    user = _staff(client)

    first = client.get("/app/?demo=1")
    token = _config(first)["demo"]["token"]
    cookie = first.cookies[DEMO_TOKEN_COOKIE]
    assert cookie.value == token and cookie["httponly"] and cookie["path"] == "/app/"
    for _ in range(3):
        assert _config(client.get("/app/?demo=1"))["demo"]["token"] == token
    assert StudentToken.objects.count() == 1

    # Revoked, or about to expire: a new one, kept from then on.
    StudentToken.objects.update(revoked_at=timezone.now())
    renewed = _config(client.get("/app/?demo=1"))["demo"]["token"]
    assert renewed != token
    StudentToken.objects.filter(revoked_at=None).update(
        expires_at=timezone.now() + DEMO_TOKEN_MIN_LEFT - dt.timedelta(minutes=1)
    )
    latest = _config(client.get("/app/?demo=1"))["demo"]["token"]
    assert latest not in (token, renewed)
    assert _config(client.get("/app/?demo=1"))["demo"]["token"] == latest
    assert StudentToken.objects.count() == 3

    # Another staff member's browser with this cookie gets their own demo student's token.
    other = Client()
    other.force_login(User.objects.create_user("karim", password="pw-for-tests", is_staff=True))
    other.cookies[DEMO_TOKEN_COOKIE] = latest
    theirs = _config(other.get("/app/?demo=1"))["demo"]
    assert theirs["token"] != latest and theirs["student"]["telegram_id"] != -user.pk
    # That token signs in as their own demo student.
    me = Client().get("/api/v1/me/", HTTP_AUTHORIZATION=f"Bearer {theirs['token']}")
    assert me.json()["telegram_id"] == theirs["student"]["telegram_id"]


def test_the_staff_session_does_not_sign_in_to_the_api(client):
    _staff(client)
    client.get("/app/?demo=1")
    assert client.get("/api/v1/me/").status_code == 401  # the cookie alone is nobody


def test_an_anonymous_visitor_is_sent_to_sign_in_and_gets_no_demo_student(client, settings):
    settings.MINIAPP_OPEN_DEMO = False

    response = client.get("/app/?demo=1")

    assert response.status_code == 302
    assert response["Location"] == "/admin/login/?next=/app/%3Fdemo%3D1"
    assert Student.objects.count() == 0 and StudentToken.objects.count() == 0


def test_a_signed_in_user_who_is_not_staff_is_refused(client, settings):
    settings.MINIAPP_OPEN_DEMO = False
    client.force_login(User.objects.create_user("visitor", password="pw-for-tests"))
    assert client.get("/app/?demo=1").status_code == 403
    assert Student.objects.count() == 0


def test_with_the_open_demo_anybody_practises_as_the_shared_demo_student(client, settings):
    settings.MINIAPP_OPEN_DEMO = True
    demo = _config(client.get("/app/?demo=1"))["demo"]
    assert demo["student"]["telegram_id"] == SHARED_DEMO_TELEGRAM_ID
    assert _config(client.get("/app/?demo=1"))["demo"]["student"]["id"] == demo["student"]["id"]


def test_production_refuses_the_open_demo():
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "MINIAPP_OPEN_DEMO"}}
    env.update(
        DJANGO_SETTINGS_MODULE="dars.settings",
        DEBUG="false",
        SECRET_KEY="a-long-random-production-secret-key-for-this-test-0123456789",
        ALLOWED_HOSTS="dars.example.org",
        DATABASE_URL="postgres://dars:pw@db.example:5432/dars",
        MINIAPP_OPEN_DEMO="true",
    )
    probe = "import django; django.setup()"
    run = subprocess.run(
        [sys.executable, "-c", probe],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        cwd=settings.BASE_DIR,
    )
    assert run.returncode != 0 and "MINIAPP_OPEN_DEMO" in run.stderr
    env.pop("MINIAPP_OPEN_DEMO")
    ok = subprocess.run(
        [sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=False
    )
    assert ok.returncode == 0, ok.stderr  # and it is off by default there


def test_the_admin_links_staff_to_the_demo_mode(client):
    _staff(client)
    page = client.get("/admin/").content.decode()
    assert 'id="dars-try-miniapp" href="/app/?demo=1"' in page
    assert "Try the Mini App as a student" in page
