"""Reminder settings and reminders sent, guardian link codes, weekly guardian reports."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Length
from django.db.models.lookups import Exact
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from apps.core.models import TimeStampedModel
from apps.outreach.domain import LINK_CODE_LENGTH
from apps.students.models import Guardian, Student


class ReminderSetting(TimeStampedModel):
    """A student's own reminder choice. A student without one is reminded at
    REMINDER_DEFAULT_TIME."""

    student = models.OneToOneField(
        Student,
        on_delete=models.CASCADE,
        related_name="reminder_setting",
        verbose_name=_("student"),
    )
    enabled = models.BooleanField(
        _("reminders on"), default=True, help_text=_("Off: the student opted out of reminders")
    )
    remind_at = models.TimeField(
        _("reminder time"), help_text=_("Local time in the student's time zone, e.g. 19:00")
    )

    class Meta:
        db_table = "reminder_settings"
        verbose_name = _("reminder setting")
        verbose_name_plural = _("reminder settings")

    def __str__(self) -> str:
        when = f"{self.remind_at:%H:%M}" if self.enabled else gettext("off")
        return f"{self.student}: {when}"


class Reminder(models.Model):
    """One streak reminder, recorded before it is sent: at most one per student per local
    date."""

    class Kind(models.TextChoices):
        STREAK = "streak", _("Streak at risk")
        COMEBACK = "comeback", _("Invitation back")

    student = models.ForeignKey(
        Student,
        on_delete=models.CASCADE,
        related_name="reminders",
        verbose_name=_("student"),
        db_index=False,  # uq_reminders_student_local_date starts with it
    )
    local_date = models.DateField(_("local date"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    streak = models.IntegerField(_("streak at risk (days)"), default=0)
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        db_table = "reminders"
        ordering = ["-created_at"]
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["student", "local_date"], name="uq_reminders_student_local_date"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["streak", "comeback"]), name="ck_reminders_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(kind="streak", streak__gt=0) | Q(kind="comeback", streak=0),
                name="ck_reminders_streak_matches_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.student} {self.local_date}"


class LinkCode(models.Model):
    """A one-time code a student hands to a guardian, who redeems it in the bot (or gives it
    to the content team, who enter it on the guardian's admin page)."""

    student = models.ForeignKey(
        Student,
        on_delete=models.CASCADE,
        related_name="guardian_codes",
        verbose_name=_("student"),
    )
    code = models.CharField(_("code"), max_length=LINK_CODE_LENGTH)
    created_at = models.DateTimeField(_("created at"))
    expires_at = models.DateTimeField(_("expires at"))
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)
    used_by = models.ForeignKey(
        Guardian,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("used by"),
    )

    class Meta:
        db_table = "guardian_link_codes"
        ordering = ["-created_at"]
        verbose_name = _("guardian link code")
        verbose_name_plural = _("guardian link codes")
        constraints = [
            models.UniqueConstraint(fields=["code"], name="uq_guardian_link_codes_code"),
            # Issuing a new code replaces the student's unused one.
            models.UniqueConstraint(
                fields=["student"],
                condition=Q(used_at__isnull=True),
                name="uq_guardian_link_codes_one_open_per_student",
            ),
            models.CheckConstraint(
                condition=Exact(Length("code"), LINK_CODE_LENGTH),
                name="ck_guardian_link_codes_code_length",
            ),
            models.CheckConstraint(
                condition=Q(expires_at__gt=F("created_at")),
                name="ck_guardian_link_codes_expire_after_creation",
            ),
            models.CheckConstraint(
                condition=Q(used_by__isnull=True) | Q(used_at__isnull=False),
                name="ck_guardian_link_codes_used_by_has_time",
            ),
        ]

    def __str__(self) -> str:
        return self.code


class GuardianReport(models.Model):
    """The weekly report to one guardian (covering all their students), recorded before it is
    sent: one per guardian per ISO week. `channel` is how it went out, or `none` with why."""

    class Channel(models.TextChoices):
        TELEGRAM = "telegram", _("Telegram")
        SMS = "sms", _("SMS")
        NONE = "none", _("Not sent")

    class Skipped(models.TextChoices):
        NO_CONSENT = "no_consent", _("No Telegram, and no consent to SMS")
        REFUSED = "refused", _("The address or the text was refused (see the log)")

    guardian = models.ForeignKey(
        Guardian,
        on_delete=models.CASCADE,
        related_name="weekly_reports",
        verbose_name=_("guardian"),
        db_index=False,  # uq_guardian_reports_guardian_week starts with it
    )
    week = models.CharField(_("week"), max_length=8, help_text=_("ISO week, e.g. 2026-W49"))
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("to"))
    channel = models.CharField(_("sent by"), max_length=10, choices=Channel.choices)
    skipped = models.CharField(
        _("why not sent"), max_length=20, choices=Skipped.choices, blank=True, default=""
    )
    text = models.TextField(_("text"), blank=True, default="")
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        db_table = "guardian_reports"
        ordering = ["-created_at"]
        verbose_name = _("weekly guardian report")
        verbose_name_plural = _("weekly guardian reports")
        constraints = [
            models.UniqueConstraint(
                fields=["guardian", "week"], name="uq_guardian_reports_guardian_week"
            ),
            models.CheckConstraint(
                condition=Q(channel__in=["telegram", "sms"], skipped="")
                | Q(channel="none", skipped__in=["no_consent", "refused"]),
                name="ck_guardian_reports_skipped_iff_not_sent",
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")),
                name="ck_guardian_reports_period_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.guardian} {self.week}"
