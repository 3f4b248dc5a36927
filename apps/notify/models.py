from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from apps.notify.domain import CHANNELS, KINDS, STATUSES
from apps.students.models import Guardian, Student


class OutgoingMessage(models.Model):
    """One message Dars sends (a Telegram message or an SMS), from the moment it is queued to
    its end: sent, failed (given up, or refused for good) or skipped (over the SMS budget).

    The worker claims a row (queued → sending) with a conditional UPDATE before it calls the
    provider, so two workers never send one message (README, "Messages out").
    """

    class Channel(models.TextChoices):
        TELEGRAM = "telegram", _("Telegram")
        SMS = "sms", _("SMS")

    class Kind(models.TextChoices):
        REPLY = "reply", pgettext_lazy("message kind", "Bot reply")
        REMINDER = "reminder", pgettext_lazy("message kind", "Streak reminder")
        GUARDIAN_REPORT = "guardian_report", pgettext_lazy("message kind", "Guardian report")
        TEST_REPORT = "test_report", pgettext_lazy("message kind", "Test report")

    class Status(models.TextChoices):
        QUEUED = "queued", pgettext_lazy("message status", "Queued")
        SENDING = "sending", pgettext_lazy("message status", "Sending")
        SENT = "sent", pgettext_lazy("message status", "Sent")
        FAILED = "failed", pgettext_lazy("message status", "Failed")
        SKIPPED = "skipped", pgettext_lazy("message status", "Skipped")

    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    to = models.CharField(
        _("recipient"),
        max_length=32,
        help_text=_("A Telegram chat id, or a phone number in international format (+880…)"),
    )
    text = models.TextField(_("text"))
    reply_markup = models.JSONField(_("buttons"), null=True, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    student = models.ForeignKey(
        Student,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="outgoing_messages",
        verbose_name=_("student"),
    )
    guardian = models.ForeignKey(
        Guardian,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="outgoing_messages",
        verbose_name=_("guardian"),
    )
    # NULL (no key) is not a duplicate of another NULL: the unique constraint is partial.
    dedupe_key = models.CharField(  # noqa: DJ001
        _("deduplication key"), max_length=200, null=True, blank=True
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    # When the current attempt claimed the row (status sending).
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=500, blank=True, default="")
    provider_message_id = models.CharField(
        _("provider's message id"), max_length=64, blank=True, default=""
    )
    # SMS only: segments billed (Twilio's count when it gives one).
    segments = models.PositiveSmallIntegerField(_("SMS segments"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        db_table = "outgoing_messages"
        ordering = ["-created_at", "-id"]
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        constraints = [
            models.CheckConstraint(
                condition=Q(channel__in=list(CHANNELS)), name="ck_outgoing_messages_channel_valid"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=list(KINDS)), name="ck_outgoing_messages_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=list(STATUSES)), name="ck_outgoing_messages_status_valid"
            ),
            models.CheckConstraint(
                condition=~Q(status="sent") | Q(sent_at__isnull=False),
                name="ck_outgoing_messages_sent_has_sent_at",
            ),
            models.CheckConstraint(
                condition=~Q(status="sending") | Q(claimed_at__isnull=False),
                name="ck_outgoing_messages_sending_has_claimed_at",
            ),
            models.CheckConstraint(
                condition=~Q(text=""), name="ck_outgoing_messages_text_not_empty"
            ),
            models.CheckConstraint(condition=~Q(to=""), name="ck_outgoing_messages_to_not_empty"),
            models.CheckConstraint(
                condition=Q(reply_markup__isnull=True) | Q(channel="telegram"),
                name="ck_outgoing_messages_reply_markup_telegram_only",
            ),
            models.UniqueConstraint(
                fields=["dedupe_key"],
                condition=Q(dedupe_key__isnull=False),
                name="uq_outgoing_messages_dedupe_key",
            ),
        ]
        indexes = [
            # The sweeper: messages still to send (queued, due) and claims left behind.
            models.Index(
                fields=["status", "next_attempt_at"],
                condition=Q(status__in=["queued", "sending"]),
                name="idx_outgoing_pending",
            ),
            models.Index(fields=["created_at"], name="idx_outgoing_created"),
            models.Index(fields=["to", "created_at"], name="idx_outgoing_to_created"),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} → {self.to} ({self.get_status_display()})"
