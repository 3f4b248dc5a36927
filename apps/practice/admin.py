"""Practice history in the admin: read-only. It is what students did; nobody edits it by hand."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.core.admin_tools import ReadOnlyAdminMixin
from apps.practice import selectors
from apps.practice.services import local_date
from apps.students.admin import GuardianLinkInline
from apps.students.models import Student

from .models import (
    HintView,
    PracticeSession,
    Response,
    SessionProblem,
    Streak,
    StreakMilestone,
    TopicMastery,
)


class SessionProblemInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = SessionProblem
    extra = 0
    fields = ["position", "problem"]
    readonly_fields = ["position", "problem"]


class ResponseInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = Response
    extra = 0
    fields = [
        "problem",
        "problem_version",
        "student_answer",
        "is_correct",
        "hints_used",
        "time_spent_seconds",
        "evaluated_at",
    ]
    readonly_fields = fields  # type: ignore[assignment]


@admin.register(PracticeSession)
class PracticeSessionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["id", "student", "status", "started_at", "problems_correct", "completed_at"]
    list_filter = ["status", "student__grade"]
    list_select_related = ["student"]
    search_fields = ["student__name", "=student__telegram_id"]
    date_hierarchy = "started_at"
    inlines = [SessionProblemInline, ResponseInline]


@admin.register(Response)
class ResponseAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = [
        "id",
        "session",
        "problem",
        "problem_version",
        "student_answer",
        "is_correct",
        "hints_used",
    ]
    list_filter = ["is_correct", "hints_used", "confidence", "problem__topic__grade"]
    list_select_related = ["session", "problem"]
    search_fields = ["problem__code", "student_answer", "=session__student__telegram_id"]
    date_hierarchy = "evaluated_at"


@admin.register(HintView)
class HintViewAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["session", "problem", "level", "viewed_at"]
    list_filter = ["level"]
    list_select_related = ["session", "problem"]


@admin.register(Streak)
class StreakAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = [
        "student",
        "current_streak",
        "longest_streak",
        "freezes",
        "last_practice_date",
    ]
    list_select_related = ["student"]
    search_fields = ["student__name", "=student__telegram_id"]
    ordering = ["-current_streak"]


@admin.register(StreakMilestone)
class StreakMilestoneAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["student", "days", "achieved_on"]
    list_filter = ["days"]
    list_select_related = ["student"]


@admin.register(TopicMastery)
class TopicMasteryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["student", "topic", "level", "attempts", "correct", "next_review_date"]
    list_filter = ["level", "topic__grade", "topic"]
    list_select_related = ["student", "topic"]
    search_fields = ["student__name", "=student__telegram_id", "topic__code"]


@admin.register(Student)
class StudentAdmin(admin.ModelAdmin):
    """A student's page: who they are, and how their practice is going (sessions, streak,
    mastery per topic, recent answers) in a fixed number of queries."""

    list_display = ["name", "telegram_id", "grade", "language", "timezone", "created_at"]
    list_filter = ["grade", "language"]
    search_fields = ["name", "=telegram_id"]
    fields = ["name", "telegram_id", "grade", "language", "timezone", "skill", "created_at"]
    readonly_fields = ["telegram_id", "skill", "created_at"]
    date_hierarchy = "created_at"
    inlines = [GuardianLinkInline]
    change_form_template = "admin/practice/student/change_form.html"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # students come from Telegram sign-in

    @admin.display(description=_("skill"))
    def skill(self, obj: Student) -> str:
        return selectors.skill_label(obj.ability, obj.rated_answers)

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        student = Student.objects.filter(pk=object_id).first() if object_id.isdigit() else None
        if student is not None:
            today = local_date(student, timezone.now())
            extra_context = {
                **(extra_context or {}),
                "overview": selectors.student_overview(student=student, today=today),
            }
        return super().change_view(request, object_id, form_url, extra_context)
