"""Outreach writes: reminder choices, guardian link codes, reminders and weekly reports."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext

from apps.core.errors import DarsError
from apps.outreach import domain
from apps.outreach.models import LinkCode, ReminderSetting
from apps.students.models import Guardian, GuardianStudent, Student

# What a redeemed code returns: the link between the guardian and the student.
GuardianLink = GuardianStudent


class LinkCodeError(DarsError):
    """A guardian link code that cannot be used; its str is the reason, translated."""

    status = 400
    code = "link_code_invalid"


# --- Reminder choice -----------------------------------------------------------------------


def reminder_set(*, student: Student, at: dt.time | None) -> None:
    """Remind the student at local time `at` each day they have not practised; None: never."""
    if at is None:
        ReminderSetting.objects.update_or_create(
            student=student,
            defaults={"enabled": False},
            create_defaults={"enabled": False, "remind_at": reminder_default_time()},
        )
        return
    at = at.replace(second=0, microsecond=0, tzinfo=None)
    ReminderSetting.objects.update_or_create(
        student=student, defaults={"enabled": True, "remind_at": at}
    )


def reminder_default_time() -> dt.time:
    return domain.parse_local_time(settings.REMINDER_DEFAULT_TIME)


# --- Guardian link codes -------------------------------------------------------------------


@transaction.atomic
def guardian_code_issue(*, student: Student, now: dt.datetime | None = None) -> LinkCode:
    """A new one-time code for the student's guardian; the student's unused code (if any) stops
    working."""
    now = now or timezone.now()
    LinkCode.objects.filter(student=student, used_at__isnull=True).delete()
    expires_at = now + dt.timedelta(hours=settings.GUARDIAN_CODE_TTL_HOURS)
    for _attempt in range(5):
        try:
            with transaction.atomic():
                return LinkCode.objects.create(
                    student=student,
                    code=domain.link_code_new(),
                    created_at=now,
                    expires_at=expires_at,
                )
        except IntegrityError:
            # The same code drawn twice (one in 10^11), or a concurrent issue for this student.
            LinkCode.objects.filter(student=student, used_at__isnull=True).delete()
    raise DarsError(gettext("Could not issue a code; please try again."), code="try_again")


def _usable_code(*, code: str, now: dt.datetime) -> LinkCode:
    """The code row, locked, or LinkCodeError in the active language."""
    normalised = domain.link_code_normalise(code)
    found = (
        LinkCode.objects.select_for_update().select_related("student").filter(code=normalised)
        if normalised
        else LinkCode.objects.none()
    ).first()
    if found is None:
        raise LinkCodeError(
            gettext("This code is not known. Check it, or ask the student for a new one."),
            code="link_code_unknown",
        )
    if found.used_at is not None:
        raise LinkCodeError(
            gettext("This code has already been used. Ask the student for a new one."),
            code="link_code_used",
        )
    if found.expires_at <= now:
        raise LinkCodeError(
            gettext("This code has expired. Ask the student for a new one."),
            code="link_code_expired",
        )
    return found


def _link(
    *, link_code: LinkCode, guardian: Guardian, relationship: str, now: dt.datetime
) -> GuardianStudent:
    link, _created = GuardianStudent.objects.get_or_create(
        guardian=guardian,
        student=link_code.student,
        defaults={"relationship": relationship},
    )
    link_code.used_at, link_code.used_by = now, guardian
    link_code.save(update_fields=["used_at", "used_by"])
    return link


def guardian_link_redeem(
    *,
    code: str,
    telegram_id: int,
    name: str,
    language: str,
    now: dt.datetime | None = None,
) -> GuardianStudent:
    """A guardian sent `/start <code>` to the bot: the guardian with this Telegram account
    (created if new) now follows the code's student. LinkCodeError (in `language`) when the
    code is unknown, used or expired; nothing is written then."""
    now = now or timezone.now()
    language = language if language in dict(Student.Language.choices) else "bn"
    with translation.override(language):
        name = (name or "").strip()[:100] or gettext("Guardian")
        try:
            with transaction.atomic():
                link_code = _usable_code(code=code, now=now)
                if link_code.student.telegram_id == telegram_id:
                    raise LinkCodeError(
                        gettext(
                            "This code is for a parent or guardian: send it from their "
                            "Telegram account, not the student's."
                        ),
                        code="link_code_own",
                    )
                guardian, _created = Guardian.objects.get_or_create(
                    telegram_id=telegram_id, defaults={"name": name, "language": language}
                )
                return _link(
                    link_code=link_code,
                    guardian=guardian,
                    relationship=GuardianStudent.Relationship.GUARDIAN,
                    now=now,
                )
        except IntegrityError:
            # The same guardian redeemed two codes at once and both created the guardian: the
            # other one is committed now, so link to it.
            with transaction.atomic():
                link_code = _usable_code(code=code, now=now)
                guardian = Guardian.objects.get(telegram_id=telegram_id)
                return _link(
                    link_code=link_code,
                    guardian=guardian,
                    relationship=GuardianStudent.Relationship.GUARDIAN,
                    now=now,
                )


@transaction.atomic
def guardian_link_by_code(
    *, guardian: Guardian, code: str, relationship: str, now: dt.datetime | None = None
) -> GuardianStudent:
    """The content team entered a code a guardian gave them (the guardian's admin page)."""
    now = now or timezone.now()
    return _link(
        link_code=_usable_code(code=code, now=now),
        guardian=guardian,
        relationship=relationship,
        now=now,
    )


# --- Guardians' choices --------------------------------------------------------------------


def guardian_reports_stop(*, guardian: Guardian, now: dt.datetime | None = None) -> bool:
    """The guardian asked to stop the weekly reports (bot "stop"). False if already stopped."""
    return bool(
        Guardian.objects.filter(pk=guardian.pk, reports_stopped_at__isnull=True).update(
            reports_stopped_at=now or timezone.now()
        )
    )


def guardian_reports_resume(*, guardian: Guardian) -> bool:
    return bool(
        Guardian.objects.filter(pk=guardian.pk, reports_stopped_at__isnull=False).update(
            reports_stopped_at=None
        )
    )
