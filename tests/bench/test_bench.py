"""The benchmarks in `bench/` work (their figures come from running them, not from tests)."""

from __future__ import annotations

import re

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from apps.content.models import Problem
from bench import explain_queries, import_

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
