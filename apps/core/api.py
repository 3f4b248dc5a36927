"""What every Dars API endpoint shares: one error shape, throttles, pagination.

Every error answers `{"error": {"code": "...", "message": "...", "details": {...}}}`; 400s carry
the field errors in `details`; messages a student reads come in the student's language.
"""

from __future__ import annotations

import logging
from typing import Any, cast

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import InvalidPage
from django.core.validators import RegexValidator
from django.http import Http404
from django.utils.functional import Promise
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import exceptions, serializers, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from apps.core.errors import DarsError
from apps.core.parsers import BodyTooLarge

logger = logging.getLogger(__name__)

# Text fields refuse NUL characters (PostgreSQL cannot store them); as a validator this also
# appears in the OpenAPI schema as a `pattern`, so clients and fuzzers know.
NO_NUL = RegexValidator(r"^[^\u0000]*$", message=_("Null characters are not allowed."))
# For names: at least one visible character and no NUL, as one pattern (the schema shows a
# single pattern per field, so two validators would document only one of the rules).
# Invisible characters (spaces, zero-width and direction marks, BOM) do not make a name.
_INVISIBLE = r"\s\u0000\u00ad\u200b-\u200f\u2028-\u202f\u205f-\u206f\ufeff"
VISIBLE_CHARACTER = rf"[^{_INVISIBLE}]"
VISIBLE_TEXT = RegexValidator(
    rf"^[^\u0000]*[^{_INVISIBLE}][^\u0000]*$",
    message=_("Must contain a visible character and no null characters."),
)

DRF_CODES = {
    exceptions.NotAuthenticated: "not_authenticated",
    exceptions.AuthenticationFailed: "authentication_failed",
    exceptions.PermissionDenied: "permission_denied",
    exceptions.NotFound: "not_found",
    exceptions.MethodNotAllowed: "method_not_allowed",
    exceptions.NotAcceptable: "not_acceptable",
    exceptions.UnsupportedMediaType: "unsupported_media_type",
    exceptions.Throttled: "throttled",
    BodyTooLarge: "payload_too_large",
    exceptions.ParseError: "malformed_request",
    exceptions.ValidationError: "invalid",
}
# What a reader is told for each DRF error, in their language.
DRF_MESSAGES = {
    "invalid": _("Some fields are not valid."),
    "not_authenticated": _("Sign in first."),
    "authentication_failed": _("Your sign-in is not valid or has expired. Sign in again."),
    "permission_denied": _("You cannot do that."),
    "not_found": _("Not found."),
    "method_not_allowed": _("This method is not allowed here."),
    "not_acceptable": _("This endpoint answers in JSON only."),
    "unsupported_media_type": _("Send the body as JSON (Content-Type: application/json)."),
    "throttled": _("Too many requests. Please wait a little and try again."),
    "malformed_request": _("The request body is not valid JSON."),
}


def error_body(code: str, text: str | Promise, details: Any = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": str(text), "details": details or {}}}


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Every error in one shape, its message in the reader's language (the active language:
    the signed-in student's, else the request's Accept-Language)."""
    if isinstance(exc, DarsError):
        return Response(error_body(exc.code, exc.message, exc.details), status=exc.status)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None or not isinstance(exc, exceptions.APIException):
        return response
    code = next((c for kind, c in DRF_CODES.items() if isinstance(exc, kind)), "error")
    details: dict[str, Any] = {}
    if isinstance(exc, exceptions.ValidationError):
        details = {
            "fields": exc.detail
            if isinstance(exc.detail, dict)
            else {"non_field_errors": exc.detail}
        }
    elif isinstance(exc, exceptions.Throttled):
        wait = getattr(exc, "wait", None)
        details = {"retry_after_seconds": round(wait) if wait else None}
    text: str | Promise = (
        str(exc.detail)  # apps.core.parsers says exactly what is wrong with the body
        if isinstance(exc, exceptions.ParseError)
        else DRF_MESSAGES.get(code, str(exc.detail))
    )
    response.data = error_body(code, text, details)
    return response


class ErrorDetailSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Stable machine-readable code, e.g. session_expired")
    message = serializers.CharField(help_text="Human-readable, in the student's language")
    details = serializers.DictField(
        help_text="Extra data; for 400s `fields` maps each field to its errors"
    )


class ErrorSerializer(serializers.Serializer):
    error = ErrorDetailSerializer()


@extend_schema_field(OpenApiTypes.STR)
class LocalizedText(serializers.Field):
    """A bilingual text (`<name>_en` / `<name>_bn` of the object) in the reader's language
    (`context["language"]`), falling back to the other language when it is empty."""

    def __init__(self, name: str, **kwargs: Any) -> None:
        kwargs.setdefault("source", "*")
        kwargs["read_only"] = True
        super().__init__(**kwargs)
        self.base_name = name

    def to_representation(self, value: Any) -> str:
        return self.pick(value, self.base_name, self.context.get("language", "en"))

    @staticmethod
    def pick(obj: Any, name: str, language: str) -> str:
        other = "en" if language == "bn" else "bn"
        first = getattr(obj, f"{name}_{language}", "") if language in ("en", "bn") else ""
        return str(first or getattr(obj, f"{name}_{other}", "") or "")


class StrictCharField(serializers.CharField):
    """A text field that takes text only: 0, true or a list is refused, not turned into "0".
    Its length limit holds for the text as sent, as the schema's maxLength says: DRF checks it
    after trimming, so 100 letters and a leading space would pass a limit of 100."""

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        if self.max_length is not None and len(data) > self.max_length:
            self.fail("max_length", max_length=self.max_length)
        return str(super().to_internal_value(data))


def localized_digits(number: int) -> str:
    """A number in the digits of the active language (Bengali digits under `bn`)."""
    text = str(number)
    return text.translate(_TO_BENGALI) if get_language() == "bn" else text


_TO_BENGALI = str.maketrans("0123456789", "০১২৩৪৫৬৭৮৯")


class Pagination(PageNumberPagination):
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100
    max_page = 1_000_000

    def paginate_queryset(self, queryset: Any, request: Any, view: Any = None) -> Any:
        """A queryset as DRF pages it (a COUNT, then the page), or an object with
        `window(offset, limit) -> (rows, total)` that reads the page and the total in one
        statement (the practice history)."""
        if not hasattr(queryset, "window"):
            return super().paginate_queryset(queryset, request, view)
        size = self.get_page_size(request)
        number = self.get_page_number(request, None)
        rows, total = queryset.window((number - 1) * size, size)
        paginator = self.django_paginator_class(cast(Any, _Fetched(rows)), size)
        paginator.count = total  # a cached_property: the window already counted
        try:
            self.page = paginator.page(number)
        except InvalidPage as exc:
            message = self.invalid_page_message.format(page_number=number, message=str(exc))
            raise exceptions.NotFound(message) from exc
        self.request = request
        return list(self.page)

    def get_page_size(self, request: Any) -> int:
        """`page_size` as documented (a whole number from 1 to 100), or a 400 naming it."""
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        return self._whole_number(self.page_size_query_param, raw, self.max_page_size)

    def get_page_number(self, request: Any, paginator: Any) -> int:
        """`page` as documented (a whole number from 1 to 1,000,000; DRF would also take
        "last"), or a 400. A page past the end is the documented 404."""
        raw = request.query_params.get(self.page_query_param)
        if raw is None:
            return 1
        return self._whole_number(self.page_query_param, raw, self.max_page)

    @staticmethod
    def _whole_number(name: str, raw: str, maximum: int) -> int:
        if raw.isascii() and raw.isdigit() and len(raw) <= 9 and 1 <= int(raw) <= maximum:
            return int(raw)
        message = _("Must be a whole number from 1 to %(max)s.") % {
            "max": localized_digits(maximum)
        }
        raise exceptions.ValidationError({name: [message]})


class _Fetched:
    """A page already read, standing in for the object list Django's paginator slices."""

    def __init__(self, rows: list[Any]) -> None:
        self.rows = rows

    def __getitem__(self, _window: slice) -> list[Any]:
        return self.rows


def no_content() -> Response:
    return Response(status=status.HTTP_204_NO_CONTENT)


def json_or_html_404(request: Any, exception: Exception) -> Any:
    """URLs under /api/ that match no endpoint answer in the API's error shape."""
    from django.http import JsonResponse
    from django.views.defaults import page_not_found

    if request.path.startswith("/api/"):
        return JsonResponse(error_body("not_found", DRF_MESSAGES["not_found"]), status=404)
    return page_not_found(request, exception)


def json_or_html_500(request: Any) -> Any:
    from django.http import JsonResponse
    from django.views.defaults import server_error

    if request.path.startswith("/api/"):
        body = error_body("server_error", _("Something went wrong on our side; please try again."))
        return JsonResponse(body, status=500)
    return server_error(request)


# Request bodies that refuse fields they do not list (so a client learns it cannot set e.g.
# telegram_id); the schema says so with additionalProperties: false.
CLOSED_REQUEST_BODIES = ("PatchedStudentUpdateInRequest", "StudentUpdateInRequest")


def close_request_bodies(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """drf-spectacular postprocessing hook: closed request bodies, and the 503 any operation
    answers while the database is unreachable (apps.core.health)."""
    schemas = result.get("components", {}).get("schemas", {})
    for name in CLOSED_REQUEST_BODIES:
        if name in schemas:
            schemas[name]["additionalProperties"] = False
    unavailable = {
        "description": "service_unavailable: the database is unreachable; retry later",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            operation.get("responses", {}).setdefault("503", unavailable)
    return result
