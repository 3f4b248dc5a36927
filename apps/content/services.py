"""Writes to the problem library."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import QuerySet
from django.db.models.functions import Now
from django.utils import timezone

from apps.content.models import Hint, Problem, ProblemOption


@transaction.atomic
def problem_set_options(*, problem: Problem, options: Iterable[tuple[str, str, str]]) -> None:
    """Make the problem's multiple-choice options exactly `options` ((label, en, bn) triples)."""
    wanted = {label: (en, bn) for label, en, bn in options}
    existing = {o.label: o for o in ProblemOption.objects.filter(problem=problem)}
    ProblemOption.objects.filter(problem=problem).exclude(label__in=wanted).delete()
    changed = []
    for label, (en, bn) in wanted.items():
        option = existing.get(label)
        if option is None:
            continue
        if (option.text_en, option.text_bn) != (en, bn):
            option.text_en, option.text_bn = en, bn
            changed.append(option)
    ProblemOption.objects.bulk_update(changed, ["text_en", "text_bn"])
    ProblemOption.objects.bulk_create(
        ProblemOption(problem=problem, label=label, text_en=en, text_bn=bn)
        for label, (en, bn) in wanted.items()
        if label not in existing
    )


@transaction.atomic
def problem_set_hints(*, problem: Problem, hints: dict[int, tuple[str, str]]) -> None:
    """Write authored hints for the given levels; levels not given are left as they are.

    A hint written by a person replaces whatever was there (an AI-generated hint included), and
    is marked as authored.
    """
    existing = {h.level: h for h in Hint.objects.filter(problem=problem, level__in=hints)}
    changed = []
    for level, (en, bn) in hints.items():
        hint = existing.get(level)
        if hint is not None and (hint.text_en, hint.text_bn, hint.is_ai_generated) != (
            en,
            bn,
            False,
        ):
            hint.text_en, hint.text_bn, hint.is_ai_generated = en, bn, False
            hint.updated_at = timezone.now()
            changed.append(hint)
    Hint.objects.bulk_update(changed, ["text_en", "text_bn", "is_ai_generated", "updated_at"])
    Hint.objects.bulk_create(
        Hint(problem=problem, level=level, text_en=en, text_bn=bn)
        for level, (en, bn) in hints.items()
        if level not in existing
    )


def problems_set_active(*, problems: QuerySet[Problem], active: bool) -> int:
    """Activate or retire problems. Retiring never deletes anything students answered."""
    return problems.exclude(is_active=active).update(is_active=active, updated_at=Now())


@dataclass
class ImportReport:
    total: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[str] = field(default_factory=list)
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors


def problems_import(
    *,
    data: bytes,
    file_format: str,
    dry_run: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> ImportReport:
    """Import a problem spreadsheet, all or nothing; see `apps.content.resources`."""
    from apps.content.resources import ProblemBulkResource
    from apps.content.spreadsheet import SpreadsheetError, load_dataset

    report = ImportReport(dry_run=dry_run)
    try:
        dataset = load_dataset(data, file_format)
    except SpreadsheetError as exc:
        report.errors.append(str(exc))
        return report
    report.total = len(dataset)

    def on_row(number: int) -> None:
        if progress is not None:
            progress(number, report.total)

    resource = ProblemBulkResource(progress=on_row)
    result = resource.import_data(
        dataset, dry_run=dry_run, use_transactions=True, rollback_on_validation_errors=True
    )
    report.errors.extend(str(error.error) for error in result.base_errors)
    for number, row_errors in result.row_errors():
        report.errors.extend(f"row {number + 1}: {error.error}" for error in row_errors)
    for invalid in result.invalid_rows:
        for column, messages in invalid.error_dict.items():
            report.errors.extend(f"row {invalid.number}, column {column}: {m}" for m in messages)
    totals = result.totals
    report.created, report.updated, report.unchanged = (
        totals["new"],
        totals["update"],
        totals["skip"],
    )
    if report.errors:
        report.created = report.updated = report.unchanged = 0
    return report


def hints_approve(*, hints: QuerySet[Hint]) -> int:
    """The content team has read these AI-written hints and accepts them."""
    return hints.filter(is_ai_generated=True, reviewed_at__isnull=True).update(
        reviewed_at=timezone.now()
    )
