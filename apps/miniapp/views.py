"""The Telegram Mini App: one page (`/app/`) whose script is a client of the practice API.

Telegram opens it in a web view (and on web.telegram.org in an iframe) with the signed initData
in the URL fragment; the page signs in with it (`POST /api/v1/auth/telegram/`) and from then on
uses the student's bearer token like any API client. `?demo=1` is the demo mode: a staff member
signed in to the admin (or anybody, where MINIAPP_OPEN_DEMO allows it: development) gets a token
for a demo student, handed to the page, and practises exactly as a student does.
"""

from __future__ import annotations

from typing import Any

from csp.decorators import csp_replace
from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_GET

from apps.miniapp.strings import catalogue
from apps.students.domain import GRADES
from apps.students.serializers import SignInOut, present_student
from apps.students.services import demo_sign_in

# Telegram's web client (web.telegram.org/k/, /a/) shows Mini Apps in an iframe; its mobile and
# desktop apps use a web view, which no framing rule affects. So this page alone may be framed,
# and only by that origin; X-Frame-Options cannot name an origin, so it is left off here and
# frame-ancestors decides (browsers that know it ignore X-Frame-Options anyway). Every other
# page keeps X-Frame-Options: DENY and frame-ancestors 'none'. The page has no inline style.
TELEGRAM_WEB_CLIENT = "https://web.telegram.org"
PAGE_POLICY = {"frame-ancestors": ["'self'", TELEGRAM_WEB_CLIENT], "style-src": ["'self'"]}
# The demo token this browser was given, so the next load uses it again rather than adding a
# token each time (students.services.demo_sign_in checks it is still this demo student's and
# live). Sent to /app/ only (the API takes the bearer token, never a cookie), never to a script.
DEMO_TOKEN_COOKIE = "dars_demo_token"  # noqa: S105 - a cookie's name, not a secret


@require_GET
@never_cache  # a demo page carries a token: never kept by a browser or a proxy
@xframe_options_exempt
@csp_replace(PAGE_POLICY)
def app(request: HttpRequest) -> HttpResponse:
    demo = None
    signed = None
    if "demo" in request.GET:
        staff = request.user if request.user.is_authenticated and request.user.is_staff else None
        if staff is None and not settings.MINIAPP_OPEN_DEMO:
            if request.user.is_authenticated:
                raise PermissionDenied
            return redirect_to_login(request.get_full_path(), reverse("admin:login"))
        signed = demo_sign_in(user=staff, keep=request.COOKIES.get(DEMO_TOKEN_COOKIE))
        demo = SignInOut(
            {
                "token": signed.token,
                "expires_at": signed.expires_at,
                "registered": signed.student.registered,
                "student": present_student(signed.student),
            }
        ).data
    config: dict[str, Any] = {
        "api": "/api/v1/",
        "demo": demo,
        "languages": [["bn", "বাংলা"], ["en", "English"]],
        "grades": list(GRADES),
    }
    response = render(request, "miniapp/app.html", {"config": config, "strings": catalogue()})
    if signed is not None:
        response.set_cookie(
            DEMO_TOKEN_COOKIE,
            signed.token,
            expires=signed.expires_at,
            path=request.path,
            secure=request.is_secure() or settings.SESSION_COOKIE_SECURE,
            httponly=True,
            samesite="Lax",
        )
    return response
