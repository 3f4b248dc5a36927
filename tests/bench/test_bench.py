"""The benchmarks in `bench/` work (their figures come from running them, not from tests)."""

from __future__ import annotations

import re

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from apps.content.models import Problem
from bench import analytics, explain_queries, import_, throughput
from bench import profile as bench_profile

pytestmark = pytest.mark.django_db


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="query plans are PostgreSQL's")
def test_explain_queries_passes_with_indexes_and_fails_on_a_seq_scan(library, capsys):
    call_command("seed_demo", students=20, days=20)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    call_command(explain_queries.Command())
    out = capsys.readouterr().out
    assert re.search(r"\d+ statements explained over 8 endpoints", out)
    assert "No sequential scan of a large table." in out
    with pytest.raises(CommandError, match="sequential scan"):
        call_command(explain_queries.Command(), large_rows=0)  # every table counts as large


def test_bench_import_reports_ratios_and_leaves_the_database_as_it_was(topics, capsys):
    call_command(import_.Command(), problems=40)
    out = capsys.readouterr().out
    assert "40 problems (120 hints)" in out and "40 created per run" in out
    for label in ("raw bulk_create", "import_problems command", "admin import (preview + confirm)"):
        assert re.search(rf"{re.escape(label)}\s+[\d.]+s\s+ratio\s+[\d.]+x", out), label
    assert Problem.objects.count() == 0


def test_bench_analytics_reports_refresh_times_and_page_queries(library, capsys):
    call_command("seed_demo", students=15, days=5, verbosity=0)
    call_command(analytics.Command(), new_students=10, problems=600)
    out = capsys.readouterr().out
    assert "refresh_stats --full: 280 problems in" in out
    assert re.search(r"refresh_stats after it: \d+ problems recounted, daily rollup \+\d+", out)
    assert "refresh_stats with nothing new: 0 problems" in out
    rows = re.findall(r"^\| ([a-z][^|]+) \| (\d+) \| \d+ \| (\d+) \| \d+ \|$", out, re.M)
    assert len(rows) == 6
    assert all(before == after for _, before, after in rows)  # queries do not grow
    assert Problem.objects.count() == 280  # the grown library was rolled back


ENDPOINTS = (
    "POST /sessions/ (new)",
    "GET /streak/",
    "GET /progress/",
    "GET /sessions/",
    "GET /sessions/{id}/",
    "POST /sessions/ (open one)",
    "POST …/hints/",
    "POST …/answers/",
)


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="the benchmark is PostgreSQL's")
@pytest.mark.django_db(transaction=True)
def test_throughput_benchmark_measures_every_endpoint_against_the_baselines(library, capsys):
    """A tiny run through the real thing (wrk, gunicorn on this test database): every
    endpoint and baseline gets a row with figures, and every request got its expected status."""
    call_command(
        throughput.Command(),
        rounds=1,
        duration=1,
        connections=2,
        threads=1,
        workers=1,
        students=4,
        veterans=2,
        veteran_responses=10,
        new=3,
    )
    out = capsys.readouterr().out
    for name in throughput.BASELINES:
        assert re.search(rf"baseline {re.escape(name)}\s+\d+ req/s", out), name
    for endpoint in ENDPOINTS:
        for cohort in ("new", "veteran"):
            row = re.search(
                rf"^{re.escape(endpoint)}\s+{cohort}\s+(\d+)\s+([\d.]+)\s+([\d.]+)\s+"
                rf"([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+(\d+)$",
                out,
                re.MULTILINE,
            )
            assert row, f"{endpoint} {cohort}"
            assert int(row.group(1)) > 0 and int(row.group(7)) == 0, row.group(0)
            # Where the CPU went, per request. A read runs for the whole second, so gunicorn's
            # processes have used clock ticks (a write of three requests may not have).
            cpu = re.search(
                rf"^{re.escape(endpoint)}\s+{cohort}\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+"
                rf"([\d.]+)\s+(\d+)%$",
                out,
                re.MULTILINE,
            )
            assert cpu, f"CPU of {endpoint} {cohort}"
            if endpoint.startswith("GET"):
                assert float(cpu.group(1)) > 0, cpu.group(0)
        assert re.search(rf"^  {re.escape(endpoint)}\s+[\d.]+$", out, re.MULTILINE), endpoint


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="the benchmark is PostgreSQL's")
def test_profile_times_every_endpoint_and_splits_wait_from_cpu(library, capsys, settings):
    """Every endpoint and baseline gets a row; the times add up: a request's CPU time is at
    most its wall time (give or take the two clocks' rates), and one that reads the database
    waited for it."""
    settings.ROOT_URLCONF, settings.DEBUG = "bench.urls", False
    call_command(bench_profile.Command(), requests=4, veterans=2, veteran_responses=10)
    out = capsys.readouterr().out
    baselines = ("baseline: plain Django", "baseline: trivial DRF", "baseline: DRF + token")
    names = [*baselines, *ENDPOINTS]
    for name in names:
        for cohort in ("",) if name.startswith("baseline") else ("new", "veteran"):
            row = re.search(
                rf"^{re.escape(name)}\s+{cohort}\s+([\d.]+)\s+([\d.]+)\s+(-?[\d.]+)\s+"
                rf"([\d.]+)\s+([\d.]+)$",
                out,
                re.MULTILINE,
            )
            assert row, f"{name} {cohort}"
            wall, waited, python, cpu, statements = map(float, row.groups())
            # CPU time comes from the scheduler's clock, wall time from the monotonic clock: on
            # a virtual machine they can run a few per cent apart, which shows on requests that
            # are nearly all CPU (the plain baseline failed `cpu <= wall + 0.01` once in CI).
            assert cpu <= wall * 1.2 + 0.02 and wall > 0, row.group(0)
            assert abs(wall - waited - python) < 0.02, row.group(0)
            if "token" in name or not name.startswith("baseline"):
                assert waited > 0 and statements >= 1, row.group(0)
