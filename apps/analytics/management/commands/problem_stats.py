from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from apps.analytics import selectors
from apps.core.routers import reports


def _cell(value: Any) -> Any:
    """A CSV cell: lists as `answer×count (share)` or names joined with `; `."""
    if isinstance(value, list):
        return "; ".join(_item(item) for item in value)
    return "" if value is None else value


def _item(item: Any) -> str:
    if not isinstance(item, dict):
        return str(item)
    if "fired" in item:  # authored feedback: shown N times, then facility of the next problem
        after = item["next_facility"]
        return f"{item['answer']}: {item['fired']} ({'' if after is None else f'{after:.3f}'})"
    return f"{item['answer']}×{item['count']} ({item['share']:.3f})"


class Command(BaseCommand):
    help = (
        "Write item statistics, one row per problem (code, attempts, facility, then the rest; "
        "README, 'Item statistics'), as of the last refresh_stats."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--format", choices=["csv", "json"], default="csv")

    def handle(self, *args: Any, **options: Any) -> None:
        with reports():  # from the read replica when one is configured
            self._write(selectors.export_rows(), options["format"])

    def _write(self, rows: Iterator[dict[str, Any]], kind: str) -> None:
        if kind == "json":
            self.stdout.write(json.dumps(list(rows), ensure_ascii=False, indent=1))
            return
        writer: Any = None
        for row in rows:
            if writer is None:
                writer = csv.DictWriter(self.stdout, fieldnames=list(row), lineterminator="\n")
                writer.writeheader()
            writer.writerow({name: _cell(value) for name, value in row.items()})
