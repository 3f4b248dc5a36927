"""python -m bench profile [--requests 200] [--cprofile "POST …/answers/"] [--filter …]

Where each practice endpoint's time goes, request by request, in this process (the whole
middleware stack through Django's test client, a persistent database connection, no network):
per endpoint and cohort, the median wall time, the time spent waiting for PostgreSQL (every
round trip, BEGIN and COMMIT included, timed in psycopg's wait), the Python time (the rest),
the CPU time this process spent on the request (its thread's user and system time: what a
web worker pays, unaffected by waiting or by other processes taking the CPU) and the number
of statements. Uses the same
fixtures as `python -m bench throughput` (fresh new students, the veterans of the database).
`--cprofile NAME` prints the top functions of that endpoint (profiled separately: the
profiler's own overhead is not in the table).
"""

from __future__ import annotations

import cProfile
import io
import pstats
import statistics
import time
from collections.abc import Callable
from typing import Any

import psycopg
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.test import Client

from bench.throughput import Command as Throughput
from bench.throughput import _issue_tokens


class _Timer:
    """Counts the statements Django runs, and times each one for `--cprofile`'s listing (the
    table's DB time is `_DatabaseWaits`)."""

    by_statement: dict[str, list[float]] = {}

    def __init__(self, name: str = "") -> None:
        self.statements = 0
        self.name = name

    def __call__(
        self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any
    ):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            took = time.perf_counter() - started
            self.statements += 1
            key = f"{self.name}: {' '.join(sql.split())[:70]}"
            _Timer.by_statement.setdefault(key, []).append(took)


class _DatabaseWaits:
    """Time this process spends waiting for PostgreSQL: every statement, and what Django's
    statement hook does not see (BEGIN, COMMIT). psycopg waits for the server in
    `Connection.wait`."""

    def __init__(self) -> None:
        self.seconds = 0.0

    def __enter__(self) -> _DatabaseWaits:
        original = self.original = psycopg.Connection.wait
        waits = self

        def timed(conn: Any, *args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return original(conn, *args, **kwargs)
            finally:
                waits.seconds += time.perf_counter() - started

        psycopg.Connection.wait = timed  # type: ignore[method-assign,assignment]
        return self

    def __exit__(self, *exc: object) -> None:
        psycopg.Connection.wait = self.original  # type: ignore[method-assign]


class Command(BaseCommand):
    help = "Per endpoint: wall, SQL and Python time per request, and statements."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--requests", type=int, default=200, help="per endpoint and cohort")
        parser.add_argument("--veterans", type=int, default=300)
        parser.add_argument("--veteran-responses", type=int, default=10_000)
        parser.add_argument("--cprofile", default="", help="an endpoint name to profile")
        parser.add_argument("--sort", default="cumulative", help="cProfile order (tottime, …)")
        parser.add_argument(
            "--filter",
            nargs="*",
            help="what to print of the profile: regexes of file or function names, a count (40)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if connection.vendor != "postgresql":
            raise CommandError("profile on PostgreSQL (DATABASE_URL)")
        if settings.ROOT_URLCONF != "bench.urls" or settings.DEBUG:
            raise CommandError(
                "run with DJANGO_SETTINGS_MODULE=bench.settings and DEBUG=false (README, "
                "Benchmarks): the baselines live there, and DEBUG records every query"
            )
        throughput = Throughput(stdout=self.stdout, stderr=self.stderr)  # type: ignore[arg-type]
        veterans = throughput._veterans(options["veterans"], options["veteran_responses"])
        count = options["requests"]
        cohorts = {"new": throughput._new_students(max(count, 5)), "veteran": veterans}
        throughput._close_open_sessions(veterans)
        rows = []
        replay = _Replay(self, count, options["cprofile"])
        token = next(iter(_issue_tokens(veterans[:1]).values()))
        from bench.throughput import Run, _line

        for name, path, auth in (
            ("baseline: plain Django", "/bench/plain/", ""),
            ("baseline: trivial DRF", "/bench/drf/", ""),
            ("baseline: DRF + token", "/bench/drf-auth/", token),
        ):
            replay.run(Run(name, "", [_line("GET", path, auth)], cycle=True))
            rows.append((name, "", _Replay.last))
        for cohort, students in cohorts.items():
            tokens = _issue_tokens(students)
            for run in throughput._cohort_runs(cohort, students, tokens, replay):
                rows.append((run.name, cohort, _Replay.last))
        out = self.stdout.write
        out(
            f"{'endpoint':<28}{'cohort':<9}{'wall ms':>9}{'DB ms':>8}{'Python ms':>11}"
            f"{'CPU ms':>8}{'stmts':>7}"
        )
        for name, cohort, (wall, waited, cpu, statements) in rows:
            out(
                f"{name:<28}{cohort:<9}{wall:9.2f}{waited:8.2f}{wall - waited:11.2f}"
                f"{cpu:8.2f}{statements:7.1f}"
            )
        out(
            "Medians per request over --requests requests. DB: waiting for PostgreSQL in every "
            "round trip (statements, BEGIN, COMMIT); Python = wall - DB; CPU: this process's "
            "CPU time for the request (user and system, driver and socket work included, "
            "waiting and other processes left out); stmts: statements Django ran. Django's "
            "test client leaves out the health check's SELECT 1 that gunicorn's requests make "
            "first."
        )
        if options["cprofile"]:
            profile = _Replay.profiles.get(options["cprofile"])
            if profile is None:
                raise CommandError(f"no endpoint named {options['cprofile']!r}")
            text = io.StringIO()
            restrictions = [int(f) if f.isdigit() else f for f in options["filter"] or ["40"]]
            pstats.Stats(profile, stream=text).sort_stats(options["sort"]).print_stats(
                *restrictions
            )
            out(text.getvalue())
            out("Statements of that endpoint (median ms, count):")
            for key, times in sorted(_Timer.by_statement.items()):
                if key.startswith(options["cprofile"]):
                    out(f"  {statistics.median(times) * 1000:7.3f} {len(times):6d}  {key}")


class _Replay:
    """Stands in for the wrk runner: sends a run's requests through the test client."""

    last: tuple[float, float, float, float] = (0.0, 0.0, 0.0, 0.0)
    profiles: dict[str, cProfile.Profile] = {}

    def __init__(self, command: Command, count: int, profiled: str = "") -> None:
        self.command, self.count, self.profiled = command, count, profiled
        self.client = Client()

    def run(self, run: Any, seconds: int | None = None) -> None:
        walls, sqls, cpus, statements = [], [], [], []
        profile = (
            _Replay.profiles.setdefault(run.name, cProfile.Profile())
            if run.name == self.profiled
            else None
        )
        lines = run.lines if not run.cycle else (run.lines * self.count)[: self.count]
        for line in lines[: self.count]:
            method, path, token, body = [*line.split("\t"), "", "", "", ""][:4]
            timer = _Timer(run.name if run.name == self.profiled else "")
            headers = {"Authorization": f"Bearer {token}"} if token else {}
            with connection.execute_wrapper(timer), _DatabaseWaits() as waits:
                started, cpu = time.perf_counter(), time.thread_time()
                if profile is not None:
                    profile.enable()
                response = self.client.generic(
                    method, path, body or "", content_type="application/json", headers=headers
                )
                if profile is not None:
                    profile.disable()
                # The CPU interval inside the wall one: ended first, as it began last.
                cpu = time.thread_time() - cpu
                walls.append(time.perf_counter() - started)
                cpus.append(cpu)
            if response.status_code >= 400:
                raise CommandError(f"{run.name}: {response.status_code} {response.content[:200]!r}")
            sqls.append(waits.seconds)
            statements.append(timer.statements)
        if run.name == self.profiled and walls:
            slowest = max(range(len(walls)), key=walls.__getitem__)
            self.command.stderr.write(
                f"{run.name} ({run.cohort}): slowest {walls[slowest] * 1000:.1f} ms: "
                f"{lines[slowest][:160]}"
            )
        _Replay.last = (
            statistics.median(walls) * 1000,
            statistics.median(sqls) * 1000,
            statistics.median(cpus) * 1000,
            statistics.median(statements),
        )
