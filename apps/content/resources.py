"""django-import-export, for the admin's import and export pages only.

The library drives the admin workflow (upload, preview, confirm, temporary file, permissions,
formats); the data goes through the content services like every other route: the file is read
by `apps.content.spreadsheet` (encodings, limits, row and column numbers), validated and written
by `services.problems_import`, all or nothing. The resource turns the service's report into the
`Result` the workflow expects; the preview template shows the report itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import tablib
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from import_export import resources
from import_export.formats import base_formats
from import_export.results import Error, Result, RowResult

from apps.content import selectors, services
from apps.content.models import Problem, Route, Topic
from apps.content.spreadsheet import (
    COLUMNS,
    NUMBER_COLUMNS,
    SpreadsheetError,
    problem_values,
    read_sheet,
    write_csv,
    write_xlsx,
)


@dataclass(frozen=True)
class Upload:
    """An uploaded file, kept as bytes: the spreadsheet reader decodes it (UTF-16 included)."""

    data: bytes
    file_format: str

    def __len__(self) -> int:
        return 1  # the workflow only asks whether a dataset is empty


class _DarsFormat(base_formats.Format):
    FILE_FORMAT = ""

    def __init__(self, encoding: str | None = None) -> None:
        self.encoding = encoding  # unused: the spreadsheet reader finds the encoding itself

    def create_dataset(self, in_stream: Any, **kwargs: Any) -> Upload:
        data = in_stream if isinstance(in_stream, bytes) else str(in_stream).encode("utf-8")
        return Upload(data=data, file_format=self.FILE_FORMAT)

    def is_binary(self) -> bool:
        return True  # read the file as bytes: decoding is the spreadsheet reader's job

    def get_read_mode(self) -> str:
        return "rb"

    def get_extension(self) -> str:
        return self.FILE_FORMAT

    def can_import(self) -> bool:
        return True

    def can_export(self) -> bool:
        return True


class CSVFormat(_DarsFormat):
    """CSV in UTF-8 (with or without BOM) or UTF-16; exported as UTF-8 with a BOM."""

    FILE_FORMAT = "csv"

    def get_title(self) -> str:
        return "csv"

    def get_content_type(self) -> str:
        return "text/csv"

    def export_data(self, dataset: tablib.Dataset, **kwargs: Any) -> bytes:
        return write_csv(list(dataset.dict), tuple(dataset.headers or ()))


class XLSXFormat(_DarsFormat):
    """Excel: one sheet named after what it holds, the header frozen, numbers as numbers."""

    FILE_FORMAT = "xlsx"

    def get_title(self) -> str:
        return "xlsx"

    def get_content_type(self) -> str:
        return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

    def export_data(self, dataset: tablib.Dataset, **kwargs: Any) -> bytes:
        headers = tuple(dataset.headers or ())
        topics = headers == services.TOPIC_COLUMNS
        return write_xlsx(
            list(dataset.dict),
            headers,
            title="topics" if topics else "problems",
            number_columns=("grade", "order") if topics else NUMBER_COLUMNS,
        )


class ProblemResource(resources.ModelResource):
    """Rows keyed by problem `code`; `apps.content.spreadsheet.COLUMNS` is the format."""

    class Meta:
        model = Problem
        import_id_fields = ("code",)
        fields = ("code",)

    def import_data(self, dataset: Upload, dry_run: bool = False, **kwargs: Any) -> Result:
        report = services.problems_import(
            data=dataset.data,
            file_format=dataset.file_format,
            route=Route.IMPORT,
            user=kwargs.get("user"),
            dry_run=dry_run,
        )
        result = Result()
        result.dars_report = report
        result.totals[RowResult.IMPORT_TYPE_NEW] = report.created
        result.totals[RowResult.IMPORT_TYPE_UPDATE] = report.updated
        result.totals[RowResult.IMPORT_TYPE_SKIP] = report.unchanged
        if report.errors:
            result.append_base_error(Error(_("The file could not be imported.")))
        return result

    def export(self, queryset: Any = None, **kwargs: Any) -> tablib.Dataset:
        """Every problem (or `queryset`), canonical text; the format escapes and types it."""
        problems = selectors.problems_for_export()
        if queryset is not None:
            problems = problems.filter(pk__in=queryset.values("pk"))
        dataset = tablib.Dataset(headers=list(COLUMNS))
        for problem in problems:
            values = problem_values(problem)
            dataset.append([values[column] for column in COLUMNS])
        return dataset


@dataclass
class TopicImportReport:
    """What the topic import preview shows."""

    errors: list[str]
    created_codes: list[str]
    updated_codes: list[str]
    unchanged: int
    plan: None = None

    @property
    def created(self) -> int:
        return len(self.created_codes)

    @property
    def updated(self) -> int:
        return len(self.updated_codes)


class TopicResource(resources.ModelResource):
    """Topics as a spreadsheet: code, grade, name_en, name_bn, order, outcome_code."""

    class Meta:
        model = Topic
        import_id_fields = ("code",)
        fields = ("code",)

    def import_data(self, dataset: Upload, dry_run: bool = False, **kwargs: Any) -> Result:
        try:
            sheet = read_sheet(dataset.data, dataset.file_format, services.import_limits())
            missing = [c for c in services.TOPIC_REQUIRED if c not in sheet.headers]
            unknown = [c for c in sheet.headers if c and c not in services.TOPIC_COLUMNS]
            if missing or unknown:
                raise SpreadsheetError(
                    gettext("The header row must name the columns %(columns)s.")
                    % {"columns": ", ".join(services.TOPIC_COLUMNS)}
                )
            topics = services.topics_save(sheet.rows, update=True, dry_run=dry_run)
            report = TopicImportReport(
                errors=topics.errors,
                created_codes=topics.created,
                updated_codes=topics.updated,
                unchanged=len(sheet.rows) - len(topics.created) - len(topics.updated),
            )
        except SpreadsheetError as exc:
            report = TopicImportReport([str(exc)], [], [], 0)
        result = Result()
        result.dars_report = report
        result.totals[RowResult.IMPORT_TYPE_NEW] = report.created
        result.totals[RowResult.IMPORT_TYPE_UPDATE] = report.updated
        result.totals[RowResult.IMPORT_TYPE_SKIP] = report.unchanged
        if report.errors:
            result.append_base_error(Error(_("The file could not be imported.")))
        return result

    def export(self, queryset: Any = None, **kwargs: Any) -> tablib.Dataset:
        topics = Topic.objects.order_by("grade", "order", "code")
        if queryset is not None:
            topics = topics.filter(pk__in=queryset.values("pk"))
        dataset = tablib.Dataset(headers=list(services.TOPIC_COLUMNS))
        for topic in topics:
            dataset.append([str(getattr(topic, column)) for column in services.TOPIC_COLUMNS])
        return dataset
