"""The benchmark tooling works (its figures come from running it, not from tests)."""

from __future__ import annotations

import re

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from apps.content.models import Problem
from apps.practice.models import PracticeSession, Response, SessionProblem, Streak
from apps.students.models import Student

pytestmark = pytest.mark.django_db


def test_seed_demo_writes_consistent_histories(capsys):
    call_command("seed_demo", students=30, days=10, active_rate=0.8, batch=7)
    assert "Seeded 30 students" in capsys.readouterr().out
    sessions = PracticeSession.objects.count()
    assert Student.objects.count() == 30 and sessions > 0
    assert Response.objects.count() == SessionProblem.objects.count() == sessions * 5
    assert Streak.objects.count() == 30
    assert all(s.longest_streak >= s.current_streak for s in Streak.objects.all())
    assert not PracticeSession.objects.exclude(status="completed").exists()
    call_command("seed_demo", students=5, days=3)  # a second run adds, it does not collide
    assert Student.objects.count() == 35


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="query plans are PostgreSQL's")
def test_explain_queries_passes_with_indexes_and_fails_on_a_seq_scan(capsys):
    call_command("seed_demo", students=20, days=20)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    call_command("explain_queries")
    out = capsys.readouterr().out
    assert re.search(r"\d+ statements explained over 8 endpoints", out)
    assert "No sequential scan of a large table." in out
    with pytest.raises(CommandError, match="sequential scan"):
        call_command("explain_queries", large_rows=0)  # every tiny table counts as large


def test_bench_import_reports_ratios_and_leaves_the_database_as_it_was(topics, capsys):
    call_command("bench_import", problems=40)
    out = capsys.readouterr().out
    assert "40 problems (120 hints)" in out and "40 created per run" in out
    for label in ("raw bulk_create", "import_problems command", "admin import (with diff)"):
        assert re.search(rf"{re.escape(label)}\s+[\d.]+s\s+ratio\s+[\d.]+x", out), label
    assert Problem.objects.count() == 0
