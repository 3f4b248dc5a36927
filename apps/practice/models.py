import datetime as dt

from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.content.domain import HINT_LEVELS
from apps.content.models import AnswerFeedback, Problem, Topic
from apps.core.models import TimeStampedModel
from apps.practice import mastery as mastery_rules
from apps.practice import streaks as streak_rules
from apps.practice.selection import PROBLEMS_PER_SESSION
from apps.students.models import Student

MAX_HINTS = len(HINT_LEVELS)


def session_status(status: str, expires_at: dt.datetime, now: dt.datetime) -> str:
    """A session's status as of `now`: an open session past its time reads as abandoned,
    whether or not the worker has marked it yet (reads never write)."""
    if status == "in_progress" and expires_at <= now:
        return "abandoned"
    return status


class PracticeSession(TimeStampedModel):
    """A daily set of five problems for one student."""

    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress", _("In progress")
        COMPLETED = "completed", _("Completed")
        ABANDONED = "abandoned", _("Abandoned")

    student = models.ForeignKey(
        Student,
        on_delete=models.CASCADE,
        related_name="sessions",
        verbose_name=_("student"),
        db_index=False,  # the composite indexes below start with it
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.IN_PROGRESS
    )
    started_at = models.DateTimeField(_("started at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"))
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    total_time_seconds = models.IntegerField(_("time spent (seconds)"), default=0)
    problems_correct = models.SmallIntegerField(_("problems correct"), default=0)
    # What the completing answer reported, kept so a retried request gets the same summary.
    streak_after = models.IntegerField(_("streak after"), null=True, blank=True)
    milestone_reached = models.SmallIntegerField(_("milestone reached"), null=True, blank=True)
    freeze_used = models.BooleanField(_("streak freeze used"), default=False, db_default=False)
    problems = models.ManyToManyField(Problem, through="SessionProblem", related_name="+")

    class Meta:
        db_table = "sessions"
        ordering = ["-created_at"]
        verbose_name = _("practice session")
        verbose_name_plural = _("practice sessions")
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
                | Q(milestone_reached__in=list(streak_rules.MILESTONES)),
                name="ck_sessions_milestone_valid",
            ),
            # At most one open session per student: starting twice returns the open one.
            models.UniqueConstraint(
                fields=["student"],
                condition=Q(status="in_progress"),
                name="uq_sessions_one_in_progress_per_student",
            ),
        ]
        # No index on status alone: the sessions still in progress, which the worker's expiry
        # looks for, are the partial unique index above.
        indexes = [
            models.Index(fields=["student", "created_at"], name="idx_sessions_student_created"),
        ]

    def __str__(self) -> str:
        return f"session {self.pk} of {self.student_id} ({self.status})"

    def status_at(self, now: dt.datetime) -> str:
        return session_status(self.status, self.expires_at, now)


class SessionProblem(models.Model):
    """A problem's place (1–5) in a session."""

    session = models.ForeignKey(
        PracticeSession,
        on_delete=models.CASCADE,
        related_name="session_problems",
        verbose_name=_("session"),
        db_index=False,  # the composite indexes below start with it
    )
    problem = models.ForeignKey(
        Problem, on_delete=models.PROTECT, related_name="+", verbose_name=_("problem")
    )
    position = models.SmallIntegerField(_("position"))

    class Meta:
        db_table = "session_problems"
        ordering = ["session_id", "position"]
        verbose_name = _("session problem")
        verbose_name_plural = _("session problems")
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
        LOW = "low", _("Low")
        MEDIUM = "medium", _("Medium")
        HIGH = "high", _("High")

    session = models.ForeignKey(
        PracticeSession,
        on_delete=models.CASCADE,
        related_name="responses",
        verbose_name=_("session"),
        db_index=False,  # the composite indexes below start with it
    )
    # Retiring or even trying to delete a problem never removes what students answered.
    problem = models.ForeignKey(
        Problem,
        on_delete=models.PROTECT,
        related_name="responses",
        verbose_name=_("problem"),
        db_index=False,  # idx_responses_problem
    )
    # The version of the problem the answer was judged against (what the student saw).
    problem_version = models.IntegerField(_("problem version"), default=1, db_default=1)
    student_answer = models.CharField(_("student's answer"), max_length=500)
    is_correct = models.BooleanField(_("correct"))
    time_spent_seconds = models.IntegerField(_("time spent (seconds)"), default=0)
    hints_used = models.SmallIntegerField(_("hints used"), default=0)
    confidence = models.CharField(
        _("confidence"), max_length=10, choices=Confidence.choices, default=Confidence.MEDIUM
    )
    # The language the student saw the problem in (item statistics compare the two).
    language = models.CharField(
        _("language"),
        max_length=2,
        choices=Student.Language.choices,
        default=Student.Language.BENGALI,
        db_default=Student.Language.BENGALI,
    )
    evaluated_at = models.DateTimeField(_("answered at"), default=timezone.now)
    # The authored feedback the student was shown with this (wrong) answer; emptied if the
    # content team removes that feedback later (the answer itself is kept).
    feedback = models.ForeignKey(
        AnswerFeedback,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("feedback shown"),
        db_index=False,  # idx_responses_feedback, partial: most answers have none
    )

    class Meta:
        db_table = "responses"
        ordering = ["session_id", "id"]
        verbose_name = _("response")
        verbose_name_plural = _("responses")
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
            models.CheckConstraint(
                condition=Q(problem_version__gte=1), name="ck_responses_problem_version_positive"
            ),
            models.CheckConstraint(
                condition=Q(language__in=Student.Language.values),
                name="ck_responses_language_valid",
            ),
            models.CheckConstraint(
                condition=Q(feedback__isnull=True) | Q(is_correct=False),
                name="ck_responses_feedback_only_when_wrong",
            ),
        ]
        indexes = [
            models.Index(fields=["problem"], name="idx_responses_problem"),
            # What removing feedback empties (and the foreign key's check) finds by it; only
            # the few answers that were shown feedback are in it, so answering stays cheap.
            models.Index(
                fields=["feedback"],
                condition=Q(feedback__isnull=False),
                name="idx_responses_feedback",
            ),
        ]

    def __str__(self) -> str:
        return f"response {self.pk} ({'correct' if self.is_correct else 'incorrect'})"


class HintView(models.Model):
    """Which hint levels a student opened for a problem in a session, and when."""

    session = models.ForeignKey(
        PracticeSession,
        on_delete=models.CASCADE,
        related_name="hint_views",
        verbose_name=_("session"),
        db_index=False,  # the composite indexes below start with it
    )
    problem = models.ForeignKey(
        Problem, on_delete=models.PROTECT, related_name="+", verbose_name=_("problem")
    )
    level = models.SmallIntegerField(_("level"))
    viewed_at = models.DateTimeField(_("viewed at"), default=timezone.now)

    class Meta:
        db_table = "hint_views"
        ordering = ["session_id", "problem_id", "level"]
        verbose_name = _("hint view")
        verbose_name_plural = _("hint views")
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

    student = models.OneToOneField(
        Student, on_delete=models.CASCADE, related_name="streak", verbose_name=_("student")
    )
    current_streak = models.IntegerField(_("current streak"), default=0)
    longest_streak = models.IntegerField(_("longest streak"), default=0)
    last_practice_date = models.DateField(_("last practice date"), null=True, blank=True)
    # Streak freezes held: one earned per 7-day stretch, at most 2; one covers a missed day.
    freezes = models.SmallIntegerField(_("freezes held"), default=0, db_default=0)
    freezes_used = models.IntegerField(_("freezes used"), default=0, db_default=0)

    class Meta:
        db_table = "streaks"
        verbose_name = _("streak")
        verbose_name_plural = _("streaks")
        constraints = [
            models.CheckConstraint(
                condition=Q(current_streak__gte=0), name="ck_streaks_current_nonnegative"
            ),
            models.CheckConstraint(
                condition=Q(longest_streak__gte=F("current_streak")),
                name="ck_streaks_longest_gte_current",
            ),
            models.CheckConstraint(
                condition=Q(freezes__gte=0, freezes__lte=streak_rules.MAX_FREEZES),
                name="ck_streaks_freezes_0_to_2",
            ),
            models.CheckConstraint(
                condition=Q(freezes_used__gte=0), name="ck_streaks_freezes_used_nonnegative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.student_id}: {self.current_streak} (best {self.longest_streak})"

    STATE_FIELDS = (
        "current_streak",
        "longest_streak",
        "last_practice_date",
        "freezes",
        "freezes_used",
    )

    def as_state(self) -> streak_rules.StreakState:
        return streak_rules.StreakState(
            current=self.current_streak,
            longest=self.longest_streak,
            last_date=self.last_practice_date,
            freezes=self.freezes,
        )

    def apply_state(self, state: streak_rules.StreakState) -> None:
        self.current_streak, self.longest_streak = state.current, state.longest
        self.last_practice_date, self.freezes = state.last_date, state.freezes


class StreakMilestone(models.Model):
    """A streak milestone (7, 14, 30, 60, 90, 180 or 365 days), recorded once per student."""

    student = models.ForeignKey(
        Student, on_delete=models.CASCADE, related_name="milestones", verbose_name=_("student")
    )
    days = models.SmallIntegerField(_("days"))
    achieved_on = models.DateField(_("achieved on"))

    class Meta:
        db_table = "streak_milestones"
        ordering = ["student_id", "days"]
        verbose_name = _("streak milestone")
        verbose_name_plural = _("streak milestones")
        constraints = [
            models.UniqueConstraint(fields=["student", "days"], name="uq_streak_milestones_once"),
            models.CheckConstraint(
                condition=Q(days__in=list(streak_rules.MILESTONES)),
                name="ck_streak_milestones_days_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.student_id}: {self.days} days"


class TopicMastery(TimeStampedModel):
    """How well a student knows a topic, and when to review it (FSRS scheduling)."""

    class Level(models.TextChoices):
        NOT_STARTED = mastery_rules.NOT_STARTED, _("Not started")
        DEVELOPING = mastery_rules.DEVELOPING, _("Developing")
        CONSOLIDATING = mastery_rules.CONSOLIDATING, _("Consolidating")
        SECURE = mastery_rules.SECURE, _("Secure")

    student = models.ForeignKey(
        Student,
        on_delete=models.CASCADE,
        related_name="mastery",
        verbose_name=_("student"),
        db_index=False,  # the composite indexes below start with it
    )
    topic = models.ForeignKey(
        Topic, on_delete=models.PROTECT, related_name="+", verbose_name=_("topic")
    )
    level = models.CharField(
        _("level"), max_length=20, choices=Level.choices, default=Level.NOT_STARTED
    )
    attempts = models.IntegerField(_("attempts"), default=0)
    correct = models.IntegerField(_("correct"), default=0)
    # Not indexed: it is only read among one student's rows (uq_topic_mastery_student_topic
    # finds them), and every answer changes it, which would make each update touch an index.
    next_review_date = models.DateField(_("next review"), null=True, blank=True)
    # FSRS memory state: days until recall falls to the desired retention, and difficulty 1-10.
    stability = models.FloatField(_("stability (days)"), null=True, blank=True)
    difficulty = models.FloatField(_("difficulty (1–10)"), null=True, blank=True)
    # The latest outcomes, oldest first: C correct, H correct with hints, X wrong (at most 10).
    recent = models.CharField(
        _("recent answers"), max_length=10, blank=True, default="", db_default=""
    )
    last_practiced_on = models.DateField(_("last practised"), null=True, blank=True)

    class Meta:
        db_table = "topic_mastery"
        verbose_name = _("topic mastery")
        verbose_name_plural = _("topic mastery")
        constraints = [
            models.UniqueConstraint(
                fields=["student", "topic"], name="uq_topic_mastery_student_topic"
            ),
            models.CheckConstraint(
                condition=Q(level__in=list(mastery_rules.LEVELS)),
                name="ck_topic_mastery_level_valid",
            ),
            models.CheckConstraint(
                condition=Q(correct__gte=0, attempts__gte=F("correct")),
                name="ck_topic_mastery_correct_le_attempts",
            ),
            models.CheckConstraint(
                condition=Q(stability__isnull=True) | Q(stability__gt=0),
                name="ck_topic_mastery_stability_positive",
            ),
            models.CheckConstraint(
                condition=Q(difficulty__isnull=True)
                | Q(
                    difficulty__gte=mastery_rules.MIN_DIFFICULTY,
                    difficulty__lte=mastery_rules.MAX_DIFFICULTY,
                ),
                name="ck_topic_mastery_difficulty_1_to_10",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.student_id} / {self.topic_id}: {self.level}"

    STATE_FIELDS = (
        "level",
        "attempts",
        "correct",
        "recent",
        "stability",
        "difficulty",
        "next_review_date",
        "last_practiced_on",
    )

    def as_state(self) -> mastery_rules.MasteryState:
        return mastery_rules.MasteryState(
            level=self.level,
            attempts=self.attempts,
            correct=self.correct,
            recent=self.recent,
            stability=self.stability,
            difficulty=self.difficulty,
            next_review=self.next_review_date,
            last_practiced=self.last_practiced_on,
        )

    def apply_state(self, state: mastery_rules.MasteryState) -> None:
        self.level, self.attempts, self.correct = state.level, state.attempts, state.correct
        self.recent, self.stability, self.difficulty = (
            state.recent,
            state.stability,
            state.difficulty,
        )
        self.next_review_date, self.last_practiced_on = state.next_review, state.last_practiced
