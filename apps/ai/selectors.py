"""Reads for AI help."""

from __future__ import annotations

from apps.content.models import Problem
from apps.content.selectors import problems_with_complete_hints


def problems_needing_hints(*, limit: int) -> list[int]:
    """Active problems without all three hints in both languages, oldest first (one query)."""
    return list(
        Problem.objects.filter(is_active=True)
        .exclude(pk__in=problems_with_complete_hints())
        .order_by("updated_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
