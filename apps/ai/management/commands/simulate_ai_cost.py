"""python manage.py simulate_ai_cost --students 1000 --days 30"""

from __future__ import annotations

import random
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from apps.ai import prompts, services
from apps.ai.simulation import Behaviour, SimProblem, simulate
from apps.billing import services as billing
from apps.billing.pricing import TokenUsage, cost_usd
from apps.content.models import Problem

# Typical reply sizes: three bilingual hints, and a one-line verdict.
HINT_OUTPUT_TOKENS = 450
JUDGE_OUTPUT_TOKENS = 60


class Command(BaseCommand):
    help = (
        "Simulate N students practising for D days with realistic hint use on the current "
        "library and price table, and print the AI cost per active student per month."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--students", type=int, default=1000)
        parser.add_argument("--days", type=int, default=30)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--active-rate", type=float, default=0.6)
        parser.add_argument("--hint-rate", type=float, default=0.3)
        parser.add_argument("--text-wrong-rate", type=float, default=0.35)
        parser.add_argument("--answer-variants", type=int, default=12)
        parser.add_argument(
            "--missing-hints-share",
            type=float,
            default=None,
            help="treat this share of problems as lacking hints (default: the library as it is)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["students"] < 1 or options["days"] < 1:
            raise CommandError("--students and --days must be at least 1")
        price = billing.price_for(settings.AI_MODEL)
        library = list(
            Problem.objects.filter(is_active=True).select_related("topic").prefetch_related("hints")
        )
        share = options["missing_hints_share"]
        picker = random.Random(options["seed"])  # noqa: S311 - which problems lack hints
        problems = []
        for problem in library:
            needs = (
                services.problem_needs_hints(problem) if share is None else picker.random() < share
            )
            hint_call = prompts.plan_hint_generation(problem)
            judge_call = prompts.plan_judgement(problem, "a typical wrong answer")
            problems.append(
                SimProblem(
                    problem_id=problem.pk,
                    grade=problem.topic.grade,
                    is_text=problem.answer_type == Problem.AnswerType.TEXT,
                    needs_hints=needs,
                    hint_call_cost=cost_usd(
                        TokenUsage(hint_call.input_tokens(), HINT_OUTPUT_TOKENS), price
                    ),
                    judge_call_cost=cost_usd(
                        TokenUsage(judge_call.input_tokens(), JUDGE_OUTPUT_TOKENS), price
                    ),
                )
            )
        behaviour = Behaviour(
            active_rate=options["active_rate"],
            hint_rate=options["hint_rate"],
            text_wrong_rate=options["text_wrong_rate"],
            answer_variants=options["answer_variants"],
        )
        try:
            result = simulate(
                problems,
                students=options["students"],
                days=options["days"],
                behaviour=behaviour,
                seed=options["seed"],
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        lacking = sum(p.needs_hints for p in problems)
        out = self.stdout.write
        out(
            f"Library: {len(problems)} active problems, {lacking} lacking hints, "
            f"{sum(p.is_text for p in problems)} text answers; model {settings.AI_MODEL} at "
            f"${price.input_per_mtok}/${price.output_per_mtok} per million input/output tokens"
        )
        out(
            f"Simulated {result.students} students x {result.days} days: "
            f"{result.active_students} active, {result.sessions} sessions"
        )
        out(
            f"AI calls: {result.calls['hint_generation']} hint generations, "
            f"{result.calls['answer_evaluation']} answer judgements; total ${result.cost_usd:.4f}"
        )
        out(
            f"AI cost per active student per month: ${result.per_active_student_month_usd:.6f} "
            f"(budget ${settings.AI_STUDENT_MONTHLY_BUDGET_USD}, goal $0.01)"
        )
