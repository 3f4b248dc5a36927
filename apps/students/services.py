"""Writes for students: sign-in, tokens, profile, service keys."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from apps.students.auth import hash_secret
from apps.students.models import ServiceAPIKey, Student, StudentToken

DEFAULT_NAME = "Student"


@dataclass(frozen=True)
class SignIn:
    student: Student
    token: str  # the raw bearer token; only its hash is stored
    expires_at: dt.datetime
    created: bool


def student_sign_in(*, telegram_id: int, name: str, via: str) -> SignIn:
    """Find or create the student for a Telegram account and issue a token.

    A first sign-in creates the student (unregistered until they choose a grade). Later
    sign-ins keep the name the student has, so a name set in the app is not overwritten.
    """
    name = (name or "").strip()[:100] or DEFAULT_NAME
    created = False
    student = Student.objects.filter(telegram_id=telegram_id).first()
    if student is None:
        try:
            with transaction.atomic():
                student = Student.objects.create(telegram_id=telegram_id, name=name)
                created = True
        except IntegrityError:  # a concurrent first sign-in created it: use that one
            student = Student.objects.get(telegram_id=telegram_id)
    raw, expires_at = token_issue(student=student, via=via)
    return SignIn(student=student, token=raw, expires_at=expires_at, created=created)


def token_issue(*, student: Student, via: str) -> tuple[str, dt.datetime]:
    raw = secrets.token_urlsafe(32)
    now = timezone.now()
    expires_at = now + dt.timedelta(seconds=settings.STUDENT_TOKEN_TTL_SECONDS)
    StudentToken.objects.create(
        student=student, key_hash=hash_secret(raw), created_at=now, expires_at=expires_at, via=via
    )
    return raw, expires_at


def token_revoke(*, token: StudentToken) -> None:
    StudentToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )


def student_update(*, student: Student, data: dict[str, Any]) -> Student:
    """Change the fields a student may change (already validated by the caller)."""
    fields = [f for f in ("name", "grade", "language", "timezone") if f in data]
    for field in fields:
        setattr(student, field, data[field])
    if fields:
        student.save(update_fields=[*fields, "updated_at"])
    return student


def service_key_create(*, name: str) -> tuple[ServiceAPIKey, str]:
    """A new API key for a trusted server; the raw key is returned once and never stored."""
    prefix = secrets.token_hex(4)
    raw = f"{prefix}.{secrets.token_urlsafe(32)}"
    key = ServiceAPIKey.objects.create(name=name, prefix=prefix, key_hash=hash_secret(raw))
    return key, raw


def service_keys_revoke(*, keys: Any) -> int:
    return int(keys.filter(revoked_at__isnull=True).update(revoked_at=timezone.now()))


def tokens_revoke(*, tokens: Any) -> int:
    return int(tokens.filter(revoked_at__isnull=True).update(revoked_at=timezone.now()))
