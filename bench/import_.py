"""python -m bench import_ [--problems 20000]

Import benchmark: N generated bilingual problems (3 hint pairs each, a quarter multiple
choice) through the import path the admin uses (ProblemResource, all-or-nothing, with its
preview diff) and through the command's path (the same resource without the diff), against a
raw bulk_create of the same rows. Each run happens in a transaction that is rolled back, so
the database is left as it was. Prints times, ratios and the process's peak resident memory
after each phase (phases run in the order bulk, command, admin).
"""

from __future__ import annotations

import csv
import io
import resource
import time
from collections.abc import Callable
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.test import override_settings

from apps.content.models import Hint, Problem, ProblemOption, Route, Topic
from apps.content.resources import ProblemResource, Upload
from apps.content.services import problems_import
from apps.content.spreadsheet import COLUMNS, Limits


class Rollback(Exception):
    pass


def generated_rows(count: int, topic: Topic) -> list[dict[str, str]]:
    rows = []
    for n in range(count):
        row = dict.fromkeys(COLUMNS, "")
        a, b = 100 + n, 7 + n % 50
        row.update(
            code=f"bench-{n:06d}",
            grade=str(topic.grade),
            topic=topic.code,
            subtopic="Addition",
            difficulty=str(1 + n % 3),
            question_en=f"A shop sold {a} mangoes in the morning and {b} in the evening. "
            "How many in all?",
            question_bn=f"একটি দোকানে সকালে {a}টি ও বিকেলে {b}টি আম বিক্রি হলো। মোট কতটি?",
            hint_1_en="Put the two amounts together.",
            hint_1_bn="দুটি পরিমাণ একসাথে করো।",
            hint_2_en="Add the morning and evening sales.",
            hint_2_bn="সকাল ও বিকেলের বিক্রি যোগ করো।",
            hint_3_en=f"Work out {a} + {b}.",
            hint_3_bn=f"{a} + {b} হিসাব করো।",
            explanation_en=f"{a} + {b} = {a + b}",
            explanation_bn=f"{a} + {b} = {a + b}",
            estimated_time_minutes="2",
            is_active="yes",
        )
        if n % 4 == 0:
            row.update(
                answer_type="multiple_choice",
                answer="B",
                option_a_en=str(a + b - 1), option_a_bn=str(a + b - 1),
                option_b_en=str(a + b), option_b_bn=str(a + b),
                option_c_en=str(a + b + 10), option_c_bn=str(a + b + 10),
            )  # fmt: skip
        else:
            row.update(answer_type="numeric", answer=str(a + b))
        rows.append(row)
    return rows


def to_csv(rows: list[dict[str, str]]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(COLUMNS), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


def peak_rss_bytes() -> int:
    """The process's peak resident memory so far (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def measure(work: Callable[[], Any]) -> tuple[float, int, Any]:
    """Seconds of `work` (run in a transaction that is rolled back) and the process's peak
    resident memory after it (monotonic: phases run smallest first)."""
    result: Any = None
    started = time.perf_counter()
    try:
        with transaction.atomic():
            result = work()
            raise Rollback
    except Rollback:
        pass
    return time.perf_counter() - started, peak_rss_bytes(), result


class Command(BaseCommand):
    help = "Benchmark the problem import against a raw bulk_create of the same rows."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--problems", type=int, default=20_000)

    def handle(self, *args: Any, **options: Any) -> None:
        count = options["problems"]
        topic = Topic.objects.filter(grade=7).order_by("order").first()
        if topic is None:
            raise CommandError("load the library first: python manage.py bootstrap")
        rows = generated_rows(count, topic)
        data = to_csv(rows)

        limits = Limits(max_bytes=len(data) + 1, max_rows=count, max_seconds=3600)

        def command() -> int:
            report = problems_import(
                data=data, file_format="csv", route=Route.COMMAND, limits=limits
            )
            if report.errors:
                raise CommandError(f"the generated file did not import: {report.errors[:3]}")
            return report.created

        def admin() -> int:
            # The admin runs the same service twice: the preview (a dry run), then the confirm.
            with override_settings(
                IMPORT_MAX_BYTES=len(data) + 1, IMPORT_MAX_ROWS=count, IMPORT_MAX_SECONDS=3600
            ):
                preview = ProblemResource().import_data(Upload(data, "csv"), dry_run=True)
                result = ProblemResource().import_data(Upload(data, "csv"), dry_run=False)
            if preview.has_errors() or result.has_errors():
                raise CommandError("the generated file did not import cleanly")
            return int(result.totals["new"])

        def bulk() -> int:
            problems = Problem.objects.bulk_create(
                (
                    Problem(
                        code=r["code"], topic=topic, subtopic=r["subtopic"],
                        difficulty=int(r["difficulty"]), answer_type=r["answer_type"],
                        question_en=r["question_en"], question_bn=r["question_bn"],
                        answer=r["answer"], explanation_en=r["explanation_en"],
                        explanation_bn=r["explanation_bn"], estimated_time_minutes=2,
                    )
                    for r in rows
                ),
                batch_size=2000,
            )  # fmt: skip
            Hint.objects.bulk_create(
                (
                    Hint(
                        problem=p,
                        level=level,
                        text_en=r[f"hint_{level}_en"],
                        text_bn=r[f"hint_{level}_bn"],
                    )
                    for p, r in zip(problems, rows, strict=True)
                    for level in (1, 2, 3)
                ),
                batch_size=2000,
            )
            ProblemOption.objects.bulk_create(
                (
                    ProblemOption(
                        problem=p,
                        label=label,
                        text_en=r[f"option_{label.lower()}_en"],
                        text_bn=r[f"option_{label.lower()}_bn"],
                    )
                    for p, r in zip(problems, rows, strict=True)
                    if r["answer_type"] == "multiple_choice"
                    for label in "ABC"
                ),
                batch_size=2000,
            )
            return len(problems)

        before = peak_rss_bytes()
        bulk_time, bulk_peak, _ = measure(bulk)
        command_time, command_peak, _ = measure(command)
        admin_time, admin_peak, created = measure(admin)
        mib = 1024 * 1024
        self.stdout.write(
            f"{count} problems ({count * 3} hints), {len(data) / mib:.1f} MiB of CSV; "
            f"{created} created per run; peak RSS before: {before / mib:.0f} MiB"
        )
        for label, seconds, peak in (
            ("raw bulk_create", bulk_time, bulk_peak),
            ("import_problems command", command_time, command_peak),
            ("admin import (preview + confirm)", admin_time, admin_peak),
        ):
            self.stdout.write(
                f"  {label:<26} {seconds:8.2f}s  ratio {seconds / bulk_time:5.2f}x  "
                f"peak RSS {peak / mib:6.0f} MiB"
            )
