"""Reads of the problem library."""

from __future__ import annotations

from django.db.models import Count, QuerySet

from apps.content.checker import AnswerKey, Option
from apps.content.models import HINT_LEVELS_COUNT, Hint, Problem
from apps.content.spreadsheet import split_alternatives


def answer_key_for(problem: Problem) -> AnswerKey:
    """The checker's view of a problem's answer. Uses `problem.options` (prefetch it)."""
    return AnswerKey(
        answer_type=problem.answer_type,
        answer=problem.answer,
        accepted=tuple(split_alternatives(problem.accepted_answers)),
        tolerance=problem.tolerance,
        simplest_form=problem.simplest_form,
        options=tuple(Option(o.label, o.text_en, o.text_bn) for o in problem.options.all()),
    )


def problems_with_complete_hints() -> QuerySet[Hint, int]:
    """Ids of problems with all three hints in both languages (a subquery, not a list)."""
    return (
        Hint.objects.exclude(text_en="")
        .exclude(text_bn="")
        .values("problem")
        .annotate(levels=Count("level"))
        .filter(levels__gte=HINT_LEVELS_COUNT)
        .values_list("problem", flat=True)
    )
