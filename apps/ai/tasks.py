"""AI work off the request path. Every task is idempotent and safe to retry: generation is
claimed per problem before the call and skipped once a problem has its hints."""

from __future__ import annotations

from celery import shared_task

from apps.ai import client, selectors, services
from apps.students.models import Student


@shared_task(name="ai.generate_hints", ignore_result=True)
def generate_hints(
    problem_id: int, student_id: int | None = None, session_id: int | None = None
) -> str:
    """Write the missing hints of one problem (a student asked, or it was saved without them)."""
    student = Student.objects.filter(pk=student_id).first() if student_id else None
    outcome = services.problem_generate_hints(
        problem_id=problem_id, student=student, session_id=session_id
    )
    return outcome.reason or "ok"


@shared_task(name="ai.fill_missing_hints", ignore_result=True)
def fill_missing_hints(limit: int = 50) -> int:
    """Beat: find active problems saved or imported without complete hints and queue them."""
    if not client.ai_enabled():
        return 0
    ids = selectors.problems_needing_hints(limit=limit)
    for problem_id in ids:
        generate_hints.delay(problem_id)
    return len(ids)
