from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.content import domain
from apps.core.models import TimeStampedModel
from apps.students.domain import GRADES
from apps.students.models import Student

GRADE_CHOICES = Student.Grade.choices


class TopicManager(models.Manager["Topic"]):
    def get_by_natural_key(self, code: str) -> "Topic":
        return self.get(code=code)


class Topic(TimeStampedModel):
    """A chapter (or a section of one) of the NCTB mathematics textbook of one grade."""

    grade = models.SmallIntegerField(_("grade"), choices=GRADE_CHOICES)
    code = models.SlugField(
        _("code"), max_length=50, help_text=_("Stable key used by imports, e.g. g6-integers")
    )
    name_en = models.CharField(_("name (English)"), max_length=100)
    name_bn = models.CharField(_("name (Bengali)"), max_length=100)
    order = models.SmallIntegerField(_("order"), default=0)
    outcome_code = models.CharField(
        _("textbook reference"),
        max_length=50,
        blank=True,
        help_text=_(
            "Grade, chapter and optionally section of the NCTB textbook: NCTB-8-10 or NCTB-8-10.3"
        ),
    )

    objects = TopicManager()

    class Meta:
        db_table = "topics"
        ordering = ["grade", "order", "code"]
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        permissions = [
            ("import_topic", _("Can import topics from a spreadsheet")),
            ("export_topic", _("Can export topics to a spreadsheet")),
        ]
        constraints = [
            models.UniqueConstraint(fields=["code"], name="uq_topics_code"),
            models.CheckConstraint(
                condition=Q(grade__in=list(GRADES)), name="ck_topics_grade_6_to_8"
            ),
            models.CheckConstraint(condition=~Q(code=""), name="ck_topics_code_not_empty"),
            models.CheckConstraint(condition=Q(order__gte=0), name="ck_topics_order_nonnegative"),
            models.CheckConstraint(
                condition=~Q(name_en="") & ~Q(name_bn=""), name="ck_topics_names_not_empty"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} — {self.name_en}"

    def natural_key(self) -> tuple[str]:
        return (self.code,)


class ProblemQuerySet(models.QuerySet["Problem"]):
    def usable(self) -> "ProblemQuerySet":
        """Active problems whose answer key has not been found unusable."""
        return self.filter(is_active=True, unusable_since__isnull=True)


class Problem(TimeStampedModel):
    """One bilingual practice problem with its answer key. Its grade is its topic's grade.

    Written only through `apps.content.services.problem_save` (or its bulk form for imports):
    every change is validated as a whole, bumps `version` and keeps the previous version in
    `ProblemVersion`.
    """

    class AnswerType(models.TextChoices):
        NUMERIC = "numeric", _("Number")
        FRACTION = "fraction", _("Fraction")
        MULTIPLE_CHOICE = "multiple_choice", _("Multiple choice")
        TEXT = "text", _("Text (words)")

    class Difficulty(models.IntegerChoices):
        EASY = 1, _("1 — easy")
        MEDIUM = 2, _("2 — medium")
        HARD = 3, _("3 — hard")

    # No index of their own: uq_problems_code and idx_problems_topic_active serve their lookups,
    # and every answer updates a problem's row (its rating), so each index costs a write.
    code = models.SlugField(
        _("code"), max_length=50, help_text=_("Stable key used by imports"), db_index=False
    )
    topic = models.ForeignKey(
        Topic,
        on_delete=models.PROTECT,
        related_name="problems",
        verbose_name=_("topic"),
        db_index=False,
    )
    subtopic = models.CharField(_("subtopic"), max_length=100, blank=True)
    question_en = models.TextField(_("question (English)"))
    question_bn = models.TextField(_("question (Bengali)"))
    answer = models.CharField(_("answer"), max_length=500)
    answer_bn = models.CharField(
        _("answer (Bengali)"),
        max_length=500,
        blank=True,
        default="",
        db_default="",
        help_text=_("Text answers only: the answer as a Bengali student is shown it"),
    )
    answer_type = models.CharField(_("answer type"), max_length=20, choices=AnswerType.choices)
    accepted_answers = models.TextField(
        _("other accepted answers"),
        blank=True,
        help_text=_("Text answers only: other accepted answers, one per line"),
    )
    tolerance = models.CharField(
        _("tolerance"),
        max_length=20,
        blank=True,
        help_text=_('Numeric answers only: empty for exact, "0.01" absolute, "1%" relative'),
    )
    simplest_form = models.BooleanField(
        _("simplest form"),
        default=False,
        help_text=_("Fraction answers only: the answer must be in lowest terms"),
    )
    explanation_en = models.TextField(_("explanation (English)"), blank=True)
    explanation_bn = models.TextField(_("explanation (Bengali)"), blank=True)
    difficulty = models.SmallIntegerField(
        _("difficulty"), choices=Difficulty.choices, default=Difficulty.MEDIUM
    )
    estimated_time_minutes = models.SmallIntegerField(
        _("estimated time (minutes)"), default=domain.DEFAULT_ESTIMATED_MINUTES
    )
    is_active = models.BooleanField(_("active"), default=True)
    version = models.IntegerField(_("version"), default=1)
    # Elo-style difficulty on the logit scale, seeded from `difficulty` and learned from answers.
    rating = models.FloatField(_("learned difficulty"), default=0.0, db_default=0.0)
    rated_answers = models.IntegerField(_("rated answers"), default=0, db_default=0)
    # Set when a student's answer found the key unusable (written past the rules, e.g. raw SQL);
    # such a problem is never chosen, and a valid save clears it.
    unusable_since = models.DateTimeField(_("unusable since"), null=True, blank=True)

    objects = ProblemQuerySet.as_manager()

    class Meta:
        db_table = "problems"
        ordering = ["topic_id", "code"]
        verbose_name = _("problem")
        verbose_name_plural = _("problems")
        permissions = [
            ("import_problem", _("Can import problems from a spreadsheet")),
            ("export_problem", _("Can export problems (with their answers) to a spreadsheet")),
        ]
        constraints = [
            models.UniqueConstraint(fields=["code"], name="uq_problems_code"),
            models.CheckConstraint(
                condition=Q(difficulty__in=list(domain.DIFFICULTIES)),
                name="ck_problems_difficulty_1_to_3",
            ),
            models.CheckConstraint(
                condition=Q(answer_type__in=list(domain.ANSWER_TYPES)),
                name="ck_problems_answer_type_valid",
            ),
            models.CheckConstraint(
                condition=Q(
                    estimated_time_minutes__gte=domain.MIN_ESTIMATED_MINUTES,
                    estimated_time_minutes__lte=domain.MAX_ESTIMATED_MINUTES,
                ),
                name="ck_problems_estimated_time_1_to_120",
            ),
            models.CheckConstraint(
                condition=Q(version__gte=1), name="ck_problems_version_positive"
            ),
            models.CheckConstraint(
                condition=Q(rated_answers__gte=0), name="ck_problems_rated_answers_nonnegative"
            ),
            models.CheckConstraint(condition=~Q(code=""), name="ck_problems_code_not_empty"),
            models.CheckConstraint(condition=~Q(answer=""), name="ck_problems_answer_not_empty"),
            models.CheckConstraint(
                condition=~Q(question_en="") & ~Q(question_bn=""),
                name="ck_problems_questions_not_empty",
            ),
            models.CheckConstraint(
                condition=Q(tolerance="") | Q(answer_type="numeric"),
                name="ck_problems_tolerance_numeric_only",
            ),
            models.CheckConstraint(
                condition=Q(simplest_form=False) | Q(answer_type="fraction"),
                name="ck_problems_simplest_form_fraction_only",
            ),
            models.CheckConstraint(
                condition=Q(accepted_answers="") | Q(answer_type="text"),
                name="ck_problems_accepted_answers_text_only",
            ),
            models.CheckConstraint(
                condition=Q(answer_type="text", answer_bn__gt="")
                | (~Q(answer_type="text") & Q(answer_bn="")),
                name="ck_problems_answer_bn_exactly_for_text",
            ),
            models.CheckConstraint(
                condition=~Q(answer_type="multiple_choice") | Q(answer__in=domain.OPTION_LABELS),
                name="ck_problems_choice_answer_a_to_d",
            ),
        ]
        indexes = [
            models.Index(fields=["topic", "is_active"], name="idx_problems_topic_active"),
            models.Index(fields=["difficulty"], name="idx_problems_difficulty"),
        ]

    def __str__(self) -> str:
        return self.code


class ProblemOption(models.Model):
    """One choice of a multiple-choice problem, in both languages."""

    class Label(models.TextChoices):
        A = "A", "A"
        B = "B", "B"
        C = "C", "C"
        D = "D", "D"

    problem = models.ForeignKey(
        Problem, on_delete=models.CASCADE, related_name="options", verbose_name=_("problem")
    )
    label = models.CharField(_("label"), max_length=1, choices=Label.choices)
    text_en = models.CharField(_("text (English)"), max_length=200)
    text_bn = models.CharField(_("text (Bengali)"), max_length=200)

    class Meta:
        db_table = "problem_options"
        ordering = ["problem_id", "label"]
        verbose_name = _("option")
        verbose_name_plural = _("options")
        constraints = [
            models.UniqueConstraint(
                fields=["problem", "label"], name="uq_problem_options_problem_label"
            ),
            models.CheckConstraint(
                condition=Q(label__in=list(domain.OPTION_LABELS)),
                name="ck_problem_options_label_a_to_d",
            ),
            models.CheckConstraint(
                condition=~Q(text_en="") & ~Q(text_bn=""),
                name="ck_problem_options_text_not_empty",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label}) {self.text_en}"


class Hint(TimeStampedModel):
    """A progressive hint: level 1 nudges, 2 gives the method, 3 nearly solves."""

    problem = models.ForeignKey(
        Problem, on_delete=models.CASCADE, related_name="hints", verbose_name=_("problem")
    )
    level = models.SmallIntegerField(_("level"))
    text_en = models.TextField(_("text (English)"), blank=True)
    text_bn = models.TextField(_("text (Bengali)"), blank=True)
    is_ai_generated = models.BooleanField(_("written by AI"), default=False)
    # AI-written hints are shown at once but listed for review until a person approves them.
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewed by"),
    )

    class Meta:
        db_table = "hints"
        ordering = ["problem_id", "level"]
        verbose_name = _("hint")
        verbose_name_plural = _("hints")
        permissions = [("review_hint", _("Can review (approve) AI-written hints"))]
        constraints = [
            models.UniqueConstraint(fields=["problem", "level"], name="uq_hints_problem_level"),
            models.CheckConstraint(
                condition=Q(level__in=list(domain.HINT_LEVELS)), name="ck_hints_level_1_to_3"
            ),
            models.CheckConstraint(
                condition=~Q(text_en="") | ~Q(text_bn=""), name="ck_hints_has_text"
            ),
            models.CheckConstraint(
                condition=Q(reviewed_at__isnull=True) | Q(is_ai_generated=True),
                name="ck_hints_only_ai_hints_are_reviewed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.problem_id} hint {self.level}"


class AnswerFeedback(TimeStampedModel):
    """What a student who gives one particular wrong answer is told after the result ("You
    added the numbers; the question asks for the product."), in both languages.

    `answer` is kept as the author typed it; `form` is what the checker compares
    (`checker.answer_form`: "১০", "10" and "10.0" are all "10"), so a student's answer matches
    when its form is the same, and one problem has one entry per form. Written only with its
    problem, through `apps.content.services.problem_save` (validated against the answer key,
    versioned, kept in the problem's history)."""

    problem = models.ForeignKey(
        Problem,
        on_delete=models.CASCADE,
        related_name="feedback",
        verbose_name=_("problem"),
        db_index=False,  # uq_answer_feedback_problem_form starts with it
    )
    position = models.SmallIntegerField(_("position"))  # the order authors see them in
    answer = models.CharField(_("wrong answer"), max_length=200)
    form = models.CharField(_("answer as the checker reads it"), max_length=500)
    message_en = models.TextField(_("feedback (English)"))
    message_bn = models.TextField(_("feedback (Bengali)"))

    class Meta:
        db_table = "answer_feedback"
        ordering = ["problem_id", "position"]
        verbose_name = _("feedback for a wrong answer")
        verbose_name_plural = _("feedback for wrong answers")
        constraints = [
            models.UniqueConstraint(
                fields=["problem", "form"], name="uq_answer_feedback_problem_form"
            ),
            models.CheckConstraint(
                condition=~Q(message_en="") & ~Q(message_bn=""),
                name="ck_answer_feedback_messages_not_empty",
            ),
            models.CheckConstraint(
                condition=~Q(answer="") & ~Q(form=""),
                name="ck_answer_feedback_answer_not_empty",
            ),
            models.CheckConstraint(
                condition=Q(position__in=list(domain.FEEDBACK_POSITIONS)),
                name="ck_answer_feedback_position_1_to_4",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.problem_id} feedback for {self.answer}"


class Route(models.TextChoices):
    """How a change reached the library."""

    ADMIN = "admin", _("Edited in the admin")
    IMPORT = "import", _("Imported in the admin")
    COMMAND = "command", _("Imported by a command")
    LIBRARY = "library", _("Shipped library")
    AI = "ai", _("Hints written by AI")
    REVIEW = "review", _("AI hints reviewed")
    RESTORE = "restore", _("Restored from an earlier version")
    STATUS = "status", _("Activated or retired")
    MIGRATION = "migration", _("Recorded when history began")


class ProblemVersion(models.Model):
    """One version of a problem as it was saved: the whole problem (options and hints too) as
    a spreadsheet row, who saved it, when, through which route, and which columns changed."""

    Route = Route

    problem = models.ForeignKey(
        Problem, on_delete=models.CASCADE, related_name="versions", verbose_name=_("problem")
    )
    version = models.IntegerField(_("version"))
    route = models.CharField(_("route"), max_length=12, choices=Route.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("saved by"),
    )
    saved_at = models.DateTimeField(_("saved at"))
    data = models.JSONField(_("content"))
    changed = models.JSONField(_("changed columns"), default=list)
    restored_from = models.IntegerField(_("restored from version"), null=True, blank=True)

    class Meta:
        db_table = "problem_versions"
        ordering = ["problem_id", "-version"]
        verbose_name = _("problem version")
        verbose_name_plural = _("problem versions")
        constraints = [
            models.UniqueConstraint(
                fields=["problem", "version"], name="uq_problem_versions_problem_version"
            ),
            models.CheckConstraint(
                condition=Q(version__gte=1), name="ck_problem_versions_version_positive"
            ),
            models.CheckConstraint(
                condition=Q(route__in=Route.values), name="ck_problem_versions_route_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.problem_id} v{self.version}"
