import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from apps.core.models import TimeStampedModel
from apps.students.domain import (
    DEFAULT_TIMEZONE,
    GRADES,
    LANGUAGES,
    SHARED_DEMO_TELEGRAM_ID,
)


def validate_timezone(value: str) -> None:
    """An IANA time zone name (Asia/Dhaka, Europe/London)."""
    if value not in zoneinfo.available_timezones():
        raise ValidationError(
            _("“%(value)s” is not a time zone name such as Asia/Dhaka or Europe/London."),
            code="invalid_timezone",
            params={"value": value},
        )


# E.164: a plus sign, then 8 to 15 digits, the first not 0.
validate_phone = RegexValidator(
    r"^\+[1-9][0-9]{7,14}$",
    _("Enter the phone number in international format, e.g. +8801712345678."),
    code="invalid_phone",
)


class Student(TimeStampedModel):
    """A learner, known by their Telegram account."""

    class Language(models.TextChoices):
        ENGLISH = "en", "English"
        BENGALI = "bn", "বাংলা"

    class Grade(models.IntegerChoices):
        SIX = 6, _("Grade 6")
        SEVEN = 7, _("Grade 7")
        EIGHT = 8, _("Grade 8")

    telegram_id = models.BigIntegerField(_("Telegram id"))
    name = models.CharField(_("name"), max_length=100)
    # Empty until the student has chosen a grade (registration); 6–8 whenever set.
    grade = models.SmallIntegerField(_("grade"), choices=Grade.choices, null=True, blank=True)
    language = models.CharField(
        _("language"), max_length=2, choices=Language.choices, default=Language.BENGALI
    )
    timezone = models.CharField(_("time zone"), max_length=64, default=DEFAULT_TIMEZONE)
    # Elo-style ability on the logit scale (0 = even odds on a medium problem).
    ability = models.FloatField(_("ability"), default=0.0, db_default=0.0)
    rated_answers = models.IntegerField(_("rated answers"), default=0, db_default=0)
    # A demo student (negative telegram_id) of this staff member: the content team tries the
    # Mini App as students see it (apps.miniapp). Empty for real students.
    demo_of = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="demo_student",
        verbose_name=_("demo student of"),
    )

    class Meta:
        db_table = "students"
        ordering = ["id"]
        verbose_name = _("student")
        verbose_name_plural = _("students")
        constraints = [
            models.UniqueConstraint(fields=["telegram_id"], name="uq_students_telegram_id"),
            # A real student's id is Telegram's (positive); a demo student's is negative: its
            # staff member's user id negated, or the one shared demo student's.
            models.CheckConstraint(
                condition=Q(telegram_id__gt=0, demo_of__isnull=True)
                | Q(demo_of__isnull=False, telegram_id=-F("demo_of"))
                | Q(demo_of__isnull=True, telegram_id=SHARED_DEMO_TELEGRAM_ID),
                name="ck_students_telegram_id_positive_or_demo",
            ),
            models.CheckConstraint(
                condition=Q(grade__isnull=True) | Q(grade__in=list(GRADES)),
                name="ck_students_grade_6_to_8",
            ),
            models.CheckConstraint(
                condition=Q(language__in=list(LANGUAGES)), name="ck_students_language_valid"
            ),
            models.CheckConstraint(condition=~Q(name=""), name="ck_students_name_not_empty"),
            models.CheckConstraint(
                condition=~Q(timezone=""), name="ck_students_timezone_not_empty"
            ),
            models.CheckConstraint(
                condition=Q(rated_answers__gte=0), name="ck_students_rated_answers_nonnegative"
            ),
        ]
        indexes = [models.Index(fields=["grade"], name="idx_students_grade")]

    def __str__(self) -> str:
        return f"{self.name} (tg {self.telegram_id})"

    # A signed-in student is the API's request.user (see apps.students.auth).
    is_authenticated = True
    is_anonymous = False

    @property
    def registered(self) -> bool:
        return self.grade is not None

    @property
    def is_demo(self) -> bool:
        """A demo student (the Mini App's demo mode), never a Telegram account."""
        return self.telegram_id < 0


class StudentToken(models.Model):
    """A bearer token a student's client uses; only its SHA-256 is stored."""

    student = models.ForeignKey(
        Student,
        on_delete=models.CASCADE,
        related_name="tokens",
        verbose_name=_("student"),
        db_index=False,  # idx_tokens_student_created starts with it
    )
    key_hash = models.CharField(_("key hash"), max_length=64)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    via = models.CharField(
        _("signed in through"),
        max_length=10,
        choices=[("telegram", _("Mini App")), ("bot", _("Bot")), ("demo", _("Mini App demo"))],
    )

    class Meta:
        db_table = "student_tokens"
        ordering = ["-created_at"]
        verbose_name = _("student token")
        verbose_name_plural = _("student tokens")
        constraints = [
            models.UniqueConstraint(fields=["key_hash"], name="uq_student_tokens_key_hash"),
            models.CheckConstraint(
                condition=Q(expires_at__gt=models.F("created_at")),
                name="ck_student_tokens_expire_after_creation",
            ),
            models.CheckConstraint(
                condition=Q(via__in=["telegram", "bot", "demo"]),
                name="ck_student_tokens_via_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["student", "created_at"], name="idx_tokens_student_created")
        ]

    def __str__(self) -> str:
        return f"token {self.pk} of {self.student_id}"


class ServiceAPIKey(models.Model):
    """A key for a trusted server (the Telegram bot). Shown once at creation; stored hashed."""

    name = models.CharField(
        _("name"), max_length=100, help_text=_("Who uses this key, e.g. “production bot”")
    )
    prefix = models.CharField(_("prefix"), max_length=12, editable=False)
    key_hash = models.CharField(_("key hash"), max_length=64, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True, editable=False)

    class Meta:
        db_table = "service_api_keys"
        ordering = ["-created_at"]
        verbose_name = _("service API key")
        verbose_name_plural = _("service API keys")
        constraints = [
            models.UniqueConstraint(fields=["prefix"], name="uq_service_api_keys_prefix"),
            models.UniqueConstraint(fields=["key_hash"], name="uq_service_api_keys_key_hash"),
            models.CheckConstraint(
                condition=~Q(name=""), name="ck_service_api_keys_name_not_empty"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class Guardian(TimeStampedModel):
    """A parent or guardian who follows one or more students: reached on Telegram when linked
    there, otherwise by SMS once they consented (apps.outreach sends the weekly report)."""

    name = models.CharField(_("name"), max_length=100)
    # Empty for a guardian who linked through Telegram and gave no number.
    phone = models.CharField(
        _("phone"),
        max_length=20,
        blank=True,
        validators=[validate_phone],
        help_text=_("International format, e.g. +8801712345678"),
    )
    email = models.EmailField(_("email"), blank=True)
    telegram_id = models.BigIntegerField(_("Telegram id"), null=True, blank=True)
    language = models.CharField(
        _("language"),
        max_length=2,
        choices=Student.Language.choices,
        default=Student.Language.BENGALI,
        db_default=Student.Language.BENGALI,
        help_text=_("The language of the reports this guardian receives"),
    )
    timezone = models.CharField(
        _("time zone"),
        max_length=64,
        default=DEFAULT_TIMEZONE,
        db_default=DEFAULT_TIMEZONE,
        validators=[validate_timezone],
        help_text=_("The weekly report arrives on Friday evening in this time zone"),
    )
    sms_consent_at = models.DateTimeField(
        _("SMS consent given at"),
        null=True,
        blank=True,
        help_text=_("When the guardian agreed to receive reports by SMS; empty: no SMS"),
    )
    reports_stopped_at = models.DateTimeField(
        _("reports stopped at"),
        null=True,
        blank=True,
        help_text=_("When the guardian asked to stop the weekly reports; empty: reports are sent"),
    )
    students = models.ManyToManyField(
        Student,
        through="GuardianStudent",
        related_name="guardians",
        blank=True,
        verbose_name=_("students"),
    )

    class Meta:
        db_table = "guardians"
        ordering = ["id"]
        verbose_name = _("guardian")
        verbose_name_plural = _("guardians")
        constraints = [
            models.UniqueConstraint(
                fields=["telegram_id"],
                condition=Q(telegram_id__isnull=False),
                name="uq_guardians_telegram_id",
            ),
            models.CheckConstraint(condition=~Q(name=""), name="ck_guardians_name_not_empty"),
            models.CheckConstraint(
                condition=~Q(phone="") | Q(telegram_id__isnull=False),
                name="ck_guardians_phone_or_telegram",
            ),
            models.CheckConstraint(
                condition=Q(language__in=list(LANGUAGES)), name="ck_guardians_language_valid"
            ),
            models.CheckConstraint(
                condition=~Q(timezone=""), name="ck_guardians_timezone_not_empty"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class GuardianStudent(models.Model):
    """Who a guardian is to a student."""

    class Relationship(models.TextChoices):
        MOTHER = "mother", _("Mother")
        FATHER = "father", _("Father")
        GUARDIAN = "guardian", _("Guardian")

    guardian = models.ForeignKey(
        Guardian, on_delete=models.CASCADE, related_name="links", verbose_name=_("guardian")
    )
    student = models.ForeignKey(
        Student,
        on_delete=models.CASCADE,
        related_name="guardian_links",
        verbose_name=_("student"),
    )
    relationship = models.CharField(_("relationship"), max_length=10, choices=Relationship.choices)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        db_table = "guardian_students"
        verbose_name = _("guardian link")
        verbose_name_plural = _("guardian links")
        constraints = [
            models.UniqueConstraint(
                fields=["guardian", "student"], name="uq_guardian_students_pair"
            ),
            models.CheckConstraint(
                condition=Q(relationship__in=["mother", "father", "guardian"]),
                name="ck_guardian_students_relationship_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.guardian} — {self.get_relationship_display()} of {self.student}"
