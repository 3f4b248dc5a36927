"""python -m bench throughput [--rounds 3] [--duration 8] [--connections 12] [--students 100000]

Throughput at saturation of every practice endpoint, against baselines measured in the same
server and the same run. What it does:

1. installs Debian's `wrk` if it is missing (a compiled load generator: it does not share the
   CPU unfairly the way a Python one would);
2. makes sure the database (PostgreSQL, DATABASE_URL) holds --students demo students
   (`seed_demo`, 30 days each) and --veterans students with at least --veteran-responses
   answers each, creating what is missing, then runs VACUUM (ANALYZE) as autovacuum would,
   and a CHECKPOINT so that the pages it dirtied are not written out during the runs;
3. starts gunicorn with the production settings and defaults (bench.settings: production plus
   three baseline routes) with --workers workers (gthread, as in production), throttles off;
4. runs --rounds rounds. Each round signs in fresh tokens, makes --new new students, and runs
   every endpoint for the new cohort and for the veterans, with the three baselines (plain
   Django JsonResponse, trivial DRF, trivial DRF with the student-token authentication) run
   before, between and after the two cohorts. Every run is `wrk -t THREADS -c CONNECTIONS` for
   --duration seconds; writes (new sessions, hints, answers) send each request once (a real
   answer to a real session problem, a real next hint) and stop early when their fixtures are
   used up;
5. prints, per endpoint and cohort: requests/s, the ratio to the authenticated baseline of the
   same round (min and median over rounds), the ratio to plain Django, p50/p99 and requests that
   did not get the expected status; then the CPU per request spent by gunicorn's processes,
   PostgreSQL's, wrk and the rest of the machine, and the idle share (`CpuMeter`); then the
   veteran/new p50 ratio per endpoint.

Traffic only goes to 127.0.0.1. The database keeps what the runs wrote (sessions, answers).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import resource
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import quote

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.db.models import Count
from django.utils import timezone

from apps.content.models import Problem
from apps.practice.models import PracticeSession, Response, SessionProblem
from apps.students.auth import hash_secret
from apps.students.models import Student, StudentToken

LUA = Path(__file__).resolve().parent / "wrk" / "fixtures.lua"
BASELINES = ("plain Django", "trivial DRF", "DRF + student token")


@dataclass
class Run:
    name: str
    cohort: str  # "new", "veteran" or "" for a baseline
    lines: list[str]
    cycle: bool
    expected: str = "200"


@dataclass
class Result:
    rps: float
    p50_ms: float
    p99_ms: float
    bad: int
    served: int
    # CPU milliseconds per served request, by who spent them (`CpuMeter`), and the share of
    # the machine's CPU time left idle during the run
    cpu_ms: dict[str, float] = field(default_factory=dict)
    idle: float = 0.0


CPU_GROUPS = ("django", "postgres", "wrk", "other")
_TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


class CpuMeter:
    """CPU time spent during a run, read from /proc (Linux): gunicorn's processes (the server
    and its workers: Python, Django, the driver), PostgreSQL's (backends, WAL writer, …), wrk
    (this process's finished children) and the rest of the machine; and the idle time. A
    process that ends during the run (an autovacuum worker) takes its time out of /proc: the
    time it spent during the run is then counted as the rest of the machine's."""

    def __init__(self, server_pid: int) -> None:
        self.server_pid = server_pid

    def sample(self) -> dict[Any, float]:
        """Ticks used so far: per process (`(group, pid)`) and by the machine."""
        ticks: dict[Any, float] = {}
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text()
            except OSError:  # the process ended meanwhile
                continue
            comm = stat[stat.index("(") + 1 : stat.rindex(")")]
            fields = stat[stat.rindex(")") + 2 :].split()
            pid, ppid = int(entry.name), int(fields[1])
            used = int(fields[11]) + int(fields[12])  # utime, stime
            if pid == self.server_pid or ppid == self.server_pid:
                ticks[("django", pid)] = used
            elif comm == "postgres":
                ticks[("postgres", pid)] = used
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        ticks["wrk"] = (usage.ru_utime + usage.ru_stime) * _TICK
        cpu = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
        counters = [int(value) for value in cpu[:8]]
        ticks["idle"] = counters[3] + counters[4]  # idle, iowait
        ticks["busy"] = sum(counters) - ticks["idle"]
        ticks["at"] = time.monotonic()
        return ticks

    @staticmethod
    def per_request(
        before: dict[Any, float], after: dict[Any, float], served: int, span: float
    ) -> tuple[dict[str, float], float]:
        """CPU ms per served request by group, and the idle share of the machine while the
        requests were served (`span` seconds: a run of writes can end before wrk's duration,
        and the machine is taken to be idle after its last response)."""
        spent = dict.fromkeys(CPU_GROUPS, 0.0)
        for key, used in after.items():
            if isinstance(key, tuple):  # a process: what it used since (or since it started)
                spent[key[0]] += used - before.get(key, 0.0)
        spent["wrk"] = after["wrk"] - before["wrk"]
        busy, idle = after["busy"] - before["busy"], after["idle"] - before["idle"]
        spent["other"] = max(0.0, busy - spent["django"] - spent["postgres"] - spent["wrk"])
        ms = {name: spent[name] * 1000 / _TICK / max(served, 1) for name in CPU_GROUPS}
        total = busy + idle
        after_span = max(0.0, after["at"] - before["at"] - span) * (os.cpu_count() or 1) * _TICK
        idle, total = max(0.0, idle - after_span), max(0.0, total - after_span)
        return ms, (idle / total if total else 0.0)


@dataclass
class Table:
    rows: dict[tuple[str, str], list[Result]] = field(default_factory=lambda: defaultdict(list))
    ratios: dict[tuple[str, str], list[float]] = field(default_factory=lambda: defaultdict(list))
    plain: dict[tuple[str, str], list[float]] = field(default_factory=lambda: defaultdict(list))


def _database_url() -> str:
    db = connection.settings_dict
    credentials = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"], safe="")
    host = db["HOST"] or "127.0.0.1"
    return f"postgres://{credentials}@{host}:{db['PORT'] or 5432}/{quote(db['NAME'], safe='')}"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _line(method: str, path: str, token: str = "", body: dict[str, Any] | None = None) -> str:
    return "\t".join((method, path, token, json.dumps(body) if body is not None else ""))


def _issue_tokens(students: list[Student]) -> dict[int, str]:
    """One fresh bearer token per student, written in one statement."""
    now = timezone.now()
    raw = {s.pk: secrets.token_urlsafe(32) for s in students}
    StudentToken.objects.bulk_create(
        StudentToken(
            student_id=pk,
            key_hash=hash_secret(token),
            expires_at=now + dt.timedelta(days=1),
            via="bot",
        )
        for pk, token in raw.items()
    )
    return raw


def _answer_for(problem: Problem, right: bool) -> str:
    if right:
        return problem.answer
    if problem.answer_type == "multiple_choice":
        return "A" if problem.answer != "A" else "B"
    if problem.answer_type == "fraction":
        return "999/1000"
    if problem.answer_type == "text":
        return "not the answer"
    return "987654"


class Command(BaseCommand):
    help = "Throughput at saturation of every practice endpoint, with baselines (wrk)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--rounds", type=int, default=3)
        parser.add_argument("--duration", type=int, default=8, help="seconds per run")
        parser.add_argument("--connections", type=int, default=12)
        parser.add_argument("--threads", type=int, default=2, help="wrk threads")
        parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
        parser.add_argument("--students", type=int, default=100_000)
        parser.add_argument("--veterans", type=int, default=300)
        parser.add_argument("--veteran-responses", type=int, default=10_000)
        parser.add_argument("--new", type=int, default=1000, help="new students per round")
        parser.add_argument(
            "--env",
            action="append",
            default=[],
            metavar="NAME=VALUE",
            help="an extra setting for the server (e.g. CONN_MAX_AGE=0); repeatable",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if connection.vendor != "postgresql":
            raise CommandError("the throughput benchmark runs on PostgreSQL: set DATABASE_URL")
        if options["rounds"] < 1 or options["duration"] < 1:
            raise CommandError("--rounds and --duration must be at least 1")
        wrk = self._ensure_wrk()
        self._ensure_population(options["students"])
        veterans = self._veterans(options["veterans"], options["veteran_responses"])
        # What earlier runs wrote (dead rows, pages not yet all-visible) is cleaned up as
        # autovacuum would in a running database: autovacuum may be off (it is on this machine).
        # Then a checkpoint writes out the pages the VACUUM (or the seeding) dirtied, which the
        # kernel would otherwise be writing during the first runs.
        if not connection.in_atomic_block:
            with connection.cursor() as cursor:
                cursor.execute("VACUUM (ANALYZE)")
                cursor.execute("CHECKPOINT")
        port = _free_port()
        server = self._start_server(port, options)
        table = Table()
        try:
            base = f"http://127.0.0.1:{port}"
            self._wait_for(f"{base}/healthz")
            with tempfile.TemporaryDirectory() as folder:
                runner = _Runner(wrk, base, Path(folder), options, CpuMeter(server.pid))
                self._warm_up(runner, veterans)
                for number in range(1, options["rounds"] + 1):
                    self.stderr.write(f"round {number}/{options['rounds']}")
                    self._round(runner, veterans, options["new"], table)
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
        self._report(table, options, veterans)

    # --- set-up ------------------------------------------------------------------------------

    def _ensure_wrk(self) -> str:
        found = shutil.which("wrk")
        if found:
            return found
        apt = shutil.which("apt-get")
        if apt is None or os.geteuid() != 0:
            raise CommandError("wrk is missing: install it (Debian: apt-get install wrk)")
        self.stderr.write("installing wrk (apt-get install wrk)")
        install = [apt, "install", "-y", "-q", "wrk"]
        if subprocess.run(install, check=False, capture_output=True).returncode != 0:  # noqa: S603
            # A fresh machine may have no package lists yet.
            subprocess.run([apt, "update", "-qq"], check=True, capture_output=True)  # noqa: S603
            subprocess.run(install, check=True, capture_output=True)  # noqa: S603
        found = shutil.which("wrk")
        if found is None:
            raise CommandError("apt-get installed no wrk")
        return found

    def _ensure_population(self, wanted: int) -> None:
        have = Student.objects.count()
        if have >= wanted:
            return
        self.stderr.write(f"seeding {wanted - have} demo students (30 days each)")
        call_command("seed_demo", students=wanted - have, days=30, seed=have + 1)

    def _veterans(self, count: int, responses: int) -> list[Student]:
        heavy = list(
            Response.objects.values("session__student_id")
            .annotate(n=Count("id"))
            .filter(n__gte=responses)
            .values_list("session__student_id", flat=True)[:count]
        )
        if len(heavy) < count:
            days = responses // 5 + 1
            missing = count - len(heavy)
            self.stderr.write(f"seeding {missing} veterans with {days} days of practice each")
            newest = Student.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
            call_command("seed_demo", students=missing, days=days, active_rate=1.0, seed=newest + 7)
            heavy += list(
                Student.objects.filter(pk__gt=newest).order_by("pk").values_list("pk", flat=True)
            )
        return list(Student.objects.filter(pk__in=heavy[:count]).order_by("pk"))

    def _start_server(self, port: int, options: dict[str, Any]) -> subprocess.Popen[bytes]:
        env = {
            **os.environ,
            "DATABASE_URL": _database_url(),  # the database this command seeded (tests: theirs)
            "DJANGO_SETTINGS_MODULE": "bench.settings",
            "DEBUG": "false",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "false",
            "SECURE_HSTS_SECONDS": "0",
            "LOG_LEVEL": "WARNING",
            "THROTTLE_AUTH_RATE": "",
            "THROTTLE_BOT_AUTH_RATE": "",
            "THROTTLE_HINTS_RATE": "",
            "GUNICORN_BIND": f"127.0.0.1:{port}",
            "GUNICORN_WORKERS": str(options["workers"]),
            "GUNICORN_ACCESS_LOG": "/dev/null",
        }
        for item in options["env"]:
            name, _, value = item.partition("=")
            env[name] = value
        bin_dir = Path(sys.executable).parent
        return subprocess.Popen(  # noqa: S603 - our own gunicorn, fixed arguments
            [str(bin_dir / "gunicorn"), "-c", "dars/gunicorn.py", "dars.wsgi"],
            cwd=settings.BASE_DIR,
            env=env,
        )

    def _wait_for(self, url: str) -> None:
        for _ in range(60):
            try:
                with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - localhost
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.5)
        raise CommandError(f"gunicorn did not answer {url}")

    # --- rounds ------------------------------------------------------------------------------

    def _baselines(self, runner: _Runner, token: str, table: Table, into: list[Result]) -> None:
        for name, path, auth in (
            ("plain Django", "/bench/plain/", ""),
            ("trivial DRF", "/bench/drf/", ""),
            ("DRF + student token", "/bench/drf-auth/", token),
        ):
            result = runner.run(Run(name, "", [_line("GET", path, auth)], cycle=True))
            table.rows[(name, "")].append(result)
            into.append(result)

    def _warm_up(self, runner: _Runner, veterans: list[Student]) -> None:
        tokens = _issue_tokens(veterans[:5])
        lines = [_line("GET", "/api/v1/streak/", t) for t in tokens.values()]
        for path in ("/bench/plain/", "/bench/drf/"):
            runner.run(Run("warm-up", "", [_line("GET", path)], cycle=True), seconds=2)
        runner.run(Run("warm-up", "", lines, cycle=True), seconds=2)

    def _round(self, runner: _Runner, veterans: list[Student], new: int, table: Table) -> None:
        self._close_open_sessions(veterans)
        vet_tokens = _issue_tokens(veterans)
        newcomers = self._new_students(new)
        new_tokens = _issue_tokens(newcomers)
        baselines: list[Result] = []
        any_token = next(iter(vet_tokens.values()))
        results: list[tuple[str, str, Result]] = []
        self._baselines(runner, any_token, table, baselines)
        for cohort, students, tokens in (
            ("new", newcomers, new_tokens),
            ("veteran", veterans, vet_tokens),
        ):
            for run in self._cohort_runs(cohort, students, tokens, runner):
                results.append((run.name, cohort, runner.last))
            self._baselines(runner, any_token, table, baselines)
        auth = statistics.median(r.rps for r in baselines[2::3])
        plain = statistics.median(r.rps for r in baselines[0::3])
        for name, cohort, result in results:
            table.rows[(name, cohort)].append(result)
            table.ratios[(name, cohort)].append(result.rps / auth)
            table.plain[(name, cohort)].append(result.rps / plain)

    def _cohort_runs(
        self, cohort: str, students: list[Student], tokens: dict[int, str], runner: Runs
    ) -> Any:
        """Run each endpoint for one cohort, in an order where each write finds what it needs
        (new sessions, then their hints, then their answers); yields each run after it ran."""
        order = list(students)
        random.shuffle(order)
        start = Run(
            "POST /sessions/ (new)",
            cohort,
            [_line("POST", "/api/v1/sessions/", tokens[s.pk]) for s in order],
            cycle=False,
            expected="201",
        )
        runner.run(start)
        yield start
        sessions = list(
            PracticeSession.objects.filter(
                student__in=students, status=PracticeSession.Status.IN_PROGRESS
            ).values_list("pk", "student_id")
        )
        items = defaultdict(list)
        for session_id, problem_id, answer, answer_type, position in (
            SessionProblem.objects.filter(session_id__in=[s for s, _ in sessions])
            .order_by("session_id", "position")
            .values_list(
                "session_id", "problem_id", "problem__answer", "problem__answer_type", "position"
            )
        ):
            items[session_id].append((problem_id, answer, answer_type, position))
        owner = {session_id: tokens[student_id] for session_id, student_id in sessions}
        reads = [
            ("GET /streak/", "/api/v1/streak/"),
            ("GET /progress/", "/api/v1/progress/"),
            ("GET /sessions/", "/api/v1/sessions/"),
        ]
        for name, path in reads:
            run = Run(name, cohort, [_line("GET", path, t) for t in tokens.values()], cycle=True)
            runner.run(run)
            yield run
        detail = Run(
            "GET /sessions/{id}/",
            cohort,
            [_line("GET", f"/api/v1/sessions/{s}/", owner[s]) for s in owner],
            cycle=True,
        )
        runner.run(detail)
        yield detail
        reopen = Run(
            "POST /sessions/ (open one)",
            cohort,
            [_line("POST", "/api/v1/sessions/", owner[s]) for s in owner],
            cycle=True,
        )
        runner.run(reopen)
        yield reopen
        # Level by level and position by position, as the answers below: requests in flight
        # at the same moment belong to different students (one student does not send several
        # at once, and those would only queue on their session's lock).
        hint_lines = [
            _line("POST", f"/api/v1/sessions/{s}/hints/", owner[s], {"problem_id": pid})
            for _level in (1, 2, 3)
            for position in range(1, 6)
            for s in owner
            for pid, _, _, pos in items[s]
            if pos == position
        ]
        hints = Run("POST …/hints/", cohort, hint_lines, cycle=False)
        runner.run(hints)
        yield hints
        rng = random.Random(7)  # noqa: S311 - which answers are right, not secrets
        answer_lines = []
        for position in range(1, 6):
            for s in owner:
                for pid, answer, answer_type, pos in items[s]:
                    if pos != position:
                        continue
                    right = rng.random() < 0.7
                    problem = Problem(answer=answer, answer_type=answer_type)
                    body = {
                        "problem_id": pid,
                        "answer": _answer_for(problem, right),
                        "time_spent_seconds": 40,
                    }
                    answer_lines.append(
                        _line("POST", f"/api/v1/sessions/{s}/answers/", owner[s], body)
                    )
        answers = Run("POST …/answers/", cohort, answer_lines, cycle=False)
        runner.run(answers)
        yield answers

    def _close_open_sessions(self, students: list[Student]) -> None:
        now = timezone.now()
        PracticeSession.objects.filter(
            student__in=students, status=PracticeSession.Status.IN_PROGRESS
        ).update(status=PracticeSession.Status.ABANDONED, expires_at=now)

    def _new_students(self, count: int) -> list[Student]:
        first = 9_000_000_000 + random.randrange(10**9)  # noqa: S311 - ids, not secrets
        rng = random.Random(first)  # noqa: S311 - demo data, not secrets
        created = Student.objects.bulk_create(
            Student(
                telegram_id=first + n,
                name=f"New {n}",
                grade=rng.choice((6, 7, 8)),
                language=rng.choice(("bn", "bn", "en")),
            )
            for n in range(count)
        )
        return list(created)

    # --- report ------------------------------------------------------------------------------

    def _cpu_line(self, name: str, cohort: str, results: list[Result]) -> None:
        cells = "".join(
            f"{statistics.median(r.cpu_ms.get(group, 0.0) for r in results):10.2f}"
            for group in CPU_GROUPS
        )
        idle = statistics.median(r.idle for r in results)
        self.stdout.write(f"{name:<28}{cohort:<9}{cells}{idle:7.0%}")

    def _report(self, table: Table, options: dict[str, Any], veterans: list[Student]) -> None:
        out = self.stdout.write
        responses = Response.objects.count()
        server = ", ".join(options["env"]) or "production defaults"
        out(
            f"Throughput at saturation: wrk -t{options['threads']} -c{options['connections']}, "
            f"{options['duration']} s per run, {options['rounds']} rounds; gunicorn "
            f"{options['workers']} workers ({server}); PostgreSQL; "
            f"{Student.objects.count():,} students, {responses:,} responses; veterans: "
            f"{len(veterans)} students with >= {options['veteran_responses']:,} answers; "
            f"new: {options['new']} students per round"
        )
        for name in BASELINES:
            results = table.rows[(name, "")]
            out(
                f"  baseline {name:<22} {statistics.median(r.rps for r in results):8.0f} req/s "
                f"(min {min(r.rps for r in results):.0f}), p50 "
                f"{statistics.median(r.p50_ms for r in results):.1f} ms"
            )
        out("")
        header = (
            f"{'endpoint':<28}{'cohort':<9}{'req/s':>7}{'×auth min':>11}{'×auth med':>11}"
            f"{'×plain med':>12}{'p50 ms':>8}{'p99 ms':>8}{'bad':>6}"
        )
        out(header)
        names = list(dict.fromkeys(name for name, cohort in table.ratios))
        for name in names:
            for cohort in ("new", "veteran"):
                results = table.rows[(name, cohort)]
                ratios = table.ratios[(name, cohort)]
                plain = table.plain[(name, cohort)]
                out(
                    f"{name:<28}{cohort:<9}{statistics.median(r.rps for r in results):7.0f}"
                    f"{min(ratios):11.2f}{statistics.median(ratios):11.2f}"
                    f"{statistics.median(plain):12.2f}"
                    f"{statistics.median(r.p50_ms for r in results):8.1f}"
                    f"{statistics.median(r.p99_ms for r in results):8.1f}"
                    f"{sum(r.bad for r in results):6d}"
                )
        out("")
        out(
            "CPU per served request at saturation, ms (median over rounds; /proc): gunicorn's "
            "processes, PostgreSQL's, wrk, the rest of the machine; and the share left idle"
        )
        out(f"{'run':<28}{'cohort':<9}" + "".join(f"{g:>10}" for g in CPU_GROUPS) + f"{'idle':>7}")
        for name in BASELINES:
            self._cpu_line(name, "", table.rows[(name, "")])
        for name in names:
            for cohort in ("new", "veteran"):
                self._cpu_line(name, cohort, table.rows[(name, cohort)])
        out("")
        out("veteran/new p50 (median over rounds):")
        for name in names:
            vet = [r.p50_ms for r in table.rows[(name, "veteran")]]
            new = [r.p50_ms for r in table.rows[(name, "new")]]
            out(f"  {name:<28}{statistics.median(vet) / statistics.median(new):6.2f}")
        out(
            "×auth: requests/s over the DRF + student token baseline of the same round; "
            "×plain: over plain Django; bad: responses without the expected status."
        )


class Runs(Protocol):
    """What runs a `Run`: wrk against the server, or the in-process replay of `bench profile`."""

    def run(self, run: Run, seconds: int | None = None) -> object: ...


class _Runner:
    """Runs wrk with the fixture script and keeps the last result."""

    def __init__(
        self, wrk: str, base: str, folder: Path, options: dict[str, Any], meter: CpuMeter
    ) -> None:
        self.wrk, self.base, self.folder, self.options = wrk, base, folder, options
        self.meter = meter
        self.last = Result(0, 0, 0, 0, 0)
        self.count = 0

    def run(self, run: Run, seconds: int | None = None) -> Result:
        if not run.lines:
            raise CommandError(f"no requests prepared for {run.name} ({run.cohort})")
        self.count += 1
        path = self.folder / f"run{self.count}.tsv"
        path.write_text("\n".join(run.lines) + "\n")
        threads = str(self.options["threads"])
        command = [
            self.wrk,
            "-t",
            threads,
            "-c",
            str(self.options["connections"]),
            "-d",
            f"{seconds or self.options['duration']}s",
            "--timeout",
            "10s",
            "-s",
            str(LUA),
            self.base,
            "--",
            str(path),
            "1" if run.cycle else "0",
            threads,
            run.expected,
        ]
        before = self.meter.sample()
        done = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
        after = self.meter.sample()
        summary = next(
            (json.loads(x) for x in reversed(done.stdout.splitlines()) if x.startswith("{")),
            None,
        )
        if summary is None:
            raise CommandError(f"wrk failed for {run.name}: {done.stderr or done.stdout}")
        seconds_taken = summary["duration_us"] / 1e6
        self.last = Result(
            rps=summary["ok"] / seconds_taken,
            p50_ms=summary["p50_us"] / 1000,
            p99_ms=summary["p99_us"] / 1000,
            bad=summary["bad"] + summary["socket_errors"],
            served=summary["ok"],
        )
        self.last.cpu_ms, self.last.idle = CpuMeter.per_request(
            before, after, summary["ok"], seconds_taken
        )
        if done.stderr.strip():
            sys.stderr.write(f"{run.name} ({run.cohort}): {done.stderr.strip()[:400]}\n")
        return self.last
