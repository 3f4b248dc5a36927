"""python manage.py export_problems [--format csv|xlsx] [--output PATH]"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from apps.content.resources import ProblemResource


class Command(BaseCommand):
    help = "Export every problem in the import format (so export then import changes nothing)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--format", choices=["csv", "xlsx"], default="csv")
        parser.add_argument("--output", "-o", help="file to write (default: standard output)")

    def handle(self, *args: Any, **options: Any) -> None:
        dataset = ProblemResource().export()
        data = dataset.export(options["format"])
        if options["output"]:
            path = Path(options["output"])
            if isinstance(data, str):
                path.write_text(data, encoding="utf-8")
            else:
                path.write_bytes(data)
            self.stderr.write(f"{len(dataset)} problems written to {path}")
        elif isinstance(data, str):
            self.stdout.write(data, ending="")
        else:
            sys.stdout.buffer.write(data)
