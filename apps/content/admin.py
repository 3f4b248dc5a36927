from django.contrib import admin

from .models import Hint, Problem, ProblemOption, Topic


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["code", "grade", "order", "name_en", "name_bn", "outcome_code"]
    list_filter = ["grade"]
    search_fields = ["code", "name_en", "name_bn", "outcome_code"]
    ordering = ["grade", "order"]


class ProblemOptionInline(admin.TabularInline):
    model = ProblemOption
    extra = 0
    max_num = 4


class HintInline(admin.StackedInline):
    model = Hint
    extra = 0
    max_num = 3
    fields = ["level", ("text_en", "text_bn"), "is_ai_generated"]


@admin.register(Problem)
class ProblemAdmin(admin.ModelAdmin):
    list_display = ["code", "grade", "topic", "difficulty", "answer_type", "is_active", "version"]
    list_filter = ["grade", "topic", "difficulty", "answer_type", "is_active"]
    list_select_related = ["topic"]
    search_fields = ["code", "question_en", "question_bn", "subtopic"]
    readonly_fields = ["version", "created_at", "updated_at"]
    inlines = [ProblemOptionInline, HintInline]


@admin.register(Hint)
class HintAdmin(admin.ModelAdmin):
    list_display = ["problem", "level", "is_ai_generated", "updated_at"]
    list_filter = ["level", "is_ai_generated", "problem__grade"]
    list_select_related = ["problem"]
    search_fields = ["problem__code", "text_en", "text_bn"]
    raw_id_fields = ["problem"]
