"""Liveness and dependency checks, and the answer when the database goes away."""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django.core.exceptions import RequestDataTooBig
from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)


def _timed(check: Callable[[], None]) -> dict[str, Any]:
    started = time.perf_counter()
    try:
        check()
    except Exception as exc:  # any failure of a dependency is reported, not raised
        return {"ok": False, "error": f"{type(exc).__name__}: {exc}"[:200]}
    return {"ok": True, "latency_ms": round((time.perf_counter() - started) * 1000, 2)}


def _database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _cache() -> None:
    cache.set("dars:healthz", "ok", timeout=5)
    if cache.get("dars:healthz") != "ok":
        raise RuntimeError("cache did not return what was stored")


def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database answers (the cache is reported; without it Dars still works but
    throttles are per process), 503 when it does not."""
    database, cache_status = _timed(_database), _timed(_cache)
    healthy = database["ok"]
    status = "ok" if healthy and cache_status["ok"] else ("degraded" if healthy else "unavailable")
    return JsonResponse(
        {"status": status, "database": database, "cache": cache_status},
        status=200 if healthy else 503,
    )


class DatabaseUnavailableMiddleware:
    """A lost database connection answers 503 with the API's error shape, not a 500.

    Services write inside transactions, so whatever the request had started is rolled back:
    nothing is left half written.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, RequestDataTooBig) and request.path.startswith("/api/"):
            body = {
                "error": {
                    "code": "payload_too_large",
                    "message": str(_("The request body is too large.")),
                    "details": {},
                }
            }
            return JsonResponse(body, status=413)
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        logger.error("database unavailable: %s", exception)
        with contextlib.suppress(DatabaseError):
            connection.close()  # start clean on the next request
        response = JsonResponse(
            {
                "error": {
                    "code": "service_unavailable",
                    "message": str(_("The service is briefly unavailable. Please try again.")),
                    "details": {},
                }
            },
            status=503,
        )
        response["Retry-After"] = "5"
        return response
