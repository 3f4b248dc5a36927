"""AI commands: generate_hints, simulate_ai_cost, and the review of AI-written hints."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from apps.ai.simulation import Behaviour, SimProblem, simulate
from apps.billing.models import CostRecord
from apps.content.models import Hint, Problem, Topic
from tests.ai.fake_claude import Reply
from tests.ai.test_ai import HINTS

pytestmark = pytest.mark.django_db


def _problems_without_hints(count: int) -> list[Problem]:
    topic = Topic.objects.create(grade=8, code="g8-bulk", name_en="Bulk", name_bn="বাল্ক")
    return [
        Problem.objects.create(
            code=f"bulk-{n}",
            topic=topic,
            question_en=f"What is {n} + 1?",
            question_bn=f"{n} + ১ কত?",
            answer=str(n + 1),
            answer_type="numeric",
        )
        for n in range(count)
    ]


def test_generate_hints_dry_run_counts_and_estimates_without_calling(fake_claude, capsys):
    _problems_without_hints(3)
    call_command("generate_hints", dry_run=True)
    out = capsys.readouterr().out
    match = re.search(
        r"3 problem\(s\) need hints: 3 call\(s\) to claude-haiku-4-5, estimated at most \$(\S+)",
        out,
    )
    assert match and Decimal(match.group(1)) > 0
    assert fake_claude.calls == 0 and CostRecord.objects.count() == 0


def test_generate_hints_writes_hints_once_per_problem(fake_claude, capsys):
    problems = _problems_without_hints(3)
    fake_claude.replies.extend(Reply(tool_input=HINTS) for _ in range(2))
    call_command("generate_hints", limit=2)
    assert fake_claude.calls == 2
    assert Hint.objects.filter(problem__in=problems[:2], is_ai_generated=True).count() == 6
    assert CostRecord.objects.filter(operation="hint_generation", student=None).count() == 2
    call_command("generate_hints", dry_run=True)
    assert "1 problem(s) need hints" in capsys.readouterr().out


def test_generate_hints_without_a_key_says_so(settings):
    settings.ANTHROPIC_API_KEY = ""
    _problems_without_hints(1)
    with pytest.raises(CommandError, match="ANTHROPIC_API_KEY"):
        call_command("generate_hints")


def test_ai_hints_are_listed_for_review_and_approved_in_bulk(admin_client):
    problem = _problems_without_hints(1)[0]
    ai = Hint.objects.create(
        problem=problem, level=1, text_en="AI", text_bn="এআই", is_ai_generated=True
    )
    authored = Hint.objects.create(problem=problem, level=2, text_en="Mine", text_bn="আমার")
    page = admin_client.get("/admin/content/hint/", {"review": "pending"}).content.decode()
    assert f"/admin/content/hint/{ai.pk}/change/" in page
    assert f"/admin/content/hint/{authored.pk}/change/" not in page
    admin_client.post(
        "/admin/content/hint/", {"action": "approve", "_selected_action": [ai.pk, authored.pk]}
    )
    ai.refresh_from_db()
    authored.refresh_from_db()
    assert ai.reviewed_at is not None and authored.reviewed_at is None


# --- simulation ----------------------------------------------------------------------------


def _sim_problems(lacking: int = 10, text: int = 5) -> list[SimProblem]:
    return [
        SimProblem(
            problem_id=n,
            grade=6 + n % 3,
            is_text=n < text,
            needs_hints=n < lacking,
            hint_call_cost=Decimal("0.003"),
            judge_call_cost=Decimal("0.0008"),
        )
        for n in range(60)
    ]


def test_simulation_pays_for_each_problem_and_distinct_answer_at_most_once():
    behaviour = Behaviour(active_rate=1.0, hint_rate=1.0, text_wrong_rate=1.0, answer_variants=4)
    result = simulate(_sim_problems(), students=200, days=30, behaviour=behaviour, seed=5)
    assert result.active_students == 200 and result.sessions == 6000
    assert result.calls["hint_generation"] == 10  # every lacking problem once, then reused
    assert result.calls["answer_evaluation"] == 5 * 4  # each text problem × each variant once
    assert result.cost_usd == Decimal("0.003") * 10 + Decimal("0.0008") * 20


def test_simulation_is_reproducible_and_scales_to_a_month():
    behaviour = Behaviour()
    first = simulate(_sim_problems(), students=50, days=10, behaviour=behaviour, seed=9)
    again = simulate(_sim_problems(), students=50, days=10, behaviour=behaviour, seed=9)
    assert (first.cost_usd, first.calls) == (again.cost_usd, again.calls)
    expected = first.cost_usd / first.active_students * 3  # 10 days -> 30
    assert first.per_active_student_month_usd == expected


def test_simulate_command_prints_the_per_student_figure(topics, capsys):
    call_command("import_problems", "fixtures/problems.csv", verbosity=0)
    capsys.readouterr()
    call_command("simulate_ai_cost", students=100, days=30, missing_hints_share=0.2)
    out = capsys.readouterr().out
    text = Problem.objects.filter(answer_type="text").count()
    assert "Library: 280 active problems" in out and f"{text} text answers" in out
    match = re.search(r"AI cost per active student per month: \$(\S+)", out)
    assert match and Decimal("0") < Decimal(match.group(1)) < Decimal("0.01")
