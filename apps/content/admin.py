from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import HttpRequest
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from import_export.admin import ImportExportModelAdmin
from import_export.formats import base_formats
from import_export.forms import ExportForm

from apps.content import selectors, services
from apps.content.checker import AnswerKey, key_errors
from apps.content.models import Hint, Problem, ProblemOption, Topic
from apps.content.resources import ProblemResource
from apps.content.spreadsheet import COLUMNS, split_alternatives


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
    fields = ["label", "text_en", "text_bn"]


class HintInline(admin.TabularInline):
    model = Hint
    extra = 0
    max_num = 3
    fields = ["level", "text_en", "text_bn", "is_ai_generated"]

    def formfield_for_dbfield(self, db_field: Any, request: Any, **kwargs: Any) -> Any:
        if db_field.name in ("text_en", "text_bn"):
            kwargs["widget"] = forms.Textarea(attrs={"rows": 3, "cols": 45})
        return super().formfield_for_dbfield(db_field, request, **kwargs)


class NeedsHintsFilter(admin.SimpleListFilter):
    title = "hints"
    parameter_name = "hints"

    def lookups(self, request: Any, model_admin: Any) -> list[tuple[str, str]]:
        return [("needs", "Needs hints (fewer than 3 in both languages)"), ("complete", "3 hints")]

    def queryset(self, request: Any, queryset: QuerySet[Problem]) -> QuerySet[Problem]:
        if self.value() in ("needs", "complete"):
            complete = selectors.problems_with_complete_hints()
            if self.value() == "needs":
                return queryset.exclude(pk__in=complete)
            return queryset.filter(pk__in=complete)
        return queryset


class AIHintsFilter(admin.SimpleListFilter):
    title = "AI-generated hints"
    parameter_name = "ai_hints"

    def lookups(self, request: Any, model_admin: Any) -> list[tuple[str, str]]:
        return [("yes", "Has AI-generated hints"), ("no", "Only authored hints")]

    def queryset(self, request: Any, queryset: QuerySet[Problem]) -> QuerySet[Problem]:
        has_ai = Exists(Hint.objects.filter(problem=OuterRef("pk"), is_ai_generated=True))
        if self.value() == "yes":
            return queryset.filter(has_ai)
        if self.value() == "no":
            return queryset.filter(~has_ai)
        return queryset


class ProblemAdminForm(forms.ModelForm):
    class Meta:
        model = Problem
        fields = [
            "code",
            "is_active",
            "grade",
            "topic",
            "subtopic",
            "question_en",
            "question_bn",
            "answer_type",
            "answer",
            "accepted_answers",
            "tolerance",
            "simplest_form",
            "explanation_en",
            "explanation_bn",
            "difficulty",
            "estimated_time_minutes",
        ]
        widgets = {
            "question_en": forms.Textarea(attrs={"rows": 5, "cols": 50}),
            "question_bn": forms.Textarea(attrs={"rows": 5, "cols": 50}),
            "explanation_en": forms.Textarea(attrs={"rows": 4, "cols": 50}),
            "explanation_bn": forms.Textarea(attrs={"rows": 4, "cols": 50}),
            "accepted_answers": forms.Textarea(attrs={"rows": 3, "cols": 50}),
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        topic, grade = data.get("topic"), data.get("grade")
        if topic is not None and grade is not None and topic.grade != grade:
            self.add_error("topic", f"this topic belongs to grade {topic.grade}, not {grade}")
        answer_type, answer = data.get("answer_type"), data.get("answer")
        # Multiple-choice answers are checked against the options when the import runs; here
        # the options are still being edited in the inline below.
        if answer_type and answer and answer_type != Problem.AnswerType.MULTIPLE_CHOICE:
            key = AnswerKey(
                answer_type=answer_type,
                answer=answer,
                accepted=tuple(split_alternatives(data.get("accepted_answers", ""))),
                tolerance=data.get("tolerance", ""),
                simplest_form=bool(data.get("simplest_form")),
            )
            for message in key_errors(key):
                self.add_error("answer", message)
        return data


@admin.register(Problem)
class ProblemAdmin(ImportExportModelAdmin):
    form = ProblemAdminForm
    resource_classes = [ProblemResource]
    import_formats = [base_formats.CSV, base_formats.XLSX]
    export_formats = [base_formats.CSV, base_formats.XLSX]
    import_template_name = "admin/content/problem/import.html"
    export_form_class = ExportForm  # always every column: the export is the import format
    list_display = [
        "code",
        "grade",
        "topic",
        "difficulty",
        "answer_type",
        "is_active",
        "hints_status",
        "version",
    ]
    list_filter = [
        "grade",
        "topic",
        "difficulty",
        "answer_type",
        "is_active",
        NeedsHintsFilter,
        AIHintsFilter,
    ]
    list_select_related = ["topic"]
    list_per_page = 50
    search_fields = ["code", "question_en", "question_bn", "subtopic"]
    readonly_fields = ["version", "created_at", "updated_at", "preview_en", "preview_bn"]
    actions = ["activate", "retire"]
    inlines = [ProblemOptionInline, HintInline]
    fieldsets = [
        (None, {"fields": [("code", "is_active"), ("grade", "topic"), "subtopic"]}),
        ("Question", {"fields": [("question_en", "question_bn")]}),
        (
            "Answer",
            {
                "fields": [
                    ("answer_type", "answer"),
                    "accepted_answers",
                    ("tolerance", "simplest_form"),
                ]
            },
        ),
        ("Explanation", {"fields": [("explanation_en", "explanation_bn")]}),
        ("Level", {"fields": [("difficulty", "estimated_time_minutes")]}),
        ("As the student sees it", {"fields": [("preview_en", "preview_bn")]}),
        (
            "History",
            {"fields": [("version", "created_at", "updated_at")], "classes": ["collapse"]},
        ),
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Problem]:
        both_languages = ~Q(hints__text_en="") & ~Q(hints__text_bn="")
        return (
            super()
            .get_queryset(request)
            .annotate(
                complete_hints=Count("hints", filter=both_languages, distinct=True),
                ai_hints=Count("hints", filter=Q(hints__is_ai_generated=True), distinct=True),
            )
        )

    def get_import_data_kwargs(self, **kwargs: Any) -> dict[str, Any]:
        data = super().get_import_data_kwargs(**kwargs)
        data["rollback_on_validation_errors"] = True  # all or nothing, also on confirm
        return data

    def get_import_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_import_context_data(**kwargs)
        context["problem_columns"] = COLUMNS
        return context

    @admin.display(description="hints")
    def hints_status(self, obj: Problem) -> str:
        complete = getattr(obj, "complete_hints", 0)
        label = f"{complete}/3"
        if getattr(obj, "ai_hints", 0):
            label += " (AI)"
        return label if complete >= 3 else f"{label} — needs hints"

    @admin.action(description="Activate selected problems")
    def activate(self, request: HttpRequest, queryset: QuerySet[Problem]) -> None:
        changed = services.problems_set_active(problems=queryset, active=True)
        self.message_user(request, f"{changed} problem(s) activated.", messages.SUCCESS)

    @admin.action(description="Retire (deactivate) selected problems — answers are kept")
    def retire(self, request: HttpRequest, queryset: QuerySet[Problem]) -> None:
        changed = services.problems_set_active(problems=queryset, active=False)
        self.message_user(request, f"{changed} problem(s) retired.", messages.SUCCESS)

    @admin.display(description="English")
    def preview_en(self, obj: Problem) -> SafeString:
        return self._preview(obj, "en")

    @admin.display(description="বাংলা")
    def preview_bn(self, obj: Problem) -> SafeString:
        return self._preview(obj, "bn")

    def _preview(self, obj: Problem, lang: str) -> SafeString:
        if obj.pk is None:
            return format_html("<em>{}</em>", "Save the problem to see the preview.")
        question = getattr(obj, f"question_{lang}")
        options = format_html_join(
            "",
            "<li><b>{}</b>) {}</li>",
            ((o.label, getattr(o, f"text_{lang}")) for o in obj.options.all()),
        )
        hints = format_html_join(
            "",
            "<li>{}</li>",
            (
                (getattr(h, f"text_{lang}") or "—",)
                for h in sorted(obj.hints.all(), key=lambda h: h.level)
            ),
        )
        return format_html(
            '<div class="dars-preview" lang="{}" style="max-width:28em;white-space:pre-wrap">'
            "<p>{}</p>{}<details><summary>{}</summary><ol>{}</ol></details></div>",
            lang,
            question,
            format_html('<ul style="list-style:none;padding:0">{}</ul>', options)
            if options
            else "",
            "Hints" if lang == "en" else "ইঙ্গিত",
            hints,
        )


class ReviewFilter(admin.SimpleListFilter):
    title = "review"
    parameter_name = "review"

    def lookups(self, request: Any, model_admin: Any) -> list[tuple[str, str]]:
        return [("pending", "AI-written, awaiting review"), ("approved", "AI-written, approved")]

    def queryset(self, request: Any, queryset: QuerySet[Hint]) -> QuerySet[Hint]:
        if self.value() == "pending":
            return queryset.filter(is_ai_generated=True, reviewed_at__isnull=True)
        if self.value() == "approved":
            return queryset.filter(is_ai_generated=True, reviewed_at__isnull=False)
        return queryset


@admin.register(Hint)
class HintAdmin(admin.ModelAdmin):
    list_display = ["problem", "level", "text_en", "text_bn", "is_ai_generated", "reviewed_at"]
    list_filter = [ReviewFilter, "level", "is_ai_generated", "problem__grade"]
    list_select_related = ["problem"]
    search_fields = ["problem__code", "text_en", "text_bn"]
    raw_id_fields = ["problem"]
    readonly_fields = ["reviewed_at"]
    actions = ["approve"]

    @admin.action(description="Approve selected AI-written hints")
    def approve(self, request: HttpRequest, queryset: QuerySet[Hint]) -> None:
        count = services.hints_approve(hints=queryset)
        self.message_user(request, f"{count} hint(s) approved.", messages.SUCCESS)
