from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.content.models import Problem
from apps.practice.models import PracticeSession
from apps.students.models import Guardian, Student


class ModelPrice(models.Model):
    """What one model costs, in USD per million tokens. Prices are data, edited in the admin."""

    provider = models.CharField(_("provider"), max_length=20, default="claude")
    model = models.CharField(_("model"), max_length=100)
    input_usd_per_mtok = models.DecimalField(
        _("input, USD per million tokens"), max_digits=10, decimal_places=4
    )
    output_usd_per_mtok = models.DecimalField(
        _("output, USD per million tokens"), max_digits=10, decimal_places=4
    )
    cache_write_usd_per_mtok = models.DecimalField(
        _("cache write, USD per million tokens"), max_digits=10, decimal_places=4, default=0
    )
    cache_read_usd_per_mtok = models.DecimalField(
        _("cache read, USD per million tokens"), max_digits=10, decimal_places=4, default=0
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        db_table = "model_prices"
        ordering = ["provider", "model"]
        verbose_name = _("model price")
        verbose_name_plural = _("model prices")
        constraints = [
            models.UniqueConstraint(fields=["provider", "model"], name="uq_model_prices_model"),
            models.CheckConstraint(
                condition=Q(input_usd_per_mtok__gte=0)
                & Q(output_usd_per_mtok__gte=0)
                & Q(cache_write_usd_per_mtok__gte=0)
                & Q(cache_read_usd_per_mtok__gte=0),
                name="ck_model_prices_nonnegative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.provider}/{self.model}"


class SmsPrice(models.Model):
    """What one SMS segment costs to destinations starting with `prefix` (the longest matching
    prefix wins; `+` alone is the fallback). Prices are data, edited in the admin."""

    class Provider(models.TextChoices):
        TWILIO = "twilio", "Twilio"

    provider = models.CharField(
        _("provider"), max_length=20, choices=Provider.choices, default=Provider.TWILIO
    )
    prefix = models.CharField(
        _("number prefix"),
        max_length=8,
        validators=[
            RegexValidator(
                r"^\+[0-9]{0,7}$", message=_("A prefix is + and up to 7 digits, e.g. +880.")
            )
        ],
        help_text=_(
            "The start of the phone numbers this price is for, e.g. +880 for Bangladesh; "
            "+ alone is the price for every other country."
        ),
    )
    usd_per_segment = models.DecimalField(
        _("USD per SMS segment"),
        max_digits=8,
        decimal_places=4,
        validators=[MinValueValidator(0)],
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        db_table = "sms_prices"
        ordering = ["provider", "prefix"]
        verbose_name = _("SMS price")
        verbose_name_plural = _("SMS prices")
        constraints = [
            models.UniqueConstraint(fields=["provider", "prefix"], name="uq_sms_prices_prefix"),
            models.CheckConstraint(
                condition=Q(prefix__regex=r"^\+[0-9]{0,7}$"), name="ck_sms_prices_prefix_format"
            ),
            models.CheckConstraint(
                condition=Q(usd_per_segment__gte=0), name="ck_sms_prices_nonnegative"
            ),
            models.CheckConstraint(
                condition=Q(provider__in=["twilio"]), name="ck_sms_prices_provider_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.provider} {self.prefix}: {self.usd_per_segment} USD"


class CostRecord(models.Model):
    """One external call that costs money, whether it succeeded or not."""

    class Operation(models.TextChoices):
        HINT_GENERATION = "hint_generation", _("Hint generation")
        ANSWER_EVALUATION = "answer_evaluation", _("Answer evaluation")
        NOTIFICATION = "notification", _("Notification")

    class Provider(models.TextChoices):
        CLAUDE = "claude", "Claude (Anthropic)"
        TWILIO = "twilio", "Twilio"

    # Spend stays on the books when a student is deleted, so monthly totals never change.
    student = models.ForeignKey(
        Student,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="cost_records",
        verbose_name=_("student"),
    )
    # The guardian an SMS went to (guardian reports), kept like the student.
    guardian = models.ForeignKey(
        Guardian,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="cost_records",
        verbose_name=_("guardian"),
    )
    session = models.ForeignKey(
        PracticeSession,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="cost_records",
        verbose_name=_("session"),
    )
    # The problem a hint generation or answer judgement was for (kept if the problem goes).
    problem = models.ForeignKey(
        Problem,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("problem"),
    )
    operation = models.CharField(_("operation"), max_length=30, choices=Operation.choices)
    provider = models.CharField(_("provider"), max_length=20, choices=Provider.choices)
    model = models.CharField(_("model"), max_length=100, blank=True)
    input_tokens = models.IntegerField(_("input tokens"), default=0)
    output_tokens = models.IntegerField(_("output tokens"), default=0)
    cache_creation_input_tokens = models.IntegerField(_("cache write tokens"), default=0)
    cache_read_input_tokens = models.IntegerField(_("cache read tokens"), default=0)
    cost_usd = models.DecimalField(_("cost (USD)"), max_digits=12, decimal_places=6)
    succeeded = models.BooleanField(_("succeeded"), default=True, db_default=True)
    error = models.CharField(_("error"), max_length=300, blank=True, default="", db_default="")
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        db_table = "cost_records"
        ordering = ["-recorded_at"]
        verbose_name = _("cost record")
        verbose_name_plural = _("cost records")
        constraints = [
            models.CheckConstraint(
                condition=Q(cost_usd__gte=0), name="ck_cost_records_cost_nonnegative"
            ),
            models.CheckConstraint(
                condition=Q(operation__in=["hint_generation", "answer_evaluation", "notification"]),
                name="ck_cost_records_operation_valid",
            ),
            models.CheckConstraint(
                condition=Q(provider__in=["claude", "twilio"]),
                name="ck_cost_records_provider_valid",
            ),
            models.CheckConstraint(
                condition=Q(input_tokens__gte=0)
                & Q(output_tokens__gte=0)
                & Q(cache_creation_input_tokens__gte=0)
                & Q(cache_read_input_tokens__gte=0),
                name="ck_cost_records_tokens_nonnegative",
            ),
        ]
        indexes = [
            models.Index(fields=["student", "recorded_at"], name="idx_cost_student_recorded"),
            models.Index(fields=["recorded_at"], name="idx_cost_recorded_at"),
            models.Index(fields=["operation", "recorded_at"], name="idx_cost_operation_recorded"),
        ]

    def __str__(self) -> str:
        return f"{self.operation} {self.cost_usd} USD"


# The AI's operations: what the AI budgets and the AI spend report count (SMS, `notification`,
# has a budget of its own: NOTIFY_SMS_MONTHLY_BUDGET_USD).
AI_OPERATIONS = (CostRecord.Operation.HINT_GENERATION, CostRecord.Operation.ANSWER_EVALUATION)
