from django.db import models
from django.db.models import Q

from apps.core.models import TimeStampedModel

GRADES = (6, 7, 8)


class Student(TimeStampedModel):
    """A learner, known by their Telegram account."""

    class Language(models.TextChoices):
        ENGLISH = "en", "English"
        BENGALI = "bn", "বাংলা (Bengali)"

    class Grade(models.IntegerChoices):
        SIX = 6, "Grade 6"
        SEVEN = 7, "Grade 7"
        EIGHT = 8, "Grade 8"

    telegram_id = models.BigIntegerField()
    name = models.CharField(max_length=100)
    # Empty until the student has chosen a grade (registration); 6–8 whenever set.
    grade = models.SmallIntegerField(choices=Grade.choices, null=True, blank=True)
    language = models.CharField(max_length=2, choices=Language.choices, default=Language.BENGALI)
    timezone = models.CharField(max_length=64, default="Asia/Dhaka")

    class Meta:
        db_table = "students"
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["telegram_id"], name="uq_students_telegram_id"),
            models.CheckConstraint(
                condition=Q(telegram_id__gt=0), name="ck_students_telegram_id_positive"
            ),
            models.CheckConstraint(
                condition=Q(grade__isnull=True) | Q(grade__gte=6, grade__lte=8),
                name="ck_students_grade_6_to_8",
            ),
            models.CheckConstraint(
                condition=Q(language__in=["en", "bn"]), name="ck_students_language_valid"
            ),
            models.CheckConstraint(condition=~Q(name=""), name="ck_students_name_not_empty"),
            models.CheckConstraint(
                condition=~Q(timezone=""), name="ck_students_timezone_not_empty"
            ),
        ]
        indexes = [models.Index(fields=["grade"], name="idx_students_grade")]

    def __str__(self) -> str:
        return f"{self.name} (tg {self.telegram_id})"


class Guardian(TimeStampedModel):
    """A parent or guardian who follows one or more students."""

    name = models.CharField(max_length=100)
    phone = models.CharField(max_length=20, help_text="International format, e.g. +8801712345678")
    email = models.EmailField(blank=True)
    telegram_id = models.BigIntegerField(null=True, blank=True)
    students = models.ManyToManyField(
        Student, through="GuardianStudent", related_name="guardians", blank=True
    )

    class Meta:
        db_table = "guardians"
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["telegram_id"],
                condition=Q(telegram_id__isnull=False),
                name="uq_guardians_telegram_id",
            ),
            models.CheckConstraint(condition=~Q(name=""), name="ck_guardians_name_not_empty"),
            models.CheckConstraint(condition=~Q(phone=""), name="ck_guardians_phone_not_empty"),
        ]

    def __str__(self) -> str:
        return self.name


class GuardianStudent(models.Model):
    """Who a guardian is to a student."""

    class Relationship(models.TextChoices):
        MOTHER = "mother", "Mother"
        FATHER = "father", "Father"
        GUARDIAN = "guardian", "Guardian"

    guardian = models.ForeignKey(Guardian, on_delete=models.CASCADE, related_name="links")
    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="guardian_links")
    relationship = models.CharField(max_length=10, choices=Relationship.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "guardian_students"
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
