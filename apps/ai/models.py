from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.content.models import Problem


class AIJudgement(models.Model):
    """The model's verdict on one text answer to one problem, paid for once and reused.

    A row is written *before* the call, as a claim (`pending`): a concurrent request for the
    same (problem, answer) finds it and does not pay again; nobody waits on a lock while the
    call runs. The call's result turns it `done` (with the verdict) or `failed`.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Being judged")
        DONE = "done", _("Judged")
        FAILED = "failed", _("Failed")

    problem = models.ForeignKey(
        Problem, on_delete=models.CASCADE, related_name="+", verbose_name=_("problem")
    )
    normalised_answer = models.CharField(_("answer (normalised)"), max_length=500)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DONE, db_default="done"
    )
    is_correct = models.BooleanField(_("correct"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    model = models.CharField(_("model"), max_length=100)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    claimed_at = models.DateTimeField(_("claimed at"), default=timezone.now)

    class Meta:
        db_table = "ai_judgements"
        ordering = ["-created_at"]
        verbose_name = _("AI answer judgement")
        verbose_name_plural = _("AI answer judgements")
        constraints = [
            models.UniqueConstraint(
                fields=["problem", "normalised_answer"], name="uq_ai_judgements_problem_answer"
            ),
            models.CheckConstraint(
                condition=~Q(normalised_answer=""), name="ck_ai_judgements_answer_not_empty"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["pending", "done", "failed"]),
                name="ck_ai_judgements_status_valid",
            ),
            models.CheckConstraint(
                condition=~Q(status="done") | Q(is_correct__isnull=False),
                name="ck_ai_judgements_done_has_verdict",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.problem_id}: {self.normalised_answer!r} -> {self.is_correct}"


class HintGeneration(models.Model):
    """AI hint writing for one problem: the claim that stops a second paid call, and its log.

    Claimed (`pending`) before the call and committed, so a concurrent request or worker sees
    it and does not call again; `succeeded` or `failed` afterwards. A claim older than
    `AI_CLAIM_LEASE_SECONDS` is stale (its worker died) and may be taken over.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("In progress")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")

    problem = models.ForeignKey(
        Problem,
        on_delete=models.CASCADE,
        related_name="hint_generations",
        verbose_name=_("problem"),
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    attempts = models.IntegerField(_("attempts"), default=1)
    claimed_at = models.DateTimeField(_("started at"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    error = models.CharField(_("error"), max_length=300, blank=True, default="")

    class Meta:
        db_table = "ai_hint_generations"
        ordering = ["-claimed_at"]
        verbose_name = _("AI hint generation")
        verbose_name_plural = _("AI hint generations")
        constraints = [
            models.UniqueConstraint(fields=["problem"], name="uq_ai_hint_generations_problem"),
            models.CheckConstraint(
                condition=Q(status__in=["pending", "succeeded", "failed"]),
                name="ck_ai_hint_generations_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(attempts__gte=1), name="ck_ai_hint_generations_attempts_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.problem_id}: {self.status}"
