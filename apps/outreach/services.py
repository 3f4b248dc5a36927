"""Outreach writes: reminder choices, guardian link codes, reminders and weekly reports."""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext

from apps.core.errors import DarsError
from apps.notify.services import message_queue
from apps.outreach import domain, selectors, texts
from apps.outreach.errors import LinkCodeError
from apps.outreach.models import GuardianReport, LinkCode, Reminder, ReminderSetting
from apps.students.models import Guardian, GuardianStudent, Student

logger = logging.getLogger(__name__)

# What a redeemed code returns: the link between the guardian and the student.
GuardianLink = GuardianStudent
__all__ = ["GuardianLink", "LinkCodeError"]  # re-exported for the bot


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
    if student.is_demo:
        raise DarsError(gettext("A demo student has no guardian."), code="demo_student", status=409)
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
                link_code = selectors.link_code_usable(code=code, now=now, for_update=True)
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
                link_code = selectors.link_code_usable(code=code, now=now, for_update=True)
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
        link_code=selectors.link_code_usable(code=code, now=now, for_update=True),
        guardian=guardian,
        relationship=relationship,
        now=now,
    )


# --- Guardians' choices --------------------------------------------------------------------


def guardian_choices_set(
    *,
    guardian: Guardian,
    sms_consent: bool,
    reports_stopped: bool,
    now: dt.datetime | None = None,
) -> None:
    """The admin's consent and stop boxes: a newly ticked box records the time, an unticked
    one clears it, an unchanged one keeps its time."""
    now = now or timezone.now()
    Guardian.objects.filter(pk=guardian.pk, sms_consent_at__isnull=sms_consent).update(
        sms_consent_at=now if sms_consent else None
    )
    if reports_stopped:
        guardian_reports_stop(guardian=guardian, now=now)
    else:
        guardian_reports_resume(guardian=guardian)
    guardian.refresh_from_db(fields=["sms_consent_at", "reports_stopped_at"])


def guardian_reports_stop(*, guardian: Guardian, now: dt.datetime | None = None) -> bool:
    """The guardian asked to stop the weekly reports (the bot's /stop, or the admin). False if
    already stopped."""
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


# --- Streak reminders ----------------------------------------------------------------------


def _reminder_send(due: selectors.DueReminder) -> bool:
    """Record the student's reminder for their local date and queue it, in one transaction;
    False when it was already recorded (another run got there first)."""
    student = due.student
    with transaction.atomic():
        try:
            with transaction.atomic():
                Reminder.objects.create(
                    student=student,
                    local_date=due.local_date,
                    kind=Reminder.Kind.STREAK if due.streak else Reminder.Kind.COMEBACK,
                    streak=due.streak,
                )
        except IntegrityError:
            return False
        with translation.override(student.language):
            text = texts.reminder_text(name=student.name, streak=due.streak)
            markup = texts.reminder_markup()
        message_queue(
            channel="telegram",
            to=str(student.telegram_id),
            text=text,
            reply_markup=markup,
            kind="reminder",
            dedupe_key=f"reminder:{student.pk}:{due.local_date.isoformat()}",
            student=student,
        )
    return True


def reminders_send(*, now: dt.datetime) -> int:
    """Remind every student due a reminder at `now`, REMINDER_BATCH_SIZE at a time; how many
    were queued. Safe to run twice at once: a reminder is recorded (unique per student and
    local date) before it is queued, in the same transaction."""
    sent, after = 0, 0
    while due := selectors.students_due_reminder(
        now=now, after_pk=after, limit=settings.REMINDER_BATCH_SIZE
    ):
        sent += sum(_reminder_send(one) for one in due)
        after = due[-1].student.pk
    return sent


# --- Weekly guardian reports ---------------------------------------------------------------


def _report_channel(guardian: Guardian) -> tuple[str, str]:
    """(channel, address): Telegram when linked there, else SMS with consent; ("none", "")."""
    if guardian.telegram_id is not None:
        return GuardianReport.Channel.TELEGRAM, str(guardian.telegram_id)
    if guardian.sms_consent_at is not None and guardian.phone:
        return GuardianReport.Channel.SMS, guardian.phone
    return GuardianReport.Channel.NONE, ""


def _report_text(
    *, guardian: Guardian, channel: str, end: dt.date, now: dt.datetime, test: bool
) -> str:
    start = end - dt.timedelta(days=domain.REPORT_DAYS - 1)
    weeks = [
        selectors.student_week(student=student, start=start, end=end, now=now)
        for student in selectors.guardian_students(guardian=guardian)
    ]
    with translation.override(guardian.language):
        if channel == GuardianReport.Channel.SMS:
            return texts.report_sms(weeks=weeks, language=guardian.language, test=test)
        return texts.report_text(
            weeks=weeks, start=start, end=end, language=guardian.language, test=test
        )


def _weekly_report_send(due: selectors.DueReport, now: dt.datetime) -> bool:
    guardian, week = due.guardian, domain.iso_week(due.friday)
    start, end = domain.report_period(due.friday)
    channel, to = _report_channel(guardian)
    text = _report_text(guardian=guardian, channel=channel, end=end, now=now, test=False)
    with transaction.atomic():
        try:
            with transaction.atomic():
                GuardianReport.objects.create(
                    guardian=guardian,
                    week=week,
                    period_start=start,
                    period_end=end,
                    channel=channel,
                    skipped="" if to else GuardianReport.Skipped.NO_CONSENT,
                    text=text,
                )
        except IntegrityError:
            return False
        if not to:
            return False
        try:
            with transaction.atomic():
                message_queue(
                    channel=channel,
                    to=to,
                    text=text,
                    kind="guardian_report",
                    dedupe_key=f"report:{guardian.pk}:{week}",
                    guardian=guardian,
                )
        except DarsError as error:
            # A phone number written around the admin's checks, a report too long for one
            # message: recorded as not sent (not retried every hour), and logged.
            logger.warning("Weekly report to guardian %s refused: %s", guardian.pk, error)
            GuardianReport.objects.filter(guardian=guardian, week=week).update(
                channel=GuardianReport.Channel.NONE, skipped=GuardianReport.Skipped.REFUSED
            )
            return False
    return True


def guardian_reports_send(*, now: dt.datetime) -> int:
    """This week's report to every guardian it is due to at `now` (Friday from
    GUARDIAN_REPORT_LOCAL_TIME in their time zone); how many were queued. Each is recorded
    (unique per guardian and ISO week) before it is queued, so a rerun sends nothing twice; a
    guardian who cannot be reached is recorded with the reason."""
    sent, after = 0, 0
    while due := selectors.guardians_due_report(
        now=now, after_pk=after, limit=settings.GUARDIAN_REPORT_BATCH_SIZE
    ):
        sent += sum(_weekly_report_send(one, now) for one in due)
        after = due[-1].guardian.pk
    return sent


def guardian_test_report_send(*, guardian: Guardian, now: dt.datetime | None = None) -> str:
    """Queue a report of the last 7 days (ending today in the guardian's time zone) to the
    guardian now (the admin's "send test report"); returns the channel. DarsError when the
    guardian stopped the reports or cannot be reached."""
    now = now or timezone.now()
    if guardian.reports_stopped_at is not None:
        raise DarsError(gettext("This guardian stopped the reports."), code="reports_stopped")
    channel, to = _report_channel(guardian)
    if not to:
        raise DarsError(
            gettext("This guardian has no Telegram and has not agreed to SMS."),
            code="guardian_unreachable",
        )
    if not GuardianStudent.objects.filter(guardian=guardian).exists():
        raise DarsError(gettext("This guardian follows no student yet."), code="no_students")
    today = now.astimezone(selectors.zone_of(guardian.timezone)).date()
    text = _report_text(guardian=guardian, channel=channel, end=today, now=now, test=True)
    with transaction.atomic():
        message_queue(channel=channel, to=to, text=text, kind="test_report", guardian=guardian)
    return channel
