"""The content studio: the content team's daily workplace, in English and Bengali.

Every save goes through `apps.content.services` (validated as a whole, versioned, kept in the
history); nothing here writes a model directly.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode
from django.utils.safestring import SafeString
from django.utils.text import capfirst, format_lazy
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportExportModelAdmin
from import_export.forms import ExportForm, ImportForm

from apps.content import history, selectors, services
from apps.content.checker import BENGALI_LETTERS, LATIN_LETTERS, display_answer
from apps.content.domain import FEEDBACK_POSITIONS, HINT_LEVELS, OPTION_LABELS
from apps.content.models import AnswerFeedback, Hint, Problem, ProblemVersion, Route, Topic
from apps.content.resources import CSVFormat, ProblemResource, TopicResource, XLSXFormat
from apps.content.spreadsheet import (
    COLUMNS,
    SpreadsheetError,
    check_size,
    problem_values,
    split_alternatives,
)
from apps.students.models import Student


class GradeFilter(admin.SimpleListFilter):
    title = _("grade")
    parameter_name = "grade"

    def lookups(self, request: Any, model_admin: Any) -> list[tuple[Any, Any]]:
        return list(Student.Grade.choices)

    def queryset(self, request: Any, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value() in {str(value) for value, _label in Student.Grade.choices}:
            field = "grade" if queryset.model is Topic else "topic__grade"
            return queryset.filter(**{field: int(self.value() or 0)})
        return queryset


class TopicFilter(admin.SimpleListFilter):
    """Topics of the chosen grade only (all grades when none is chosen)."""

    title = _("topic")
    parameter_name = "topic"

    def lookups(self, request: Any, model_admin: Any) -> list[tuple[Any, Any]]:
        topics = Topic.objects.order_by("grade", "order")
        grade = request.GET.get("grade")
        if grade and grade.isdigit():
            topics = topics.filter(grade=int(grade))
        return [(str(t.pk), f"{t.grade} · {t.name_bn if _is_bn() else t.name_en}") for t in topics]

    def queryset(self, request: Any, queryset: QuerySet[Problem]) -> QuerySet[Problem]:
        if self.value() and str(self.value()).isdigit():
            return queryset.filter(topic_id=int(str(self.value())))
        return queryset


def _is_bn() -> bool:
    from django.utils import translation

    return translation.get_language() == "bn"


class SizedImportForm(ImportForm):
    """The upload form, refusing a file over IMPORT_MAX_BYTES from its size alone, before
    django-import-export reads it into memory and a temporary file."""

    def clean_import_file(self) -> Any:
        upload = self.cleaned_data["import_file"]
        try:
            check_size(upload.size, services.import_limits())
        except SpreadsheetError as refused:
            raise forms.ValidationError(str(refused), code="too_large") from refused
        return upload


class LibraryImportExportAdmin(ImportExportModelAdmin):
    """Import and export as the content team uses them: the file checked for size first, and
    read in one piece (django-import-export concatenates chunks, quadratic in the size)."""

    import_form_class = SizedImportForm
    import_formats = [CSVFormat, XLSXFormat]
    export_formats = [CSVFormat, XLSXFormat]
    export_form_class = ExportForm  # always every column: the export is the import format

    def write_to_tmp_storage(self, import_file: Any, input_format: Any) -> Any:
        storage = self.get_tmp_storage_class()(
            encoding=None if input_format.is_binary() else self.from_encoding,
            read_mode=input_format.get_read_mode(),
            **self.get_tmp_storage_class_kwargs(),
        )
        storage.save(b"".join(import_file.chunks()))
        return storage


@admin.register(Topic)
class TopicAdmin(LibraryImportExportAdmin):
    list_display = ["code", "grade", "order", "name_en", "name_bn", "outcome_code", "problems"]
    list_filter = [GradeFilter]
    search_fields = ["code", "name_en", "name_bn", "outcome_code"]
    ordering = ["grade", "order"]
    fields = ["code", "grade", "order", "name_en", "name_bn", "outcome_code"]
    resource_classes = [TopicResource]
    import_template_name = "admin/content/topic/import.html"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Topic]:
        return super().get_queryset(request).annotate(problem_count=Count("problems"))

    @admin.display(description=_("problems"), ordering="problem_count")
    def problems(self, obj: Topic) -> int:
        return int(getattr(obj, "problem_count", 0))

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return ["code"] if obj is not None else []

    def get_import_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_import_context_data(**kwargs)
        context["columns"] = services.TOPIC_COLUMNS
        return context


class NeedsHintsFilter(admin.SimpleListFilter):
    title = _("hints")
    parameter_name = "hints"

    def lookups(self, request: Any, model_admin: Any) -> list[tuple[str, Any]]:
        return [
            ("needs", _("Needs hints (fewer than 3 in both languages)")),
            ("complete", _("3 hints in both languages")),
        ]

    def queryset(self, request: Any, queryset: QuerySet[Problem]) -> QuerySet[Problem]:
        complete = selectors.problems_with_complete_hints()
        if self.value() == "needs":
            return queryset.exclude(pk__in=complete)
        if self.value() == "complete":
            return queryset.filter(pk__in=complete)
        return queryset


class AIHintsFilter(admin.SimpleListFilter):
    title = _("AI-written hints")
    parameter_name = "ai_hints"

    def lookups(self, request: Any, model_admin: Any) -> list[tuple[str, Any]]:
        return [
            ("pending", _("AI-written, awaiting review")),
            ("yes", _("Has AI-written hints")),
            ("no", _("Only authored hints")),
        ]

    def queryset(self, request: Any, queryset: QuerySet[Problem]) -> QuerySet[Problem]:
        ai = Hint.objects.filter(problem=OuterRef("pk"), is_ai_generated=True)
        if self.value() == "pending":
            return queryset.filter(Exists(ai.filter(reviewed_at__isnull=True)))
        if self.value() == "yes":
            return queryset.filter(Exists(ai))
        if self.value() == "no":
            return queryset.filter(~Exists(ai))
        return queryset


class AttentionFilter(admin.SimpleListFilter):
    title = _("needs attention")
    parameter_name = "attention"

    def lookups(self, request: Any, model_admin: Any) -> list[tuple[str, Any]]:
        return [("unusable", _("Answer key unusable (found by a student's answer)"))]

    def queryset(self, request: Any, queryset: QuerySet[Problem]) -> QuerySet[Problem]:
        if self.value() == "unusable":
            return queryset.filter(unusable_since__isnull=False)
        return queryset


def _column_label(column: str) -> str:
    """A spreadsheet column as a teacher reads it."""
    labels = {
        "code": gettext("code"),
        "grade": gettext("grade"),
        "topic": gettext("topic"),
        "subtopic": gettext("subtopic"),
        "difficulty": gettext("difficulty"),
        "answer_type": gettext("answer type"),
        "question_en": gettext("question (English)"),
        "question_bn": gettext("question (Bengali)"),
        "answer": gettext("answer"),
        "answer_bn": gettext("answer (Bengali)"),
        "accepted_answers": gettext("other accepted answers"),
        "tolerance": gettext("tolerance"),
        "simplest_form": gettext("simplest form"),
        "explanation_en": gettext("explanation (English)"),
        "explanation_bn": gettext("explanation (Bengali)"),
        "estimated_time_minutes": gettext("estimated time (minutes)"),
        "is_active": gettext("active"),
    }
    if column in labels:
        return labels[column]
    kind, key, lang = column.split("_")
    language = gettext("English") if lang == "en" else gettext("Bengali")
    if kind == "feedback" and lang == "answer":
        return gettext("feedback %(number)s: wrong answer") % {"number": key}
    if kind == "feedback":
        return gettext("feedback %(number)s (%(language)s)") % {
            "number": key,
            "language": language,
        }
    if kind == "option":
        return gettext("option %(label)s (%(language)s)") % {
            "label": key.upper(),
            "language": language,
        }
    return gettext("hint %(level)s (%(language)s)") % {"level": key, "language": language}


class TopicChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        name = obj.name_bn if _is_bn() else obj.name_en
        return f"{obj.grade} · {name} ({obj.code})"


class TopicSelect(forms.Select):
    """Each topic option carries its grade, so the page can list only the chosen grade's."""

    def create_option(self, name: str, value: Any, *args: Any, **kwargs: Any) -> dict[str, Any]:
        option = super().create_option(name, value, *args, **kwargs)
        instance = getattr(value, "instance", None)
        if instance is not None:
            option["attrs"]["data-grade"] = str(instance.grade)
        return option


def _textarea(rows: int) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows, "cols": 48})


_LANGUAGE_NAMES = {"en": _("English"), "bn": _("Bengali")}


def _option_field(label: str, lang: str) -> forms.CharField:
    return forms.CharField(
        label=format_lazy(
            _("Option {label} ({language})"), label=label, language=_LANGUAGE_NAMES[lang]
        ),
        required=False,
        max_length=200,
    )


def _hint_field(level: int, lang: str) -> forms.CharField:
    return forms.CharField(
        label=format_lazy(
            _("Hint {level} ({language})"), level=level, language=_LANGUAGE_NAMES[lang]
        ),
        required=False,
        widget=_textarea(3),
    )


def _feedback_field(number: int, part: str) -> forms.CharField:
    if part == "answer":
        return forms.CharField(
            label=format_lazy(_("Feedback {number}: wrong answer"), number=number),
            required=False,
            max_length=200,
        )
    return forms.CharField(
        label=format_lazy(
            _("Feedback {number} ({language})"), number=number, language=_LANGUAGE_NAMES[part]
        ),
        required=False,
        widget=_textarea(2),
    )


class ProblemForm(forms.ModelForm):
    """The whole problem on one page, in the spreadsheet's own columns: the question, the
    answer key, up to four options, the three hints and the feedback for up to four wrong
    answers, each in English and Bengali."""

    option_a_en, option_a_bn = _option_field("A", "en"), _option_field("A", "bn")
    option_b_en, option_b_bn = _option_field("B", "en"), _option_field("B", "bn")
    option_c_en, option_c_bn = _option_field("C", "en"), _option_field("C", "bn")
    option_d_en, option_d_bn = _option_field("D", "en"), _option_field("D", "bn")
    hint_1_en, hint_1_bn = _hint_field(1, "en"), _hint_field(1, "bn")
    hint_2_en, hint_2_bn = _hint_field(2, "en"), _hint_field(2, "bn")
    hint_3_en, hint_3_bn = _hint_field(3, "en"), _hint_field(3, "bn")
    feedback_1_answer, feedback_1_en, feedback_1_bn = (
        _feedback_field(1, part) for part in ("answer", "en", "bn")
    )
    feedback_2_answer, feedback_2_en, feedback_2_bn = (
        _feedback_field(2, part) for part in ("answer", "en", "bn")
    )
    feedback_3_answer, feedback_3_en, feedback_3_bn = (
        _feedback_field(3, part) for part in ("answer", "en", "bn")
    )
    feedback_4_answer, feedback_4_en, feedback_4_bn = (
        _feedback_field(4, part) for part in ("answer", "en", "bn")
    )

    grade = forms.TypedChoiceField(label=_("grade"), choices=Student.Grade.choices, coerce=int)
    topic = TopicChoiceField(
        label=_("topic"),
        queryset=Topic.objects.order_by("grade", "order"),
        widget=TopicSelect,
        help_text=_("Only the chosen grade's topics are listed."),
    )
    version = forms.IntegerField(label=_("version"), widget=forms.HiddenInput, required=False)

    class Meta:
        model = Problem
        fields = [
            "code",
            "is_active",
            "topic",
            "subtopic",
            "difficulty",
            "estimated_time_minutes",
            "question_en",
            "question_bn",
            "answer_type",
            "answer",
            "answer_bn",
            "accepted_answers",
            "tolerance",
            "simplest_form",
            "explanation_en",
            "explanation_bn",
        ]
        widgets = {
            "question_en": _textarea(5),
            "question_bn": _textarea(5),
            "explanation_en": _textarea(5),
            "explanation_bn": _textarea(5),
            "accepted_answers": _textarea(3),
            "answer_type": forms.RadioSelect,
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["answer_type"].choices = Problem.AnswerType.choices  # type: ignore[attr-defined]
        self.fields["answer"].help_text = _(
            "Number: 42, -7, 3.5 or 25%. Fraction: 3/4 or 2 1/3. Multiple choice: the letter "
            "of the right option (A–D). Text: the answer in English."
        )
        if self.instance.pk is not None:
            stored = problem_values(self.instance)
            for name in self.fields:
                if name.startswith(("option_", "hint_", "feedback_")):
                    self.initial.setdefault(name, stored[name])
            self.initial.setdefault("grade", self.instance.topic.grade)
            self.initial["version"] = self.instance.version
            self.initial["accepted_answers"] = "\n".join(
                split_alternatives(self.instance.accepted_answers)
            )
        self.values: dict[str, str] = {}

    def _post_clean(self) -> None:
        """The content service validates the problem as a whole (in `clean`)."""

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        problem = self.instance if self.instance.pk is not None else None
        if problem is not None:
            data["code"] = problem.code  # a stable key: shown, not edited
        code = str(data.get("code") or "")
        if problem is None and Problem.objects.filter(code=code).exists():
            self.add_error("code", _("A problem with this code already exists."))
            return data
        if problem is not None:
            current = Problem.objects.select_for_update().filter(pk=problem.pk).first()
            seen = data.get("version")
            if current is not None and seen is not None and current.version != seen:
                self._stale(current)
                return data
        self.values = self._values(data)
        plan = services.problems_plan([self.values])
        for errors in plan.field_errors.values():
            for column, messages_ in errors.items():
                field: str | None = column if column in self.fields else None
                if column.startswith("option_") or column == "options":
                    field = "option_a_en"
                if column == "topic" and "grade" in self.fields and not data.get("topic"):
                    field = "grade"
                for message in messages_:
                    self.add_error(field, message)
        return data

    def _stale(self, current: Problem) -> None:
        latest = ProblemVersion.objects.filter(problem=current).select_related("user").first()
        who = (latest.user.get_username() if latest and latest.user else None) or _("someone")
        self.add_error(
            None,
            _(
                "%(who)s saved this problem (now version %(version)s) while you were editing. "
                "Your changes are NOT saved; they are still in the form below. Check the "
                "current version in the history, then save again to replace it."
            )
            % {"who": who, "version": current.version},
        )
        data = self.data.copy()  # type: ignore[attr-defined]
        data["version"] = str(current.version)
        self.data = data

    def _values(self, data: dict[str, Any]) -> dict[str, str]:
        topic = data.get("topic")
        values = {
            "code": str(data.get("code") or ""),
            "grade": str(data.get("grade") or ""),
            "topic": topic.code if topic is not None else "",
            "subtopic": data.get("subtopic") or "",
            "difficulty": str(data.get("difficulty") or ""),
            "answer_type": data.get("answer_type") or "",
            "question_en": data.get("question_en") or "",
            "question_bn": data.get("question_bn") or "",
            "answer": data.get("answer") or "",
            "answer_bn": data.get("answer_bn") or "",
            "accepted_answers": "|".join(split_alternatives(data.get("accepted_answers") or "")),
            "tolerance": data.get("tolerance") or "",
            "simplest_form": "yes" if data.get("simplest_form") else "",
            "explanation_en": data.get("explanation_en") or "",
            "explanation_bn": data.get("explanation_bn") or "",
            "estimated_time_minutes": str(data.get("estimated_time_minutes") or ""),
            "is_active": "yes" if data.get("is_active") else "no",
        }
        answer_type = values["answer_type"]
        for label in OPTION_LABELS:
            for lang in ("en", "bn"):
                name = f"option_{label.lower()}_{lang}"
                # Options belong to multiple choice only: hidden rows of another type are empty.
                values[name] = (data.get(name) or "") if answer_type == "multiple_choice" else ""
        if answer_type != "numeric":
            values["tolerance"] = ""
        if answer_type != "fraction":
            values["simplest_form"] = ""
        if answer_type != "text":
            values["answer_bn"] = values["accepted_answers"] = ""
        for level in HINT_LEVELS:
            for lang in ("en", "bn"):
                values[f"hint_{level}_{lang}"] = data.get(f"hint_{level}_{lang}") or ""
        for n in FEEDBACK_POSITIONS:
            for part in ("answer", "en", "bn"):
                values[f"feedback_{n}_{part}"] = data.get(f"feedback_{n}_{part}") or ""
        return values

    class Media:
        js = ["content/problem_form.js"]


class FeedbackAddForm(forms.Form):
    """Feedback for one wrong answer (`services.problem_feedback_add` checks it against the
    problem)."""

    answer = forms.CharField(
        label=capfirst(AnswerFeedback._meta.get_field("answer").verbose_name),
        max_length=200,
        help_text=_(
            "As a student typed it; ১০, 10 and 10.0 are the same answer, and so are an "
            "option's letter and its text."
        ),
    )
    message_en = forms.CharField(
        label=capfirst(AnswerFeedback._meta.get_field("message_en").verbose_name),
        widget=_textarea(3),
    )
    message_bn = forms.CharField(
        label=capfirst(AnswerFeedback._meta.get_field("message_bn").verbose_name),
        widget=_textarea(3),
    )


def feedback_add_url(problem_id: int, answer: str) -> str:
    """The admin page that adds feedback for `answer` to a problem (for item statistics)."""
    url = reverse("admin:content_problem_feedback_add", args=[problem_id])
    return f"{url}?{urlencode({'answer': answer})}"


@admin.register(Problem)
class ProblemAdmin(LibraryImportExportAdmin):
    form = ProblemForm
    resource_classes = [ProblemResource]
    import_template_name = "admin/content/problem/import.html"
    list_display = [
        "code",
        "grade",
        "topic_code",
        "difficulty",
        "answer_type",
        "is_active",
        "hints_status",
        "version",
    ]
    list_filter = [
        GradeFilter,
        TopicFilter,
        "difficulty",
        "answer_type",
        "is_active",
        NeedsHintsFilter,
        AIHintsFilter,
        AttentionFilter,
    ]
    list_select_related = ["topic"]
    list_per_page = 50
    search_fields = ["code", "question_en", "question_bn", "subtopic"]
    actions = ["activate", "retire"]

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> list[tuple[Any, Any]]:
        options = [
            (f"option_{label.lower()}_en", f"option_{label.lower()}_bn") for label in OPTION_LABELS
        ]
        hints = [(f"hint_{level}_en", f"hint_{level}_bn") for level in HINT_LEVELS]
        feedback = [
            (f"feedback_{n}_answer", f"feedback_{n}_en", f"feedback_{n}_bn")
            for n in FEEDBACK_POSITIONS
        ]
        fieldsets: list[tuple[Any, Any]] = [
            (None, {"fields": [("code", "is_active"), ("grade", "topic"), "subtopic", "version"]}),
            (_("Question"), {"fields": [("question_en", "question_bn")]}),
            (
                _("Answer"),
                {
                    "fields": [
                        "answer_type",
                        ("answer", "answer_bn"),
                        "accepted_answers",
                        "tolerance",
                        "simplest_form",
                    ]
                },
            ),
            (
                _("Options (multiple choice only)"),
                {
                    "fields": options,
                    "classes": ["dars-options"],
                    "description": _("Two to four options, A first, each in both languages."),
                },
            ),
            (
                _("Hints"),
                {
                    "fields": hints,
                    "description": _(
                        "Hint 1 nudges, hint 2 gives the method, hint 3 nearly solves it. "
                        "Leave a hint empty for the AI to write it (when AI is on)."
                    ),
                },
            ),
            (_("Explanation"), {"fields": [("explanation_en", "explanation_bn")]}),
            (
                _("Feedback for particular wrong answers"),
                {
                    "fields": feedback,
                    "description": _(
                        "A student who gives one of these wrong answers sees its feedback "
                        "after the result, in their language. Type the answer as a student "
                        "might: ১০, 10 and 10.0 are the same answer, and for multiple choice "
                        "the letter or the option's text. Empty a row to remove its feedback."
                    ),
                },
            ),
            (_("Level"), {"fields": [("difficulty", "estimated_time_minutes")]}),
        ]
        if obj is not None:
            fieldsets += [
                (_("Hint status"), {"fields": ["hint_status"]}),
                (_("As the student sees it"), {"fields": [("preview_en", "preview_bn")]}),
                (
                    _("History"),
                    {"fields": ["history_panel", ("version_info", "created_at", "updated_at")]},
                ),
            ]
        return fieldsets

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        fields = [
            "hint_status",
            "preview_en",
            "preview_bn",
            "history_panel",
            "version_info",
            "created_at",
            "updated_at",
        ]
        return [*fields, "code"] if obj is not None else fields

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

    def get_object(self, request: HttpRequest, object_id: str, from_field: Any = None) -> Any:
        queryset = selectors.with_rows_loaded(Problem.objects.all())
        return queryset.filter(pk=object_id).first() if str(object_id).isdigit() else None

    def save_model(self, request: HttpRequest, obj: Problem, form: Any, change: bool) -> None:
        saved = services.problem_save(
            values=form.values,
            route=Route.ADMIN,
            user=request.user,
            expected_version=form.cleaned_data.get("version") if change else None,
        )
        obj.pk, obj.version = saved.pk, saved.version

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        """Options and hints were saved with the problem (one version)."""

    @admin.display(description=_("grade"), ordering="topic__grade")
    def grade(self, obj: Problem) -> int:
        return obj.topic.grade

    @admin.display(description=_("topic"), ordering="topic__code")
    def topic_code(self, obj: Problem) -> str:
        return obj.topic.code

    @admin.display(description=_("hints"))
    def hints_status(self, obj: Problem) -> str:
        complete = int(getattr(obj, "complete_hints", 0))
        label = f"{complete}/3"
        if getattr(obj, "ai_hints", 0):
            label += " " + gettext("(AI)")
        return label if complete >= 3 else label + " — " + gettext("needs hints")

    @admin.display(description=_("version"))
    def version_info(self, obj: Problem) -> str:
        return str(obj.version)

    @admin.display(description=_("hints"))
    def hint_status(self, obj: Problem) -> SafeString:
        rows = []
        hints = {h.level: h for h in obj.hints.all()}
        for level in HINT_LEVELS:
            hint = hints.get(level)
            if hint is None:
                state = gettext("missing")
            elif not hint.is_ai_generated:
                state = gettext("written by the content team")
            elif hint.reviewed_at is None:
                state = gettext("written by AI, awaiting review")
            else:
                state = gettext("written by AI, reviewed")
            rows.append((gettext("Hint %(level)s") % {"level": level}, state))
        return format_html("<ul>{}</ul>", format_html_join("", "<li>{}: {}</li>", rows))

    @admin.display(description=_("English"))
    def preview_en(self, obj: Problem) -> SafeString:
        return self._preview(obj, "en")

    @admin.display(description="বাংলা")
    def preview_bn(self, obj: Problem) -> SafeString:
        return self._preview(obj, "bn")

    def _preview(self, obj: Problem, lang: str) -> SafeString:
        def text(item: Any, name: str) -> str:
            first = getattr(item, f"{name}_{lang}", "")
            return str(first or getattr(item, f"{name}_{'bn' if lang == 'en' else 'en'}", ""))

        letters = BENGALI_LETTERS if lang == "bn" else LATIN_LETTERS
        options = format_html_join(
            "",
            "<li><b>{}</b>) {}</li>",
            (
                (letters[LATIN_LETTERS.index(o.label)], text(o, "text"))
                for o in sorted(obj.options.all(), key=lambda o: o.label)
            ),
        )
        hints = format_html_join(
            "",
            "<li>{}</li>",
            ((text(h, "text") or "—",) for h in sorted(obj.hints.all(), key=lambda h: h.level)),
        )
        words = {
            "en": ("Hints", "Correct answer", "Explanation"),
            "bn": ("ইঙ্গিত", "সঠিক উত্তর", "ব্যাখ্যা"),
        }[lang]
        answer = display_answer(selectors.answer_key_for(obj), lang)
        return format_html(
            '<div class="dars-preview" lang="{}"><p>{}</p>{}<details><summary>{}</summary>'
            '<ol>{}</ol></details><p class="dars-answer"><b>{}:</b> {}</p>'
            "<details><summary>{}</summary><p>{}</p></details></div>",
            lang,
            text(obj, "question"),
            format_html('<ul class="dars-options">{}</ul>', options) if options else "",
            words[0],
            hints,
            words[1],
            answer,
            words[2],
            text(obj, "explanation") or "—",
        )

    @admin.display(description=_("history"))
    def history_panel(self, obj: Problem) -> SafeString:
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            [self._history_row(obj, version) for version in history.versions_of(obj, limit=20)],
        )
        head = format_html(
            "<tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th></th></tr>",
            gettext("version"),
            gettext("saved at"),
            gettext("saved by"),
            gettext("route"),
            gettext("what changed"),
        )
        return format_html('<table class="dars-history">{}{}</table>', head, rows)

    def _history_row(self, obj: Problem, version: ProblemVersion) -> tuple[Any, ...]:
        changed = ", ".join(_column_label(c) for c in version.changed)
        if not changed:
            changed = gettext("first version") if version.version == 1 else "—"
        if version.version == obj.version:
            link: Any = gettext("current")
        else:
            url = reverse("admin:content_problem_version", args=[obj.pk, version.version])
            link = format_html('<a href="{}">{}</a>', url, gettext("compare / restore"))
        return (
            version.version,
            timezone.localtime(version.saved_at).strftime("%Y-%m-%d %H:%M"),
            version.user.get_username() if version.user else "—",
            version.get_route_display(),
            changed,
            link,
        )

    # --- history: compare and restore -----------------------------------------------------

    def get_urls(self) -> list[URLPattern]:
        version = path(
            "<int:object_id>/versions/<int:version>/",
            self.admin_site.admin_view(self.version_view),
            name="content_problem_version",
        )
        feedback = path(
            "<int:object_id>/feedback/add/",
            self.admin_site.admin_view(self.feedback_add_view),
            name="content_problem_feedback_add",
        )
        return [version, feedback, *super().get_urls()]

    def version_view(self, request: HttpRequest, object_id: int, version: int) -> HttpResponse:
        problem = get_object_or_404(selectors.with_rows_loaded(Problem.objects.all()), pk=object_id)
        if not self.has_view_or_change_permission(request, problem):
            raise PermissionDenied
        old = get_object_or_404(ProblemVersion, problem=problem, version=version)
        if request.method == "POST":
            if not self.has_change_permission(request, problem):
                raise PermissionDenied
            try:
                with transaction.atomic():
                    services.problem_restore(problem=problem, version=version, user=request.user)
            except services.ProblemInvalid as exc:
                for messages_ in exc.errors.values():
                    for message in messages_:
                        self.message_user(request, message, messages.ERROR)
            else:
                self.message_user(
                    request,
                    gettext("Version %(version)s was restored as a new version.")
                    % {"version": version},
                    messages.SUCCESS,
                )
            return HttpResponseRedirect(reverse("admin:content_problem_change", args=[problem.pk]))
        current = problem_values(problem)
        diff = [
            (_column_label(column), history.word_diff(current[column], old.data.get(column, "")))
            for column in COLUMNS
            if current[column] != old.data.get(column, "")
        ]
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Problem %(code)s: version %(version)s")
            % {"code": problem.code, "version": version},
            "opts": self.model._meta,
            "problem": problem,
            "old": old,
            "diff": diff,
            "can_restore": self.has_change_permission(request, problem),
        }
        return TemplateResponse(request, "admin/content/problem/version.html", context)

    # --- feedback for one wrong answer (linked from item statistics) -----------------------

    def feedback_add_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        """A small form: the wrong answer (prefilled from `?answer=`) and the feedback in both
        languages; saving adds it through the content service (a new version)."""
        problem = get_object_or_404(selectors.with_rows_loaded(Problem.objects.all()), pk=object_id)
        if not self.has_change_permission(request, problem):
            raise PermissionDenied
        if request.method == "POST":
            form = FeedbackAddForm(request.POST)
            if form.is_valid():
                try:
                    saved = services.problem_feedback_add(
                        problem_id=problem.pk, user=request.user, **form.cleaned_data
                    )
                except services.ProblemInvalid as exc:
                    for field, messages_ in exc.errors.items():
                        for message in messages_:
                            form.add_error(field if field in form.fields else None, message)
                else:
                    self.message_user(
                        request,
                        gettext(
                            "The feedback for “%(answer)s” was added; the problem is now at "
                            "version %(version)s."
                        )
                        % {"answer": form.cleaned_data["answer"], "version": saved.version},
                        messages.SUCCESS,
                    )
                    url = reverse("admin:content_problem_change", args=[problem.pk])
                    return HttpResponseRedirect(url)
        else:
            form = FeedbackAddForm(initial={"answer": request.GET.get("answer", "")})
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Problem %(code)s: add feedback for a wrong answer")
            % {"code": problem.code},
            "opts": self.model._meta,
            "problem": problem,
            "question": problem.question_bn if _is_bn() else problem.question_en,
            "correct_answer": display_answer(
                selectors.answer_key_for(problem), "bn" if _is_bn() else "en"
            ),
            "feedback": list(problem.feedback.all()),
            "form": form,
        }
        return TemplateResponse(request, "admin/content/problem/feedback_add.html", context)

    # --- import / export ------------------------------------------------------------------

    def get_import_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_import_context_data(**kwargs)
        context["columns"] = COLUMNS
        return context

    # --- actions --------------------------------------------------------------------------

    @admin.action(description=_("Activate selected problems"), permissions=["change"])
    def activate(self, request: HttpRequest, queryset: QuerySet[Problem]) -> None:
        changed = services.problems_set_active(problems=queryset, active=True, user=request.user)
        self.message_user(
            request,
            ngettext("%(count)s problem activated.", "%(count)s problems activated.", changed)
            % {"count": changed},
            messages.SUCCESS,
        )

    @admin.action(
        description=_("Retire (deactivate) selected problems — answers are kept"),
        permissions=["change"],
    )
    def retire(self, request: HttpRequest, queryset: QuerySet[Problem]) -> None:
        changed = services.problems_set_active(problems=queryset, active=False, user=request.user)
        self.message_user(
            request,
            ngettext("%(count)s problem retired.", "%(count)s problems retired.", changed)
            % {"count": changed},
            messages.SUCCESS,
        )


class ReviewFilter(admin.SimpleListFilter):
    title = _("review")
    parameter_name = "review"

    def lookups(self, request: Any, model_admin: Any) -> list[tuple[str, Any]]:
        return [
            ("pending", _("AI-written, awaiting review")),
            ("approved", _("AI-written, approved")),
        ]

    def queryset(self, request: Any, queryset: QuerySet[Hint]) -> QuerySet[Hint]:
        if self.value() == "pending":
            return queryset.filter(is_ai_generated=True, reviewed_at__isnull=True)
        if self.value() == "approved":
            return queryset.filter(is_ai_generated=True, reviewed_at__isnull=False)
        return queryset


@admin.register(Hint)
class HintAdmin(admin.ModelAdmin):
    """The review list for AI-written hints. Hints are edited on their problem's page (so every
    change is versioned); here they are read and approved."""

    list_display = ["problem_link", "level", "text_en", "text_bn", "is_ai_generated", "reviewed"]
    list_filter = [ReviewFilter, "level", "is_ai_generated"]
    list_select_related = ["problem", "reviewed_by"]
    search_fields = ["problem__code", "text_en", "text_bn"]
    fields = ["problem", "level", "text_en", "text_bn", "is_ai_generated", "reviewed_at"]
    readonly_fields = ["problem", "level", "text_en", "text_bn", "is_ai_generated", "reviewed_at"]
    actions = ["approve"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_review_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.has_perm("content.review_hint"))

    @admin.display(description=_("problem"), ordering="problem__code")
    def problem_link(self, obj: Hint) -> SafeString:
        url = reverse("admin:content_problem_change", args=[obj.problem_id])
        return format_html('<a href="{}">{}</a>', url, obj.problem.code)

    @admin.display(description=_("reviewed"))
    def reviewed(self, obj: Hint) -> str:
        if not obj.is_ai_generated:
            return "—"
        if obj.reviewed_at is None:
            return gettext("awaiting review")
        who = obj.reviewed_by.get_username() if obj.reviewed_by else ""
        return f"{obj.reviewed_at:%Y-%m-%d} {who}".strip()

    @admin.action(description=_("Approve selected AI-written hints"), permissions=["review"])
    def approve(self, request: HttpRequest, queryset: QuerySet[Hint]) -> None:
        count = services.hints_approve(hints=queryset, user=request.user)
        self.message_user(
            request,
            ngettext("%(count)s hint approved.", "%(count)s hints approved.", count)
            % {"count": count},
            messages.SUCCESS,
        )
