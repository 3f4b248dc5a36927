"""Reads of the problem library."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Count, Prefetch, QuerySet

from apps.content.checker import AnswerKey, Option
from apps.content.domain import HINT_LEVELS
from apps.content.models import AnswerFeedback, Hint, Problem, ProblemOption
from apps.content.spreadsheet import split_alternatives


def answer_key_for(problem: Problem) -> AnswerKey:
    """The checker's view of a problem's answer. Uses `problem.options` (prefetch it)."""
    return AnswerKey(
        answer_type=problem.answer_type,
        answer=problem.answer,
        answer_bn=problem.answer_bn,
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
        .filter(levels__gte=len(HINT_LEVELS))
        .values_list("problem", flat=True)
    )


def with_rows_loaded(problems: QuerySet[Problem]) -> QuerySet[Problem]:
    """What `spreadsheet.problem_values` reads, in four queries however many problems."""
    return problems.select_related("topic").prefetch_related(
        Prefetch("options", queryset=ProblemOption.objects.order_by("label")),
        Prefetch("hints", queryset=Hint.objects.order_by("level")),
        Prefetch("feedback", queryset=AnswerFeedback.objects.order_by("position")),
    )


def problems_for_rows(*, codes: Iterable[str]) -> list[Problem]:
    """The stored problems with these codes, ready to compare with spreadsheet rows."""
    codes = list(codes)
    if not codes:
        return []
    return list(with_rows_loaded(Problem.objects.filter(code__in=codes)))


def problems_for_export() -> QuerySet[Problem]:
    """Every problem in export order: by grade, chapter, code."""
    return with_rows_loaded(Problem.objects.order_by("topic__grade", "topic__order", "code"))
