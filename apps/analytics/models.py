"""Item statistics kept by `refresh_stats` (apps.analytics.services.stats_refresh)."""

from django.db import models
from django.db.models import ExpressionWrapper, Q
from django.utils.translation import gettext_lazy as _

from apps.content.models import AnswerFeedback, Problem
from apps.students.models import Student


class ProblemStats(models.Model):
    """How students answer one problem: over all its versions in the columns (sortable in the
    admin), for its current version in `current`. Written only by the refresh."""

    problem = models.OneToOneField(
        Problem,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="stats",
        verbose_name=_("problem"),
    )
    version = models.IntegerField(_("current version"))
    attempts = models.IntegerField(_("attempts"), default=0)
    students = models.IntegerField(_("students"), default=0)
    first_correct = models.IntegerField(_("first answers right"), default=0)
    facility = models.FloatField(
        _("facility"), null=True, blank=True, help_text=_("Share of first answers that were right")
    )
    discrimination = models.FloatField(
        _("discrimination"),
        null=True,
        blank=True,
        help_text=_(
            "Point-biserial correlation between a right first answer and the student's "
            "ability: above 0.3 separates stronger from weaker students well, near 0 not at "
            "all, below 0 stronger students get it wrong more often"
        ),
    )
    mean_hints = models.FloatField(_("mean hints"), null=True, blank=True)
    no_hint_share = models.FloatField(_("answered with no hint"), null=True, blank=True)
    median_seconds = models.FloatField(_("median time (seconds)"), null=True, blank=True)
    attempts_en = models.IntegerField(_("attempts in English"), default=0)
    attempts_bn = models.IntegerField(_("attempts in Bengali"), default=0)
    students_en = models.IntegerField(_("students in English"), default=0)
    students_bn = models.IntegerField(_("students in Bengali"), default=0)
    facility_en = models.FloatField(_("facility in English"), null=True, blank=True)
    facility_bn = models.FloatField(_("facility in Bengali"), null=True, blank=True)
    # {"0": [attempts, correct], ..., "3": [...]}
    by_hints = models.JSONField(_("answers by hints used"), default=dict)
    # [{"answer": form, "example": typed, "count": n, "share": x}, ...], commonest first
    top_wrong = models.JSONField(_("commonest wrong answers"), default=list)
    # The same figures for the current version only.
    current = models.JSONField(_("current version"), default=dict)
    # The problem's authored feedback: [{"id", "answer", "form", "fired", "next_attempts",
    # "next_facility"}]: how often each was shown, and how students did on their next problem
    # of the topic afterwards.
    feedback = models.JSONField(_("feedback for wrong answers"), default=list)
    flag_key = models.BooleanField(_("key may be wrong"), default=False)
    flag_harder = models.BooleanField(_("harder than labelled"), default=False)
    flag_easier = models.BooleanField(_("easier than labelled"), default=False)
    flag_language = models.BooleanField(_("language gap"), default=False)
    flag_unanswered = models.BooleanField(_("never answered"), default=False)
    flag_hints = models.BooleanField(_("hints never help"), default=False)
    # Any flag: computed by the database, so it can never disagree with them.
    needs_attention = models.GeneratedField(
        expression=ExpressionWrapper(
            Q(flag_key=True)
            | Q(flag_harder=True)
            | Q(flag_easier=True)
            | Q(flag_language=True)
            | Q(flag_unanswered=True)
            | Q(flag_hints=True),
            output_field=models.BooleanField(),
        ),
        output_field=models.BooleanField(_("needs attention")),
        db_persist=True,
        verbose_name=_("needs attention"),
    )
    responses_through = models.BigIntegerField(_("answers counted up to id"), default=0)
    refreshed_at = models.DateTimeField(_("refreshed at"))

    class Meta:
        db_table = "problem_stats"
        verbose_name = _("problem statistics")
        verbose_name_plural = _("problem statistics")
        constraints = [
            models.CheckConstraint(
                condition=Q(attempts__gte=models.F("students"), students__gte=0),
                name="ck_problem_stats_students_le_attempts",
            ),
            models.CheckConstraint(
                condition=Q(first_correct__gte=0, first_correct__lte=models.F("students")),
                name="ck_problem_stats_first_correct_le_students",
            ),
            models.CheckConstraint(
                condition=Q(facility__isnull=True) | Q(facility__gte=0, facility__lte=1),
                name="ck_problem_stats_facility_0_to_1",
            ),
            models.CheckConstraint(
                condition=Q(discrimination__isnull=True)
                | Q(discrimination__gte=-1, discrimination__lte=1),
                name="ck_problem_stats_discrimination_minus_1_to_1",
            ),
        ]
        indexes = [
            models.Index(
                fields=["needs_attention"],
                name="idx_problem_stats_attention",
                condition=Q(needs_attention=True),
            ),
        ]

    def __str__(self) -> str:
        return f"statistics of {self.problem_id}"


class StatsRefresh(models.Model):
    """One run of the statistics refresh: what it counted up to and what it touched."""

    started_at = models.DateTimeField(_("started at"))
    finished_at = models.DateTimeField(_("finished at"))
    responses_through = models.BigIntegerField(_("answers counted up to id"))
    problems_touched = models.IntegerField(_("problems refreshed"))
    full = models.BooleanField(_("full refresh"), default=False)
    # Whether this refresh kept the additive counts (StatsCell …). A refresh after one that did
    # not (an installation upgraded from before them) rebuilds them from every answer.
    counts_kept = models.BooleanField(_("counts kept"), default=True, db_default=False)

    class Meta:
        db_table = "stats_refreshes"
        ordering = ["-id"]
        get_latest_by = "id"
        verbose_name = _("statistics refresh")
        verbose_name_plural = _("statistics refreshes")
        constraints = [
            models.CheckConstraint(
                condition=Q(finished_at__gte=models.F("started_at")),
                name="ck_stats_refreshes_finished_after_start",
            ),
            models.CheckConstraint(
                condition=Q(problems_touched__gte=0),
                name="ck_stats_refreshes_touched_nonnegative",
            ),
        ]

    def __str__(self) -> str:
        return f"refresh {self.pk} through {self.responses_through}"


class DailyActivity(models.Model):
    """One student's practice on one day of their own calendar (their time zone), kept by the
    statistics refresh from the answers it counts (additive: each answer is counted once)."""

    student = models.ForeignKey(
        Student,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("student"),
        db_index=False,  # the unique constraint starts with it
    )
    day = models.DateField(_("day"))
    answered = models.IntegerField(_("problems answered"), default=0)
    correct = models.IntegerField(_("right"), default=0)
    hints_used = models.IntegerField(_("hints used"), default=0)
    time_spent_seconds = models.IntegerField(_("time spent (seconds)"), default=0)
    sessions_completed = models.IntegerField(_("sessions completed"), default=0)
    streak = models.IntegerField(
        _("streak"), null=True, blank=True, help_text=_("After the day's last completed session")
    )

    class Meta:
        db_table = "daily_activity"
        ordering = ["student_id", "day"]
        verbose_name = _("daily activity")
        verbose_name_plural = _("daily activity")
        constraints = [
            models.UniqueConstraint(
                fields=["student", "day"], name="uq_daily_activity_student_day"
            ),
            models.CheckConstraint(
                condition=Q(correct__gte=0, answered__gte=models.F("correct")),
                name="ck_daily_activity_correct_le_answered",
            ),
            models.CheckConstraint(
                condition=Q(
                    hints_used__gte=0, time_spent_seconds__gte=0, sessions_completed__gte=0
                ),
                name="ck_daily_activity_counts_nonnegative",
            ),
        ]
        indexes = [models.Index(fields=["day"], name="idx_daily_activity_day")]

    def __str__(self) -> str:
        return f"{self.student_id} on {self.day}"


class DailyTotals(models.Model):
    """All students' activity on one calendar day (each student's own day), summed from
    `DailyActivity` by the refresh for the days it touched: what the dashboard charts read."""

    day = models.DateField(_("day"), primary_key=True)
    active_students = models.IntegerField(_("active students"), default=0)
    answered = models.IntegerField(_("problems answered"), default=0)
    correct = models.IntegerField(_("right"), default=0)
    hints_used = models.IntegerField(_("hints used"), default=0)
    time_spent_seconds = models.BigIntegerField(_("time spent (seconds)"), default=0)
    sessions_completed = models.IntegerField(_("sessions completed"), default=0)

    class Meta:
        db_table = "daily_totals"
        ordering = ["day"]
        verbose_name = _("daily totals")
        verbose_name_plural = _("daily totals")
        constraints = [
            models.CheckConstraint(
                condition=Q(correct__gte=0, answered__gte=models.F("correct")),
                name="ck_daily_totals_correct_le_answered",
            ),
        ]

    def __str__(self) -> str:
        return str(self.day)


# The additive counts behind ProblemStats. Each refresh adds only the answers given since the
# last one (an answer is counted once: the counts and the watermark commit together), so its
# cost follows the new answers, not the history; `refresh_stats --full` rebuilds them.


class StatsCell(models.Model):
    """Final answers to one problem sharing these traits, with the sum (and sum of squares) of
    the answering students' abilities when the answer was counted."""

    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="+")
    version = models.IntegerField()
    language = models.CharField(max_length=2)
    hints_used = models.SmallIntegerField()
    is_correct = models.BooleanField()
    first = models.BooleanField()  # the student's first final answer to the problem
    first_in_version = models.BooleanField()  # ... and to this version
    count = models.IntegerField()
    ability_sum = models.FloatField()
    ability_squares = models.FloatField()

    class Meta:
        db_table = "stats_cells"
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "problem",
                    "version",
                    "language",
                    "hints_used",
                    "is_correct",
                    "first",
                    "first_in_version",
                ],
                name="uq_stats_cells_key",
            ),
            models.CheckConstraint(condition=Q(count__gt=0), name="ck_stats_cells_count_positive"),
        ]

    def __str__(self) -> str:
        return f"cell of {self.problem_id} v{self.version}"


class StatsTime(models.Model):
    """How many final answers to a version of a problem took this many seconds."""

    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="+")
    version = models.IntegerField()
    seconds = models.IntegerField()
    count = models.IntegerField()

    class Meta:
        db_table = "stats_times"
        constraints = [
            models.UniqueConstraint(
                fields=["problem", "version", "seconds"], name="uq_stats_times_key"
            ),
            models.CheckConstraint(condition=Q(count__gt=0), name="ck_stats_times_count_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.seconds}s on {self.problem_id} v{self.version}"


class StatsWrong(models.Model):
    """How many times a wrong answer was given to a version of a problem, as typed (grouped by
    the checker's form when the statistics are derived, with the key of that moment)."""

    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="+")
    version = models.IntegerField()
    answer = models.CharField(max_length=500)
    count = models.IntegerField()

    class Meta:
        db_table = "stats_wrong_answers"
        constraints = [
            models.UniqueConstraint(
                fields=["problem", "version", "answer"], name="uq_stats_wrong_answers_key"
            ),
            models.CheckConstraint(
                condition=Q(count__gt=0), name="ck_stats_wrong_answers_count_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.answer!r} to {self.problem_id} v{self.version}"


class StatsFeedback(models.Model):
    """How often authored feedback was shown, and how the student did on their next answer in
    the same topic."""

    feedback = models.OneToOneField(
        AnswerFeedback, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    fired = models.IntegerField(default=0)
    followed = models.IntegerField(default=0)
    followed_right = models.IntegerField(default=0)

    class Meta:
        db_table = "stats_feedback"
        constraints = [
            models.CheckConstraint(
                condition=Q(fired__gte=0, followed__gte=0, followed_right__gte=0)
                & Q(followed_right__lte=models.F("followed")),
                name="ck_stats_feedback_counts_consistent",
            ),
        ]

    def __str__(self) -> str:
        return f"counts of feedback {self.feedback_id}"
