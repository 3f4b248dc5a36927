"""python manage.py import_problems PATH [--dry-run]"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from apps.content.models import Route
from apps.content.services import problems_import


class Command(BaseCommand):
    help = (
        "Import problems from a CSV (UTF-8 or UTF-16) or XLSX file, keyed by problem code. All or "
        "nothing: if any row is invalid nothing is written and every error is listed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="a .csv or .xlsx file in the problem format")
        parser.add_argument(
            "--dry-run", action="store_true", help="validate and count, but write nothing"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["path"])
        if not path.is_file():
            raise CommandError(f"no such file: {path}")
        report = problems_import(
            data=path.read_bytes(),
            file_format=path.suffix.lower().lstrip("."),
            route=Route.COMMAND,
            dry_run=options["dry_run"],
        )
        for error in report.errors:
            self.stderr.write(f"error: {error}")
        prefix = "Dry run, nothing written: " if report.dry_run else ""
        summary = (
            f"{prefix}{report.total} rows: {report.created} created, {report.updated} updated, "
            f"{report.unchanged} unchanged, {len(report.errors)} errors"
        )
        if report.errors:
            raise CommandError(summary + ". Nothing was imported.")
        self.stdout.write(self.style.SUCCESS(summary))
