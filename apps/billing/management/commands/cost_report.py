"""python manage.py cost_report --month YYYY-MM"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from apps.billing.selectors import cost_report, parse_month


class Command(BaseCommand):
    help = (
        "AI spend for one month: totals, per operation and model, per active student, top spenders."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--month", help="YYYY-MM (default: this month)")
        parser.add_argument("--top", type=int, default=10, help="how many top spenders to list")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            month = parse_month(options["month"]) if options["month"] else timezone.localdate()
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        report = cost_report(month=month, top=options["top"])
        out = self.stdout.write
        out(
            f"AI spend {report.month:%Y-%m}: ${report.total_usd:.6f} in {report.calls} calls "
            f"({report.failed} failed)"
        )
        out(
            f"Active students: {report.active_students}; per active student: "
            f"${report.per_active_student_usd:.6f} (target ${report.target_per_student_usd:.2f})"
        )
        for title, lines in (("By operation", report.by_operation), ("By model", report.by_model)):
            out(f"{title}:")
            for line in lines:
                out(
                    f"  {line.label:<20} {line.calls:>7} calls {line.failed:>5} failed  "
                    f"${line.cost_usd:.6f}"
                )
        out("Top spenders:")
        for spender in report.top_spenders:
            out(f"  {spender.name:<30} (id {spender.student_id})  ${spender.cost_usd:.6f}")
        out("Daily:")
        for day, cost in report.daily:
            out(f"  {day:%Y-%m-%d}  ${cost:.6f}")
