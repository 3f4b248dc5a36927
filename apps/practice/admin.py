from django.contrib import admin

from .models import (
    HintView,
    PracticeSession,
    Response,
    SessionProblem,
    Streak,
    StreakMilestone,
    TopicMastery,
)


class SessionProblemInline(admin.TabularInline):
    model = SessionProblem
    extra = 0
    raw_id_fields = ["problem"]


class ResponseInline(admin.TabularInline):
    model = Response
    extra = 0
    raw_id_fields = ["problem"]
    readonly_fields = ["evaluated_at"]


@admin.register(PracticeSession)
class PracticeSessionAdmin(admin.ModelAdmin):
    list_display = ["id", "student", "status", "started_at", "problems_correct", "completed_at"]
    list_filter = ["status", "student__grade"]
    list_select_related = ["student"]
    search_fields = ["student__name", "=student__telegram_id"]
    raw_id_fields = ["student"]
    date_hierarchy = "started_at"
    inlines = [SessionProblemInline, ResponseInline]


@admin.register(Response)
class ResponseAdmin(admin.ModelAdmin):
    list_display = ["id", "session", "problem", "is_correct", "hints_used", "confidence"]
    list_filter = ["is_correct", "hints_used", "confidence", "problem__grade"]
    list_select_related = ["session", "problem"]
    search_fields = ["problem__code", "student_answer", "=session__student__telegram_id"]
    raw_id_fields = ["session", "problem"]
    date_hierarchy = "evaluated_at"


@admin.register(HintView)
class HintViewAdmin(admin.ModelAdmin):
    list_display = ["session", "problem", "level", "viewed_at"]
    list_filter = ["level"]
    list_select_related = ["session", "problem"]
    raw_id_fields = ["session", "problem"]


@admin.register(Streak)
class StreakAdmin(admin.ModelAdmin):
    list_display = ["student", "current_streak", "longest_streak", "last_practice_date"]
    list_select_related = ["student"]
    search_fields = ["student__name", "=student__telegram_id"]
    raw_id_fields = ["student"]
    ordering = ["-current_streak"]


@admin.register(StreakMilestone)
class StreakMilestoneAdmin(admin.ModelAdmin):
    list_display = ["student", "days", "achieved_on"]
    list_filter = ["days"]
    list_select_related = ["student"]
    raw_id_fields = ["student"]


@admin.register(TopicMastery)
class TopicMasteryAdmin(admin.ModelAdmin):
    list_display = ["student", "topic", "level", "attempts", "correct", "next_review_date"]
    list_filter = ["level", "topic__grade", "topic"]
    list_select_related = ["student", "topic"]
    search_fields = ["student__name", "=student__telegram_id", "topic__code"]
    raw_id_fields = ["student"]
