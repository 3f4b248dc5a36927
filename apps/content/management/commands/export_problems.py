"""python manage.py export_problems [--format csv|xlsx] [--output PATH]"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from apps.content.selectors import problems_for_export
from apps.content.spreadsheet import problem_values, write_csv, write_xlsx


class Command(BaseCommand):
    help = "Export every problem in the import format (so export then import changes nothing)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--format", choices=["csv", "xlsx"], default="csv")
        parser.add_argument("--output", "-o", help="file to write (default: standard output)")

    def handle(self, *args: Any, **options: Any) -> None:
        rows = [problem_values(problem) for problem in problems_for_export()]
        data = write_csv(rows) if options["format"] == "csv" else write_xlsx(rows)
        if options["output"]:
            Path(options["output"]).write_bytes(data)
            self.stderr.write(f"{len(rows)} problems written to {options['output']}")
        else:
            sys.stdout.buffer.write(data)
