from django.db import models
from django.db.models import Q

from apps.core.models import TimeStampedModel

HINT_LEVELS_COUNT = 3  # every problem has (or should get) hints at levels 1, 2 and 3


class TopicManager(models.Manager["Topic"]):
    def get_by_natural_key(self, code: str) -> "Topic":
        return self.get(code=code)


class Topic(TimeStampedModel):
    """A chapter of the NCTB mathematics curriculum for one grade."""

    grade = models.SmallIntegerField()
    code = models.SlugField(max_length=50, help_text="Stable key used by imports, e.g. g6-integers")
    name_en = models.CharField(max_length=100)
    name_bn = models.CharField(max_length=100)
    order = models.SmallIntegerField(default=0)
    outcome_code = models.CharField(
        max_length=50, blank=True, help_text="Curriculum learning-outcome code, if any"
    )

    objects = TopicManager()

    class Meta:
        db_table = "topics"
        ordering = ["grade", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["code"], name="uq_topics_code"),
            models.CheckConstraint(
                condition=Q(grade__gte=6, grade__lte=8), name="ck_topics_grade_6_to_8"
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


class Problem(TimeStampedModel):
    """One bilingual practice problem with its answer key."""

    class AnswerType(models.TextChoices):
        NUMERIC = "numeric", "Numeric"
        FRACTION = "fraction", "Fraction"
        MULTIPLE_CHOICE = "multiple_choice", "Multiple choice"
        TEXT = "text", "Text"

    class Difficulty(models.IntegerChoices):
        EASY = 1, "1 — easy"
        MEDIUM = 2, "2 — medium"
        HARD = 3, "3 — hard"

    code = models.SlugField(max_length=50, help_text="Stable key used by imports")
    grade = models.SmallIntegerField()
    topic = models.ForeignKey(Topic, on_delete=models.PROTECT, related_name="problems")
    subtopic = models.CharField(max_length=100, blank=True)
    question_en = models.TextField()
    question_bn = models.TextField()
    answer = models.CharField(max_length=500)
    answer_type = models.CharField(max_length=20, choices=AnswerType.choices)
    accepted_answers = models.TextField(
        blank=True, help_text="Text answers only: other accepted answers, one per line"
    )
    tolerance = models.CharField(
        max_length=20,
        blank=True,
        help_text='Numeric answers only: "" exact, "0.01" absolute, "1%" relative',
    )
    simplest_form = models.BooleanField(
        default=False, help_text="Fraction answers only: the answer must be in lowest terms"
    )
    explanation_en = models.TextField(blank=True)
    explanation_bn = models.TextField(blank=True)
    difficulty = models.SmallIntegerField(choices=Difficulty.choices, default=Difficulty.MEDIUM)
    estimated_time_minutes = models.SmallIntegerField(default=5)
    is_active = models.BooleanField(default=True)
    version = models.IntegerField(default=1)
    # Elo-style difficulty on the logit scale, seeded from `difficulty` and learned from answers.
    rating = models.FloatField(default=0.0, db_default=0.0)
    rated_answers = models.IntegerField(default=0, db_default=0)

    class Meta:
        db_table = "problems"
        ordering = ["grade", "topic_id", "code"]
        constraints = [
            models.UniqueConstraint(fields=["code"], name="uq_problems_code"),
            models.CheckConstraint(
                condition=Q(grade__gte=6, grade__lte=8), name="ck_problems_grade_6_to_8"
            ),
            models.CheckConstraint(
                condition=Q(difficulty__gte=1, difficulty__lte=3),
                name="ck_problems_difficulty_1_to_3",
            ),
            models.CheckConstraint(
                condition=Q(answer_type__in=["numeric", "fraction", "multiple_choice", "text"]),
                name="ck_problems_answer_type_valid",
            ),
            models.CheckConstraint(
                condition=Q(estimated_time_minutes__gte=1, estimated_time_minutes__lte=120),
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
        ]
        indexes = [
            models.Index(fields=["grade", "topic"], name="idx_problems_grade_topic"),
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

    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="options")
    label = models.CharField(max_length=1, choices=Label.choices)
    text_en = models.CharField(max_length=200)
    text_bn = models.CharField(max_length=200)

    class Meta:
        db_table = "problem_options"
        ordering = ["problem_id", "label"]
        constraints = [
            models.UniqueConstraint(
                fields=["problem", "label"], name="uq_problem_options_problem_label"
            ),
            models.CheckConstraint(
                condition=Q(label__in=["A", "B", "C", "D"]), name="ck_problem_options_label_a_to_d"
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

    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="hints")
    level = models.SmallIntegerField()
    text_en = models.TextField(blank=True)
    text_bn = models.TextField(blank=True)
    is_ai_generated = models.BooleanField(default=False)
    # AI-written hints are shown at once but listed for review until a person approves them.
    reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "hints"
        ordering = ["problem_id", "level"]
        constraints = [
            models.UniqueConstraint(fields=["problem", "level"], name="uq_hints_problem_level"),
            models.CheckConstraint(
                condition=Q(level__gte=1, level__lte=3), name="ck_hints_level_1_to_3"
            ),
            models.CheckConstraint(
                condition=~Q(text_en="") | ~Q(text_bn=""), name="ck_hints_has_text"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.problem_id} hint {self.level}"
