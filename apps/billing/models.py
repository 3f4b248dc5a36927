from django.db import models
from django.db.models import Q
from django.utils import timezone

from apps.content.models import Problem
from apps.practice.models import PracticeSession
from apps.students.models import Student


class ModelPrice(models.Model):
    """What one model costs, in USD per million tokens. Prices are data, edited in the admin."""

    provider = models.CharField(max_length=20, default="claude")
    model = models.CharField(max_length=100)
    input_usd_per_mtok = models.DecimalField(max_digits=10, decimal_places=4)
    output_usd_per_mtok = models.DecimalField(max_digits=10, decimal_places=4)
    cache_write_usd_per_mtok = models.DecimalField(max_digits=10, decimal_places=4, default=0)
    cache_read_usd_per_mtok = models.DecimalField(max_digits=10, decimal_places=4, default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "model_prices"
        ordering = ["provider", "model"]
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


class CostRecord(models.Model):
    """One external call that costs money, whether it succeeded or not."""

    class Operation(models.TextChoices):
        HINT_GENERATION = "hint_generation", "Hint generation"
        ANSWER_EVALUATION = "answer_evaluation", "Answer evaluation"
        NOTIFICATION = "notification", "Notification"

    class Provider(models.TextChoices):
        CLAUDE = "claude", "Claude (Anthropic)"
        TWILIO = "twilio", "Twilio"

    # Spend stays on the books when a student is deleted, so monthly totals never change.
    student = models.ForeignKey(
        Student, on_delete=models.SET_NULL, null=True, blank=True, related_name="cost_records"
    )
    session = models.ForeignKey(
        PracticeSession,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="cost_records",
    )
    # The problem a hint generation or answer judgement was for (kept if the problem goes).
    problem = models.ForeignKey(
        Problem, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    operation = models.CharField(max_length=30, choices=Operation.choices)
    provider = models.CharField(max_length=20, choices=Provider.choices)
    model = models.CharField(max_length=100, blank=True)
    input_tokens = models.IntegerField(default=0)
    output_tokens = models.IntegerField(default=0)
    cache_creation_input_tokens = models.IntegerField(default=0)
    cache_read_input_tokens = models.IntegerField(default=0)
    cost_usd = models.DecimalField(max_digits=12, decimal_places=6)
    succeeded = models.BooleanField(default=True, db_default=True)
    error = models.CharField(max_length=300, blank=True, default="", db_default="")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "cost_records"
        ordering = ["-recorded_at"]
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


class AIJudgement(models.Model):
    """The model's verdict on one text answer to one problem, paid for once and reused."""

    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="+")
    normalised_answer = models.CharField(max_length=500)
    is_correct = models.BooleanField()
    reason = models.CharField(max_length=500, blank=True)
    model = models.CharField(max_length=100)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "ai_judgements"
        ordering = ["-created_at"]
        verbose_name = "AI answer judgement"
        constraints = [
            models.UniqueConstraint(
                fields=["problem", "normalised_answer"], name="uq_ai_judgements_problem_answer"
            ),
            models.CheckConstraint(
                condition=~Q(normalised_answer=""), name="ck_ai_judgements_answer_not_empty"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.problem_id}: {self.normalised_answer!r} -> {self.is_correct}"
