"""python manage.py generate_hints [--dry-run] [--limit N]"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from apps.ai import prompts, services
from apps.ai.client import ai_enabled
from apps.billing import services as billing
from apps.content.models import Problem


class Command(BaseCommand):
    help = (
        "Write missing hints (fewer than 3, or a language missing) for active problems with AI, "
        "once per problem; --dry-run only counts the calls and estimates their cost."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="estimate, call nothing")
        parser.add_argument("--limit", type=int, default=None, help="at most N problems")

    def handle(self, *args: Any, **options: Any) -> None:
        problems = [
            p
            for p in Problem.objects.filter(is_active=True)
            .select_related("topic")
            .prefetch_related("hints")
            .order_by("topic__grade", "code")
            if services.problem_needs_hints(p)
        ]
        if options["limit"] is not None:
            problems = problems[: max(0, options["limit"])]
        price = billing.price_for(settings.AI_MODEL)
        estimate = sum(
            (prompts.plan_hint_generation(p).estimate(price) for p in problems), Decimal(0)
        )
        self.stdout.write(
            f"{len(problems)} problem(s) need hints: {len(problems)} call(s) to "
            f"{settings.AI_MODEL}, estimated at most ${estimate:.4f}"
        )
        if options["dry_run"]:
            return
        if not ai_enabled():
            raise CommandError("ANTHROPIC_API_KEY is not set: AI is off (nothing was called)")
        done = failed = 0
        for problem in problems:
            outcome = services.problem_generate_hints(problem_id=problem.pk)
            if outcome.ok:
                done += 1
            else:
                failed += 1
                self.stderr.write(f"  {problem.code}: {outcome.reason}")
        self.stdout.write(f"{done} problem(s) got hints, {failed} failed (see the cost records)")
        if failed:
            raise CommandError(f"{failed} problem(s) did not get hints")
