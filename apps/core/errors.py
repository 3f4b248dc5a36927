"""The one error type services raise; the API turns it into the shared JSON error shape."""

from __future__ import annotations

from typing import Any

from django.utils.functional import Promise


class DarsError(Exception):
    """A failure a caller can act on: a stable machine `code`, a human `message`, `details`.

    `status` is the HTTP status the API answers with when this error reaches a view.
    """

    status = 400
    code = "invalid"

    def __init__(
        self,
        message: str | Promise,
        *,
        code: str | None = None,
        details: dict[str, Any] | None = None,
        status: int | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        if status is not None:
            self.status = status
        self.details: dict[str, Any] = details or {}


class NotFound(DarsError):
    status = 404
    code = "not_found"


class Conflict(DarsError):
    status = 409
    code = "conflict"
