"""The one import/export resource for problems, used by the admin and by the commands.

django-import-export drives the workflow (dry run, per-row results, the admin preview and
confirm); the rules live in `apps.content.spreadsheet`. The whole file is validated before any
row is written, errors are reported per spreadsheet row (the header is row 1) and column, and
any error rolls the whole import back: all or nothing.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from import_export import fields, resources
from import_export.instance_loaders import CachedInstanceLoader

from apps.content import services
from apps.content.models import Hint, Problem, ProblemOption, Topic
from apps.content.spreadsheet import (
    COLUMNS,
    ProblemRow,
    escape_formula,
    header_problems,
    parse_row,
    problem_values,
)
from apps.practice.rating import seed_rating

# The Problem fields an import may set (bulk_update writes exactly these).
PROBLEM_FIELDS = [
    "grade", "subtopic", "difficulty", "answer_type", "question_en", "question_bn", "answer",
    "accepted_answers", "tolerance", "simplest_form", "explanation_en", "explanation_bn",
    "estimated_time_minutes", "is_active",
]  # fmt: skip

# import-export numbers data rows from 1; people count spreadsheet rows with the header as 1.
HEADER_ROWS = 1


def problems_for_export() -> QuerySet[Problem]:
    return (
        Problem.objects.select_related("topic")
        .prefetch_related("options", Prefetch("hints", queryset=Hint.objects.order_by("level")))
        .order_by("grade", "topic__order", "code")
    )


class ProblemResource(resources.ModelResource):
    """Rows keyed by problem `code`; `apps.content.spreadsheet.COLUMNS` is the format."""

    # Columns that are not fields of Problem (they live in problem_options and hints).
    option_a_en = fields.Field(column_name="option_a_en")
    option_a_bn = fields.Field(column_name="option_a_bn")
    option_b_en = fields.Field(column_name="option_b_en")
    option_b_bn = fields.Field(column_name="option_b_bn")
    option_c_en = fields.Field(column_name="option_c_en")
    option_c_bn = fields.Field(column_name="option_c_bn")
    option_d_en = fields.Field(column_name="option_d_en")
    option_d_bn = fields.Field(column_name="option_d_bn")
    hint_1_en = fields.Field(column_name="hint_1_en")
    hint_1_bn = fields.Field(column_name="hint_1_bn")
    hint_2_en = fields.Field(column_name="hint_2_en")
    hint_2_bn = fields.Field(column_name="hint_2_bn")
    hint_3_en = fields.Field(column_name="hint_3_en")
    hint_3_bn = fields.Field(column_name="hint_3_bn")

    class Meta:
        model = Problem
        import_id_fields = ("code",)
        fields = COLUMNS
        export_order = COLUMNS
        skip_unchanged = True
        report_skipped = True
        use_transactions = True
        # Problems are written in batches (no savepoint per row); their hints and options
        # follow in bulk once the batch has ids (after_import). Every row is validated before
        # anything is written, and any error still rolls the whole import back.
        use_bulk = True
        batch_size = 1000
        clean_model_instances = False  # spreadsheet.parse_row validates; constraints back it
        instance_loader_class = CachedInstanceLoader

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.progress = kwargs.get("progress")
        self._rows: dict[int, ProblemRow] = {}
        self._row_of_code: dict[str, int] = {}
        self._errors: dict[int, dict[str, list[str]]] = {}
        self._current: dict[str, dict[str, str]] = {}
        self._topics: dict[str, Topic] = {}
        self._values_cache: dict[int, dict[str, str]] = {}
        self._saved: list[tuple[Problem, ProblemRow, bool]] = []  # (problem, row, created)
        self._incoming: dict[int, dict[str, str]] = {}  # id(instance) -> the row's values

    # --- import --------------------------------------------------------------------------

    def before_import(self, dataset: Any, **kwargs: Any) -> None:
        problems = header_problems(list(dataset.headers or []))
        if problems:
            raise ValueError("; ".join(problems))
        self._topics = {t.code: t for t in Topic.objects.all()}
        topic_grades = {code: topic.grade for code, topic in self._topics.items()}
        for number, data in enumerate(dataset.dict, start=1):
            row, errors = parse_row(data, topic_grades)
            code = row.code if row else str(data.get("code") or "").strip()
            if code in self._row_of_code:
                first = self._row_of_code[code] + HEADER_ROWS
                errors.add("code", f"duplicate code {code!r}: also in row {first}")
            elif code:
                self._row_of_code[code] = number
            if errors:
                self._errors[number] = dict(errors)
            elif row is not None:
                self._rows[number] = row
        codes = [row.code for row in self._rows.values()]
        self._current = {
            p.code: problem_values(p) for p in problems_for_export().filter(code__in=codes)
        }

    def before_import_row(self, row: Any, **kwargs: Any) -> None:
        self._values_cache.clear()
        self._incoming.clear()
        number = kwargs["row_number"]
        if number in self._errors:
            raise ValidationError(self._errors[number])

    def import_instance(self, instance: Problem, row: Any, **kwargs: Any) -> None:
        parsed = self._rows[kwargs["row_number"]]
        for name, value in parsed.fields.items():
            if name == "topic_code":
                instance.topic = self._topics[value]
            else:
                setattr(instance, name, value)
        instance.code = parsed.code
        self._incoming[id(instance)] = parsed.values
        if instance.pk is None:  # a new problem starts rated by its authored difficulty
            instance.rating = seed_rating(instance.difficulty)

    def skip_row(
        self, instance: Problem, original: Any, row: Any, import_validation_errors: Any = None
    ) -> bool:
        if import_validation_errors or instance.pk is None:
            return False
        parsed = self._rows[self._row_of_code[instance.code]]
        return not parsed.differs_from(self._current.get(instance.code, {}))

    def before_save_instance(self, instance: Problem, row: Any, **kwargs: Any) -> None:
        if instance.pk is not None:
            instance.version += 1
            instance.updated_at = timezone.now()  # bulk_update does not apply auto_now

    def after_save_instance(self, instance: Problem, row: Any, **kwargs: Any) -> None:
        # In bulk mode the problem is not written yet: its hints and options follow in
        # after_import, once every batch has been written and new problems have ids.
        self._saved.append((instance, self._rows[kwargs["row_number"]], instance.pk is None))

    def get_bulk_update_fields(self) -> list[str]:
        return [*PROBLEM_FIELDS, "topic", "version", "updated_at"]

    def _write_children(self) -> None:
        created = [(problem, row) for problem, row, new in self._saved if new]
        Hint.objects.bulk_create(
            (
                Hint(problem=problem, level=level, text_en=en, text_bn=bn)
                for problem, row in created
                for level, (en, bn) in row.hints.items()
            ),
            batch_size=2000,
        )
        ProblemOption.objects.bulk_create(
            (
                ProblemOption(problem=problem, label=label, text_en=en, text_bn=bn)
                for problem, row in created
                for label, en, bn in row.options or []
            ),
            batch_size=2000,
        )
        for problem, row, new in self._saved:
            if new:
                continue
            if row.options is not None:
                services.problem_set_options(problem=problem, options=row.options)
            services.problem_set_hints(problem=problem, hints=row.hints)

    def after_import_row(self, row: Any, row_result: Any, **kwargs: Any) -> None:
        if self.progress is not None:
            self.progress(kwargs["row_number"])

    def after_import(self, dataset: Any, result: Any, **kwargs: Any) -> None:
        for invalid in result.invalid_rows:
            invalid.number += HEADER_ROWS
        if not (result.has_errors() or result.has_validation_errors()):
            self._write_children()

    # --- export (also what the admin preview's diff shows) --------------------------------

    def get_queryset(self) -> QuerySet[Problem]:
        return problems_for_export()

    def export_field(self, field: Any, instance: Problem, **kwargs: Any) -> str:
        key = id(instance)
        if key in self._incoming:  # the preview's "after" side: what the file brings
            return escape_formula(self._incoming[key][field.column_name])
        if key not in self._values_cache:
            self._values_cache[key] = problem_values(instance)
        return escape_formula(self._values_cache[key][field.column_name])

    def export_resource(
        self, instance: Problem, selected_fields: Any = None, **kwargs: Any
    ) -> list[str]:
        values = problem_values(instance)
        return [escape_formula(values[column]) for column in COLUMNS]

    def get_export_headers(self, selected_fields: Any = None) -> list[str]:
        return list(COLUMNS)


class ProblemBulkResource(ProblemResource):
    """The same import without the per-row diff the admin preview shows (for big files)."""

    class Meta(ProblemResource.Meta):
        skip_diff = True
