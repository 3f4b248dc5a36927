"""Writes for students: sign-in, tokens, profile, service keys."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.utils import timezone

from apps.students.auth import hash_secret
from apps.students.domain import SHARED_DEMO_TELEGRAM_ID
from apps.students.models import ServiceAPIKey, Student, StudentToken

DEFAULT_NAME = "Student"
DEMO_NAME = "Demo"
# A demo token is used again while at least this much of its life is left (demo_sign_in).
DEMO_TOKEN_MIN_LEFT = dt.timedelta(hours=1)


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
    student, created = _student_find_or_create(telegram_id=telegram_id, name=name)
    raw, expires_at = token_issue(student=student, via=via)
    return SignIn(student=student, token=raw, expires_at=expires_at, created=created)


def demo_sign_in(*, user: AbstractBaseUser | None, keep: str | None = None) -> SignIn:
    """Sign in as a demo student (the Mini App's demo mode): the staff member `user`'s own
    (telegram_id -<user id>), or with no user the one shared demo student (development,
    MINIAPP_OPEN_DEMO). A demo student is found or created like any student: unregistered
    until a grade is chosen, and then it practises exactly as students do.

    `keep` is the token this browser was given before: while it is this demo student's, not
    revoked and with at least DEMO_TOKEN_MIN_LEFT to live, it is used again instead of a new
    one (each page load would otherwise add a token)."""
    if user is None:
        student, created = _student_find_or_create(
            telegram_id=SHARED_DEMO_TELEGRAM_ID, name=DEMO_NAME
        )
    else:
        name = (getattr(user, "first_name", "") or user.get_username()).strip()[:100]
        student, created = _student_find_or_create(
            telegram_id=-int(user.pk), name=name or DEMO_NAME, demo_of=user
        )
    if keep:
        kept = StudentToken.objects.filter(
            student=student,
            key_hash=hash_secret(keep),
            via="demo",
            revoked_at__isnull=True,
            expires_at__gt=timezone.now() + DEMO_TOKEN_MIN_LEFT,
        ).first()
        if kept is not None:
            return SignIn(student=student, token=keep, expires_at=kept.expires_at, created=False)
    raw, expires_at = token_issue(student=student, via="demo")
    return SignIn(student=student, token=raw, expires_at=expires_at, created=created)


def _student_find_or_create(*, telegram_id: int, **fields: Any) -> tuple[Student, bool]:
    """The student with this telegram_id, created with `fields` if there is none; the unique
    constraint decides a race (the loser reads the winner's row)."""
    student = Student.objects.filter(telegram_id=telegram_id).first()
    if student is not None:
        return student, False
    try:
        with transaction.atomic():
            return Student.objects.create(telegram_id=telegram_id, **fields), True
    except IntegrityError:  # a concurrent first sign-in created it: use that one
        return Student.objects.get(telegram_id=telegram_id), False


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
