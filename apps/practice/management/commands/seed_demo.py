"""python manage.py seed_demo --students N --days D"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from apps.practice.demo import SeedCounts, seed_demo


class Command(BaseCommand):
    help = (
        "Create N demo students with D days of practice history each, through the real streak "
        "and mastery rules, in bulk (for benchmarks and demos; run bootstrap first)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--students", type=int, default=1000)
        parser.add_argument("--days", type=int, default=30)
        parser.add_argument(
            "--active-rate", type=float, default=0.7, help="share of days practised"
        )
        parser.add_argument("--batch", type=int, default=2000, help="students per transaction")
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()

        def progress(done: int, total: int, counts: SeedCounts) -> None:
            elapsed = time.perf_counter() - started
            self.stderr.write(
                f"  {done}/{total} students, {counts.responses} responses ({elapsed:.0f}s)"
            )

        try:
            counts = seed_demo(
                students=options["students"],
                days=options["days"],
                active_rate=options["active_rate"],
                batch=options["batch"],
                seed=options["seed"],
                progress=progress,
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        if connection.vendor == "postgresql":
            # Millions of rows just arrived: give the planner their statistics now rather than
            # when autovacuum next looks (it may be off); stale ones pick plans that scan the
            # answers table once per row. VACUUM also marks the new pages all-visible, as
            # autovacuum would in a running database: until then an index-only scan (a
            # student's session count, say) reads every row's page as well.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)")
        self.stdout.write(
            f"Seeded {counts.students} students, {counts.sessions} sessions, "
            f"{counts.responses} responses in {time.perf_counter() - started:.1f}s"
        )
