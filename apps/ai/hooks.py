"""The AI help practice asks for, plugged into `apps.practice.extensions` at start-up."""

from __future__ import annotations

from apps.ai import client, services, tasks
from apps.content.models import Problem
from apps.students.models import Student


def judge_text_answer(
    *, problem: Problem, answer: str, student: Student, session_id: int
) -> bool | None:
    """A cached or fresh AI verdict on a text answer the checker rejected (None: no verdict)."""
    return services.answer_judge(
        problem=problem, answer=answer, student=student, session_id=session_id
    )


def request_hints(*, problem_id: int, student: Student, session_id: int) -> None:
    """A student asked for a hint on a problem that lacks hints: queue their writing. Without
    a broker the task runs here and now; with one, this student gets what exists and later
    students get the new hints."""
    if client.ai_enabled():
        tasks.generate_hints.delay(problem_id, student.pk, session_id)
