"""python -m bench load [--users 30] [--duration 60] [--workers 3]

Load benchmark of the whole student flow against gunicorn on this machine, with the health
endpoint measured in the same run as the baseline (see bench/locustfile.py):

1. makes sure the database has veterans (students with >= 10,000 past responses; created
   with seed_demo if missing) and a service API key for the bot sign-in;
2. starts gunicorn (production settings, persistent DB connections, throttles off) on
   127.0.0.1 against DATABASE_URL;
3. runs locust headless for --duration seconds and prints, per endpoint and cohort,
   requests/s, p50/p95/p99, the endpoint's capacity relative to /healthz
   (healthz median / endpoint median: how many of these one worker serves per health check),
   and each endpoint's veteran/new latency ratio.
Traffic only goes to 127.0.0.1 and stops by itself.
"""

from __future__ import annotations

import csv
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.db.models import Count, Max

from apps.practice.models import Response
from apps.students.models import Student
from apps.students.services import service_key_create

LOCUSTFILE = Path(__file__).resolve().parent / "locustfile.py"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Command(BaseCommand):
    help = "Load-test the student API under gunicorn with locust; /healthz is the baseline."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--users", type=int, default=30, help="concurrent locust users")
        parser.add_argument("--duration", type=int, default=60, help="seconds of load")
        parser.add_argument("--workers", type=int, default=3, help="gunicorn workers")
        parser.add_argument("--veterans", type=int, default=20)
        parser.add_argument("--veteran-responses", type=int, default=10_000)

    def handle(self, *args: Any, **options: Any) -> None:
        if connection.vendor != "postgresql":
            self.stderr.write("warning: the benchmark is meant for PostgreSQL (DATABASE_URL)")
        veterans = self._veterans(options["veterans"], options["veteran_responses"])
        _, key = service_key_create(name=f"bench_load {secrets.token_hex(3)}")
        start_id = (Student.objects.aggregate(m=Max("telegram_id"))["m"] or 0) + 1_000_000
        port = _free_port()
        env = {
            **os.environ,
            "DEBUG": "false",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "false",
            "SECURE_HSTS_SECONDS": "0",
            "CONN_MAX_AGE": "60",
            "LOG_LEVEL": "WARNING",
            "THROTTLE_AUTH_RATE": "",
            "THROTTLE_BOT_AUTH_RATE": "",
            "THROTTLE_HINTS_RATE": "",
            "GUNICORN_BIND": f"127.0.0.1:{port}",
            "GUNICORN_WORKERS": str(options["workers"]),
            "GUNICORN_ACCESS_LOG": "/dev/null",
        }
        bin_dir = Path(sys.executable).parent
        server = subprocess.Popen(  # noqa: S603 - our own gunicorn, fixed arguments
            [str(bin_dir / "gunicorn"), "-c", "dars/gunicorn.py", "dars.wsgi"],
            cwd=settings.BASE_DIR,
            env=env,
        )
        try:
            self._wait_for(f"http://127.0.0.1:{port}/healthz")
            with tempfile.TemporaryDirectory() as tmp:
                prefix = str(Path(tmp) / "bench")
                locust_env = {
                    **os.environ,
                    "DARS_BOT_KEY": key,
                    "DARS_VETERAN_TELEGRAM_IDS": ",".join(str(v) for v in veterans),
                    "DARS_NEW_TELEGRAM_ID_START": str(start_id),
                }
                subprocess.run(  # noqa: S603 - our own locust run, fixed arguments
                    [
                        str(bin_dir / "locust"),
                        "-f",
                        str(LOCUSTFILE),
                        "--headless",
                        "--users",
                        str(options["users"]),
                        "--spawn-rate",
                        str(options["users"]),
                        "--run-time",
                        f"{options['duration']}s",
                        "--host",
                        f"http://127.0.0.1:{port}",
                        "--csv",
                        prefix,
                        "--only-summary",
                        "--loglevel",
                        "WARNING",
                    ],
                    env=locust_env,
                    check=False,
                    timeout=options["duration"] + 120,
                )
                self._report(Path(prefix + "_stats.csv"), options)
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)

    def _veterans(self, count: int, responses: int) -> list[int]:
        heavy = list(
            Response.objects.values("session__student__telegram_id")
            .annotate(n=Count("id"))
            .filter(n__gte=responses)
            .values_list("session__student__telegram_id", flat=True)[:count]
        )
        if len(heavy) < count:
            days = responses // 5 + 1
            self.stdout.write(f"Creating {count - len(heavy)} veterans with {days} days of history")
            before = set(Student.objects.values_list("telegram_id", flat=True))
            call_command(
                "seed_demo", students=count - len(heavy), days=days, active_rate=1.0, verbosity=0
            )
            heavy += [
                t for t in Student.objects.values_list("telegram_id", flat=True) if t not in before
            ]
        return heavy[:count]

    def _wait_for(self, url: str) -> None:
        for _ in range(60):
            try:
                with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - localhost
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.5)
        raise CommandError(f"gunicorn did not answer {url}")

    def _report(self, stats_file: Path, options: dict[str, Any]) -> None:
        if not stats_file.exists():
            raise CommandError("locust wrote no statistics")
        with stats_file.open() as f:
            rows = [r for r in csv.DictReader(f) if r["Name"] != "Aggregated"]
        by_name = {r["Name"]: r for r in rows}
        base = by_name.get("GET /healthz")
        if base is None:
            raise CommandError("no baseline requests were made")
        base_p50 = float(base["50%"]) or 1.0
        out = self.stdout.write
        out(
            f"{options['users']} users, {options['duration']}s, {options['workers']} gunicorn "
            f"workers, database {connection.vendor}"
        )
        out(
            f"{'endpoint':<44}{'req/s':>8}{'fail':>6}{'p50':>7}{'p95':>7}{'p99':>7}{'capacity':>10}{'vet/new':>9}"
        )
        for row in sorted(rows, key=lambda r: r["Name"]):
            name = row["Name"]
            p50 = float(row["50%"]) or 1.0
            twin = by_name.get(name.replace("[veteran]", "[new]")) if "[veteran]" in name else None
            versus = f"{p50 / (float(twin['50%']) or 1.0):8.2f}x" if twin else ""
            out(
                f"{name:<44}{float(row['Requests/s']):8.1f}{int(row['Failure Count']):6d}"
                f"{row['50%']:>7}{row['95%']:>7}{row['99%']:>7}{base_p50 / p50:9.2f}x{versus:>9}"
            )
        out(
            "Latencies in ms. capacity = healthz p50 / endpoint p50; "
            "vet/new = veteran p50 / new p50."
        )
