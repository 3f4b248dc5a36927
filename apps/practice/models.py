from decimal import Decimal

from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from apps.content.models import Problem, Topic
from apps.core.models import TimeStampedModel
from apps.students.models import Student

PROBLEMS_PER_SESSION = 5
MAX_HINTS = 3
MILESTONES = (7, 14, 30, 60, 90, 180, 365)
MAX_FREEZES = 2


class PracticeSession(TimeStampedModel):
    """A daily set of five problems for one student."""

    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress", "In progress"
        COMPLETED = "completed", "Completed"
        ABANDONED = "abandoned", "Abandoned"

    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="sessions")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.IN_PROGRESS)
    started_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    completed_at = models.DateTimeField(null=True, blank=True)
    total_time_seconds = models.IntegerField(default=0)
    problems_correct = models.SmallIntegerField(default=0)
    # What the completing answer reported, kept so a retried request gets the same summary.
    streak_after = models.IntegerField(null=True, blank=True)
    milestone_reached = models.SmallIntegerField(null=True, blank=True)
    freeze_used = models.BooleanField(default=False, db_default=False)
    problems = models.ManyToManyField(Problem, through="SessionProblem", related_name="+")

    class Meta:
        db_table = "sessions"
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["in_progress", "completed", "abandoned"]),
                name="ck_sessions_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(problems_correct__gte=0, problems_correct__lte=PROBLEMS_PER_SESSION),
                name="ck_sessions_problems_correct_0_to_5",
            ),
            models.CheckConstraint(
                condition=Q(total_time_seconds__gte=0),
                name="ck_sessions_total_time_nonnegative",
            ),
            models.CheckConstraint(
                condition=Q(expires_at__gt=F("started_at")),
                name="ck_sessions_expires_after_start",
            ),
            models.CheckConstraint(
                condition=~Q(status="completed") | Q(completed_at__isnull=False),
                name="ck_sessions_completed_has_time",
            ),
            models.CheckConstraint(
                condition=Q(milestone_reached__isnull=True)
                | Q(milestone_reached__in=list(MILESTONES)),
                name="ck_sessions_milestone_valid",
            ),
            # At most one open session per student: starting twice returns the open one.
            models.UniqueConstraint(
                fields=["student"],
                condition=Q(status="in_progress"),
                name="uq_sessions_one_in_progress_per_student",
            ),
        ]
        indexes = [
            models.Index(fields=["student", "created_at"], name="idx_sessions_student_created"),
            models.Index(fields=["status"], name="idx_sessions_status"),
        ]

    def __str__(self) -> str:
        return f"session {self.pk} of {self.student_id} ({self.status})"


class SessionProblem(models.Model):
    """A problem's place (1–5) in a session."""

    session = models.ForeignKey(
        PracticeSession, on_delete=models.CASCADE, related_name="session_problems"
    )
    problem = models.ForeignKey(Problem, on_delete=models.PROTECT, related_name="+")
    position = models.SmallIntegerField()

    class Meta:
        db_table = "session_problems"
        ordering = ["session_id", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "position"], name="uq_session_problems_position"
            ),
            models.UniqueConstraint(
                fields=["session", "problem"], name="uq_session_problems_problem"
            ),
            models.CheckConstraint(
                condition=Q(position__gte=1, position__lte=PROBLEMS_PER_SESSION),
                name="ck_session_problems_position_1_to_5",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.session_id}#{self.position}: {self.problem_id}"


class Response(models.Model):
    """A student's final answer to one problem of a session."""

    class Confidence(models.TextChoices):
        LOW = "low", "Low"
        MEDIUM = "medium", "Medium"
        HIGH = "high", "High"

    session = models.ForeignKey(PracticeSession, on_delete=models.CASCADE, related_name="responses")
    # Retiring or even trying to delete a problem never removes what students answered.
    problem = models.ForeignKey(Problem, on_delete=models.PROTECT, related_name="responses")
    student_answer = models.CharField(max_length=500)
    is_correct = models.BooleanField()
    time_spent_seconds = models.IntegerField(default=0)
    hints_used = models.SmallIntegerField(default=0)
    confidence = models.CharField(
        max_length=10, choices=Confidence.choices, default=Confidence.MEDIUM
    )
    evaluated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "responses"
        ordering = ["session_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "problem"], name="uq_responses_session_problem"
            ),
            models.CheckConstraint(
                condition=Q(time_spent_seconds__gte=0),
                name="ck_responses_time_spent_nonnegative",
            ),
            models.CheckConstraint(
                condition=Q(hints_used__gte=0, hints_used__lte=MAX_HINTS),
                name="ck_responses_hints_used_0_to_3",
            ),
            models.CheckConstraint(
                condition=Q(confidence__in=["low", "medium", "high"]),
                name="ck_responses_confidence_valid",
            ),
        ]
        indexes = [models.Index(fields=["problem"], name="idx_responses_problem")]

    def __str__(self) -> str:
        return f"response {self.pk} ({'correct' if self.is_correct else 'incorrect'})"


class HintView(models.Model):
    """Which hint levels a student opened for a problem in a session, and when."""

    session = models.ForeignKey(
        PracticeSession, on_delete=models.CASCADE, related_name="hint_views"
    )
    problem = models.ForeignKey(Problem, on_delete=models.PROTECT, related_name="+")
    level = models.SmallIntegerField()
    viewed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "hint_views"
        ordering = ["session_id", "problem_id", "level"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "problem", "level"], name="uq_hint_views_session_problem_level"
            ),
            models.CheckConstraint(
                condition=Q(level__gte=1, level__lte=MAX_HINTS), name="ck_hint_views_level_1_to_3"
            ),
        ]

    def __str__(self) -> str:
        return f"hint {self.level} of {self.problem_id} in session {self.session_id}"


class Streak(TimeStampedModel):
    """A student's run of consecutive practice days (counted in their local date)."""

    student = models.OneToOneField(Student, on_delete=models.CASCADE, related_name="streak")
    current_streak = models.IntegerField(default=0)
    longest_streak = models.IntegerField(default=0)
    last_practice_date = models.DateField(null=True, blank=True)
    # Streak freezes held: one earned per 7-day stretch, at most 2; one covers a missed day.
    freezes = models.SmallIntegerField(default=0, db_default=0)
    freezes_used = models.IntegerField(default=0, db_default=0)

    class Meta:
        db_table = "streaks"
        constraints = [
            models.CheckConstraint(
                condition=Q(current_streak__gte=0), name="ck_streaks_current_nonnegative"
            ),
            models.CheckConstraint(
                condition=Q(longest_streak__gte=F("current_streak")),
                name="ck_streaks_longest_gte_current",
            ),
            models.CheckConstraint(
                condition=Q(freezes__gte=0, freezes__lte=MAX_FREEZES),
                name="ck_streaks_freezes_0_to_2",
            ),
            models.CheckConstraint(
                condition=Q(freezes_used__gte=0), name="ck_streaks_freezes_used_nonnegative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.student_id}: {self.current_streak} (best {self.longest_streak})"


class StreakMilestone(models.Model):
    """A streak milestone (7, 14, 30, 60, 90, 180 or 365 days), recorded once per student."""

    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="milestones")
    days = models.SmallIntegerField()
    achieved_on = models.DateField()

    class Meta:
        db_table = "streak_milestones"
        ordering = ["student_id", "days"]
        constraints = [
            models.UniqueConstraint(fields=["student", "days"], name="uq_streak_milestones_once"),
            models.CheckConstraint(
                condition=Q(days__in=list(MILESTONES)), name="ck_streak_milestones_days_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.student_id}: {self.days} days"


class TopicMastery(TimeStampedModel):
    """How well a student knows a topic, and when to review it (SM-2 style scheduling)."""

    class Level(models.TextChoices):
        NOT_STARTED = "not_started", "Not started"
        DEVELOPING = "developing", "Developing"
        CONSOLIDATING = "consolidating", "Consolidating"
        SECURE = "secure", "Secure"

    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="mastery")
    topic = models.ForeignKey(Topic, on_delete=models.PROTECT, related_name="+")
    level = models.CharField(max_length=20, choices=Level.choices, default=Level.NOT_STARTED)
    attempts = models.IntegerField(default=0)
    correct = models.IntegerField(default=0)
    next_review_date = models.DateField(null=True, blank=True)
    interval_days = models.IntegerField(default=0)
    ease = models.DecimalField(max_digits=4, decimal_places=2, default=Decimal("2.50"))
    # The latest outcomes, oldest first: C correct, H correct with hints, X wrong (at most 10).
    recent = models.CharField(max_length=10, blank=True, default="", db_default="")
    last_practiced_on = models.DateField(null=True, blank=True)

    class Meta:
        db_table = "topic_mastery"
        constraints = [
            models.UniqueConstraint(
                fields=["student", "topic"], name="uq_topic_mastery_student_topic"
            ),
            models.CheckConstraint(
                condition=Q(level__in=["not_started", "developing", "consolidating", "secure"]),
                name="ck_topic_mastery_level_valid",
            ),
            models.CheckConstraint(
                condition=Q(correct__gte=0, attempts__gte=F("correct")),
                name="ck_topic_mastery_correct_le_attempts",
            ),
            models.CheckConstraint(
                condition=Q(interval_days__gte=0), name="ck_topic_mastery_interval_nonnegative"
            ),
            models.CheckConstraint(
                condition=Q(ease__gte=1.3, ease__lte=5), name="ck_topic_mastery_ease_1_3_to_5"
            ),
        ]
        indexes = [
            models.Index(fields=["student", "next_review_date"], name="idx_mastery_student_review")
        ]

    def __str__(self) -> str:
        return f"{self.student_id} / {self.topic_id}: {self.level}"
