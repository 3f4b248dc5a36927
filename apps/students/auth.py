"""API authentication: student bearer tokens and service API keys (both stored hashed)."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions, permissions

from apps.core import sql
from apps.students.models import ServiceAPIKey, Student, StudentToken

LAST_USED_RESOLUTION = dt.timedelta(minutes=1)


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class _HeaderKeyAuthentication(authentication.BaseAuthentication):
    """`Authorization: <keyword> <secret>`; subclasses look the secret up by its hash."""

    keyword = ""

    def secret(self, request: Any) -> str | None:
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed("Malformed Authorization header.")
        try:
            return header[1].decode("ascii")
        except UnicodeDecodeError as exc:
            raise exceptions.AuthenticationFailed("Malformed credentials.") from exc

    def authenticate_header(self, request: Any) -> str:
        return self.keyword


class StudentTokenAuthentication(_HeaderKeyAuthentication):
    """`Authorization: Bearer <token>` from the sign-in endpoints."""

    keyword = "Bearer"

    def authenticate(self, request: Any) -> tuple[Student, StudentToken] | None:
        raw = self.secret(request)
        if raw is None:
            return None
        found = _token_and_student(hash_secret(raw))
        if found is None or found[1].expires_at <= timezone.now():
            raise exceptions.AuthenticationFailed("Invalid or expired token.")
        return found


def _token_and_student(key_hash: str) -> tuple[Student, StudentToken] | None:
    """The live token with this hash and its student: one indexed lookup
    (uq_student_tokens_key_hash), written by hand because every API request runs it."""
    student_columns, attnames = sql.columns(Student, "s")
    row = sql.fetch_one(
        f"SELECT t.id, t.expires_at, {student_columns} FROM student_tokens t "  # noqa: S608
        "JOIN students s ON s.id = t.student_id "
        "WHERE t.key_hash = %s AND t.revoked_at IS NULL",
        [key_hash],
    )
    if row is None:
        return None
    student = Student.from_db("default", attnames, row[2:])
    token = StudentToken.from_db(
        "default", ["id", "student_id", "expires_at"], [row[0], student.pk, row[1]]
    )
    return student, token


class ServiceKeyAuthentication(_HeaderKeyAuthentication):
    """`Authorization: Api-Key <key>` for trusted servers (the Telegram bot)."""

    keyword = "Api-Key"

    def authenticate(self, request: Any) -> tuple[Any, ServiceAPIKey] | None:
        raw = self.secret(request)
        if raw is None:
            return None
        key = ServiceAPIKey.objects.filter(
            key_hash=hash_secret(raw), revoked_at__isnull=True
        ).first()
        if key is None:
            raise exceptions.AuthenticationFailed("Invalid or revoked API key.")
        now = timezone.now()
        if key.last_used_at is None or now - key.last_used_at > LAST_USED_RESOLUTION:
            # At most one write a minute: every bot request would otherwise queue on this row.
            ServiceAPIKey.objects.filter(pk=key.pk).update(last_used_at=now)
        return None, key


class IsStudent(permissions.BasePermission):
    def has_permission(self, request: Any, view: Any) -> bool:
        return isinstance(request.user, Student)


class IsService(permissions.BasePermission):
    def has_permission(self, request: Any, view: Any) -> bool:
        return isinstance(request.auth, ServiceAPIKey)


class StudentTokenScheme(OpenApiAuthenticationExtension):
    target_class = "apps.students.auth.StudentTokenAuthentication"
    name = "studentToken"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {"type": "http", "scheme": "bearer", "description": "A student token from sign-in"}


class ServiceKeyScheme(OpenApiAuthenticationExtension):
    target_class = "apps.students.auth.ServiceKeyAuthentication"
    name = "serviceApiKey"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "`Api-Key <key>`; keys are created and revoked in the admin",
        }


def request_student(request: Any) -> Student:
    """The signed-in student of an API request (views behind IsStudent)."""
    user = request.user
    if not isinstance(user, Student):
        raise exceptions.NotAuthenticated()
    return user


def request_token(request: Any) -> StudentToken:
    token = request.auth
    if not isinstance(token, StudentToken):
        raise exceptions.NotAuthenticated()
    return token
