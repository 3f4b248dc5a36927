"""Item statistics (apps.analytics): every figure `problem_stats` writes equals an independent
computation from the responses table, on demo data plus scripted answers with known outcomes;
a problem with a wrong key is flagged; refreshes recount only what changed."""

from __future__ import annotations

import io
import json
import statistics
from collections import Counter, defaultdict
from typing import Any

import pytest
from django.core.management import call_command
from django.db.models import F

from apps.analytics.models import DailyActivity, ProblemStats, StatsRefresh
from apps.content.checker import answer_form
from apps.content.models import Problem
from apps.content.selectors import answer_key_for
from apps.practice.models import Response
from apps.students.domain import SHARED_DEMO_TELEGRAM_ID
from tests.analytics.conftest import answer
from tests.students.factories import StudentFactory

pytestmark = pytest.mark.django_db


def _export() -> dict[str, dict[str, Any]]:
    out = io.StringIO()
    call_command("problem_stats", format="json", stdout=out)
    return {row["code"]: row for row in json.loads(out.getvalue())}


def _expected(problem: Problem, version: int | None = None) -> dict[str, Any]:
    """The figures of one problem from its responses, computed here with the ORM and Python
    (no window functions, no cells): first answers by taking each student's lowest id."""
    responses = Response.objects.filter(problem=problem).order_by("id")
    if version is not None:
        responses = responses.filter(problem_version=version)
    rows = list(
        responses.values(
            "id", "session__student_id", "session__student__ability", "is_correct",
            "hints_used", "time_spent_seconds", "language", "student_answer",
        )
    )  # fmt: skip
    firsts: dict[int, Any] = {}
    for row in rows:
        firsts.setdefault(row["session__student_id"], row)
    first_rows = list(firsts.values())
    expected: dict[str, Any] = {"attempts": len(rows), "students": len(first_rows)}
    right = [int(r["is_correct"]) for r in first_rows]
    expected["facility"] = sum(right) / len(right) if right else None
    abilities = [r["session__student__ability"] for r in first_rows]
    try:
        expected["discrimination"] = statistics.correlation(right, abilities)
    except statistics.StatisticsError:
        expected["discrimination"] = None
    expected["mean_hints"] = statistics.fmean(r["hints_used"] for r in rows) if rows else None
    expected["no_hint_share"] = (
        sum(r["hints_used"] == 0 for r in rows) / len(rows) if rows else None
    )
    expected["median_seconds"] = (
        statistics.median(r["time_spent_seconds"] for r in rows) if rows else None
    )
    for lang in ("en", "bn"):
        expected[f"attempts_{lang}"] = sum(r["language"] == lang for r in rows)
        in_lang = [int(r["is_correct"]) for r in first_rows if r["language"] == lang]
        expected[f"students_{lang}"] = len(in_lang)
        expected[f"facility_{lang}"] = sum(in_lang) / len(in_lang) if in_lang else None
    for level in range(4):
        at_level = [int(r["is_correct"]) for r in rows if r["hints_used"] == level]
        expected[f"facility_hints_{level}"] = sum(at_level) / len(at_level) if at_level else None
    key = answer_key_for(Problem.objects.prefetch_related("options").get(pk=problem.pk))
    wrong = Counter(
        answer_form(key, r["student_answer"]) or r["student_answer"].strip()
        for r in rows
        if not r["is_correct"]
    )
    expected["top_wrong"] = sorted(wrong.items(), key=lambda item: (-item[1], item[0]))[:5]
    return expected


def _assert_figures(found: dict[str, Any], expected: dict[str, Any], prefix: str = "") -> None:
    for name, value in expected.items():
        if name == "top_wrong":
            continue
        if name.startswith("facility_hints_") and prefix:
            continue
        got = found[prefix + name]
        if value is None:
            assert got is None, name
        else:
            assert got == pytest.approx(value, abs=1e-9), name
    top = found[prefix + "top_wrong"]
    assert [(w["answer"], w["count"]) for w in top] == expected["top_wrong"]
    for w in top:
        assert w["share"] == pytest.approx(w["count"] / expected["attempts"])


def test_every_figure_equals_an_independent_computation(library, wrong_key_problem):
    call_command("seed_demo", students=40, days=8, active_rate=0.8, seed=5, verbosity=0)
    call_command("refresh_stats", stdout=io.StringIO())
    exported = _export()
    assert len(exported) == Problem.objects.count()
    answered = Problem.objects.filter(responses__isnull=False).distinct()
    assert answered.count() > 50
    for problem in answered:
        row = exported[problem.code]
        assert list(row)[:3] == ["code", "attempts", "facility"]
        _assert_figures(row, _expected(problem))
        _assert_figures(row, _expected(problem, problem.version), prefix="version_")
        assert row["rating"] == pytest.approx(problem.rating)
        assert row["difficulty"] == problem.difficulty


def test_the_scripted_problem_has_the_figures_its_script_gives(wrong_key_problem):
    call_command("refresh_stats", stdout=io.StringIO())
    row = _export()[wrong_key_problem.code]
    assert row["attempts"] == 48  # 40 first answers + 8 second answers (to the new version)
    assert row["students"] == 40
    assert row["facility"] == pytest.approx(8 / 40)
    true_answer = str(int(wrong_key_problem.answer) + 1)
    assert row["top_wrong"][0]["answer"] == true_answer  # both scripts counted as one answer
    assert row["top_wrong"][0]["count"] == 28
    assert row["version_attempts"] == 8
    assert row["version_facility"] == 1.0
    assert "key" in row["flags"]


def test_a_problem_with_a_wrong_key_is_flagged_and_only_it(library, wrong_key_problem):
    call_command("seed_demo", students=40, days=8, active_rate=0.8, seed=5, verbosity=0)
    call_command("refresh_stats", stdout=io.StringIO())
    flagged = set(ProblemStats.objects.filter(flag_key=True).values_list("problem_id", flat=True))
    assert flagged == {wrong_key_problem.pk}
    stats = ProblemStats.objects.get(problem=wrong_key_problem)
    assert stats.needs_attention


def test_never_answered_active_problems_are_flagged(library):
    call_command("refresh_stats", stdout=io.StringIO())
    assert ProblemStats.objects.count() == Problem.objects.count()
    assert ProblemStats.objects.filter(flag_unanswered=True).count() == (
        Problem.objects.usable().count()
    )


def test_refresh_recounts_only_problems_answered_or_edited_since(library, wrong_key_problem):
    call_command("seed_demo", students=10, days=3, seed=2, verbosity=0)
    call_command("refresh_stats", stdout=io.StringIO())
    everything = StatsRefresh.objects.latest()
    assert everything.problems_touched == Problem.objects.count()

    call_command("refresh_stats", stdout=io.StringIO())
    assert StatsRefresh.objects.latest().problems_touched == 0

    other = Problem.objects.exclude(pk=wrong_key_problem.pk).filter(answer_type="numeric")[0]
    before = ProblemStats.objects.get(problem=other)
    answer(wrong_key_problem, StudentFactory(telegram_id=9_000_000_001), "1", correct=False)
    Problem.objects.filter(pk=other.pk).update(version=F("version") + 1)  # an edit
    call_command("refresh_stats", stdout=io.StringIO())
    latest = StatsRefresh.objects.latest()
    assert latest.problems_touched == 2
    assert latest.responses_through == Response.objects.latest("id").pk
    assert ProblemStats.objects.get(problem=wrong_key_problem).attempts == 49
    after = ProblemStats.objects.get(problem=other)
    assert after.version == before.version + 1
    assert after.attempts == before.attempts


def test_answers_younger_than_the_settling_time_wait_for_the_next_refresh(
    wrong_key_problem, settings
):
    settings.STATS_SETTLE_SECONDS = 3600
    call_command("refresh_stats", stdout=io.StringIO())
    assert ProblemStats.objects.get(problem=wrong_key_problem).attempts == 0
    settings.STATS_SETTLE_SECONDS = 0
    call_command("refresh_stats", stdout=io.StringIO())
    assert ProblemStats.objects.get(problem=wrong_key_problem).attempts == 48


def test_csv_export_has_one_row_per_problem_with_code_attempts_facility_first(wrong_key_problem):
    call_command("refresh_stats", stdout=io.StringIO())
    out = io.StringIO()
    call_command("problem_stats", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("code,attempts,facility,")
    assert len(lines) == 1 + Problem.objects.count()
    row = next(line for line in lines if line.startswith(wrong_key_problem.code + ","))
    assert row.split(",")[1:3] == ["48", "0.2"]


def test_language_figures_split_by_the_language_the_problem_was_shown_in(wrong_key_problem):
    call_command("refresh_stats", stdout=io.StringIO())
    stats = ProblemStats.objects.get(problem=wrong_key_problem)
    by_language: dict[str, int] = defaultdict(int)
    for language in Response.objects.filter(problem=wrong_key_problem).values_list(
        "language", flat=True
    ):
        by_language[language] += 1
    assert (stats.attempts_en, stats.attempts_bn) == (by_language["en"], by_language["bn"])
    assert stats.attempts_en and stats.attempts_bn


def test_demo_students_answers_are_not_counted(wrong_key_problem):
    """The content team tries problems as demo students (negative Telegram ids): their
    answers are not evidence about the problem or the students."""
    demo = StudentFactory.create(telegram_id=SHARED_DEMO_TELEGRAM_ID, name="Mini App demo")
    answer(wrong_key_problem, demo, "999", correct=False)
    call_command("refresh_stats", stdout=io.StringIO())
    stats = ProblemStats.objects.get(problem=wrong_key_problem)
    assert stats.attempts == 48 and stats.students == 40
    assert "999" not in {item["answer"] for item in stats.top_wrong}
    assert not DailyActivity.objects.filter(student_id=demo.pk).exists()
