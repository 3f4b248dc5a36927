"""The admin's language: each staff member's choice sticks to their account.

`LANGUAGE_CODE` is the default; the switch in the admin header (English ↔ বাংলা) saves the
choice in `StaffPreference` and in the session, and `StaffLanguageMiddleware` activates it on
every request of that staff member (from the session: no query per request).
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from apps.core.models import StaffPreference

SESSION_KEY = "dars_language"
LANGUAGES = dict(settings.LANGUAGES)


def staff_language(request: HttpRequest) -> str | None:
    """The signed-in staff member's chosen language, if any (cached in the session)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.is_staff:
        return None
    if SESSION_KEY not in request.session:
        preference = StaffPreference.objects.filter(user=user).first()
        request.session[SESSION_KEY] = preference.language if preference else ""
    return request.session[SESSION_KEY] or None


class StaffLanguageMiddleware:
    """After authentication: a staff member's own language wins over the browser's."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = staff_language(request)
        if language in LANGUAGES:
            translation.activate(language)
            request.LANGUAGE_CODE = language
        return self.get_response(request)


@require_POST
def set_staff_language(request: HttpRequest) -> HttpResponse:
    """The header switch: save the choice for this staff member, then go back."""
    language = request.POST.get("language", "")
    target = request.POST.get("next") or "/admin/"
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        target = "/admin/"
    response = HttpResponseRedirect(target)
    if language not in LANGUAGES:
        return response
    user = request.user
    if user.is_authenticated and user.is_staff:
        StaffPreference.objects.update_or_create(user=user, defaults={"language": language})
        request.session[SESSION_KEY] = language
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=365 * 24 * 3600,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )
    return response
