"""python -m bench analytics [--new-students 15000] [--problems 10000]

Item statistics and the dashboard on the database DATABASE_URL points at (the seed_demo
database with ~10 million responses):

1. `refresh_stats --full`: every problem recounted from all its answers (the first refresh
   of a database, or after a threshold changed);
2. a day of new answers (`--new-students` demo students with one day each: about 3.5 answers
   per student) and the incremental refresh after it: problems touched, answers counted, time;
3. a refresh with nothing new;
4. query counts and times of the pages that read the rollups — the problem list (plain,
   filtered and sorted), a problem's page, the topic list, the needs-attention page and the
   admin index with the dashboard — first as the database is, then (in a transaction that is
   rolled back) with the library grown to `--problems` problems and counted.

Steps 1-3 write to the database (the new students and answers stay; the rollups are what a
server would have). Speed is measured here, never asserted in tests.
"""

from __future__ import annotations

import time
from typing import Any

from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandParser
from django.db import connection, transaction
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from apps.analytics.services import stats_refresh
from apps.content.models import Problem, Topic
from apps.practice.demo import seed_demo
from apps.practice.models import Response


class Rollback(Exception):
    pass


def _pages(problem: Problem) -> dict[str, str]:
    return {
        "problem list": "/admin/content/problem/",
        "problem list, flagged, by facility": "/admin/content/problem/?flag=any&o=-10",
        "problem page": f"/admin/content/problem/{problem.pk}/change/",
        "topic list": "/admin/content/topic/",
        "needs-attention page": "/admin/analytics/problemstats/?flag=any",
        "admin index + dashboard": "/admin/",
    }


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--new-students", type=int, default=15_000)
        parser.add_argument("--problems", type=int, default=10_000)

    def handle(self, *args: Any, **options: Any) -> None:
        responses = Response.objects.count()
        self.stdout.write(f"database: {responses:,} responses, {Problem.objects.count()} problems")

        result = stats_refresh(full=True)
        self.stdout.write(
            f"refresh_stats --full: {result.problems_touched} problems in {result.seconds:.1f} s"
        )
        started = time.perf_counter()
        counts = seed_demo(students=options["new_students"], days=1, active_rate=0.7, seed=11)
        self.stdout.write(
            f"a day of new answers: {counts.responses:,} answers by {counts.sessions:,} "
            f"sessions (seeded in {time.perf_counter() - started:.0f} s)"
        )
        with override_settings(STATS_SETTLE_SECONDS=0):
            result = stats_refresh()
            self.stdout.write(
                f"refresh_stats after it: {result.problems_touched} problems recounted, daily "
                f"rollup +{counts.responses:,} answers, in {result.seconds:.1f} s"
            )
            result = stats_refresh()
            self.stdout.write(
                f"refresh_stats with nothing new: {result.problems_touched} problems "
                f"in {result.seconds:.2f} s"
            )

        user, _ = User.objects.get_or_create(
            username="bench-admin", defaults={"is_staff": True, "is_superuser": True}
        )
        client = Client()
        client.force_login(user)
        problem = Problem.objects.order_by("pk")[0]
        with override_settings(ALLOWED_HOSTS=["testserver"]):
            self._pages(client, problem, options["problems"])

    def _pages(self, client: Client, problem: Problem, grown: int) -> None:
        before = self._measure(client, problem)
        try:
            with transaction.atomic():
                self._grow_library(grown)
                with override_settings(STATS_SETTLE_SECONDS=0):
                    stats_refresh()
                after = self._measure(client, problem)
                raise Rollback
        except Rollback:
            pass
        self.stdout.write(
            f"\n| page | queries ({before[0]} problems) | ms | queries ({grown:,} problems) | ms |"
        )
        self.stdout.write("| --- | ---: | ---: | ---: | ---: |")
        for name in before[1]:
            (q1, t1), (q2, t2) = before[1][name], after[1][name]
            self.stdout.write(f"| {name} | {q1} | {t1:.0f} | {q2} | {t2:.0f} |")

    def _measure(
        self, client: Client, problem: Problem
    ) -> tuple[int, dict[str, tuple[int, float]]]:
        found = {}
        for name, url in _pages(problem).items():
            client.get(url)  # warm per-process caches
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = client.get(url)
                elapsed = 1000 * (time.perf_counter() - started)
            assert response.status_code == 200, (url, response.status_code)  # noqa: S101
            found[name] = (len(queries), elapsed)
        return Problem.objects.count(), found

    def _grow_library(self, total: int) -> None:
        topic = Topic.objects.order_by("pk")[0]
        missing = max(0, total - Problem.objects.count())
        Problem.objects.bulk_create(
            Problem(
                code=f"bench-analytics-{n:06d}",
                topic=topic,
                question_en=f"What is {n} + 1?",
                question_bn=f"{n} + ১ কত?",
                answer=str(n + 1),
                answer_type="numeric",
            )
            for n in range(missing)
        )
