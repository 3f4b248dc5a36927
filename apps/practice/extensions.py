"""Help practice asks of the layers above it, without importing them.

Practice sits below the AI app in the layering (README, "Architecture"), so it cannot call it.
It publishes two hooks instead; `apps.ai` plugs its implementations in at start-up
(`AiConfig.ready`). Without them (AI app not installed) practice works on its own: the
checker's verdict stands and only authored hints are served.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from apps.content.models import Problem
    from apps.students.models import Student


class TextJudge(Protocol):
    def __call__(
        self, *, problem: Problem, answer: str, student: Student, session_id: int
    ) -> bool | None:
        """A verdict on a text answer the checker rejected; None when there is none."""


class HintWriter(Protocol):
    def __call__(self, *, problem_id: int, student: Student, session_id: int) -> None:
        """Ask for a problem's missing hints to be written (now or later)."""


_text_judge: TextJudge | None = None
_hint_writer: HintWriter | None = None


def register(*, text_judge: TextJudge, hint_writer: HintWriter) -> None:
    global _text_judge, _hint_writer
    _text_judge, _hint_writer = text_judge, hint_writer


def has_text_judge() -> bool:
    return _text_judge is not None


def judge_text_answer(
    *, problem: Problem, answer: str, student: Student, session_id: int
) -> bool | None:
    if _text_judge is None:
        return None
    return _text_judge(problem=problem, answer=answer, student=student, session_id=session_id)


def has_hint_writer() -> bool:
    return _hint_writer is not None


def request_hints(*, problem_id: int, student: Student, session_id: int) -> None:
    if _hint_writer is not None:
        _hint_writer(problem_id=problem_id, student=student, session_id=session_id)
