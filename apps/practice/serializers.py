"""Request and response shapes of the practice API (also its OpenAPI contract).

Output is built from plain data by the `present_*` functions, in the student's language;
the serializers describe and render it. Fields the server decides are output-only.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from rest_framework import serializers

from apps.content.checker import display_answer
from apps.content.models import Problem
from apps.content.selectors import answer_key_for
from apps.core.api import NO_NUL
from apps.core.messages import message
from apps.practice import mastery as mastery_rules
from apps.practice import streaks as streak_rules
from apps.practice.models import PROBLEMS_PER_SESSION, PracticeSession, Response, Streak
from apps.practice.services import AnswerOutcome, HintShown

RESULTS = ["correct", "incorrect", "not_simplified", "unparseable"]
BENGALI_LETTERS = {"A": "ক", "B": "খ", "C": "গ", "D": "ঘ"}


def _text(obj: Any, field: str, language: str) -> str:
    """A bilingual field in the student's language, falling back to the other one."""
    other = "en" if language == "bn" else "bn"
    return getattr(obj, f"{field}_{language}", "") or getattr(obj, f"{field}_{other}", "")


# --- input ---------------------------------------------------------------------------------


MAX_ID = 2**63 - 1


class AnswerIn(serializers.Serializer):
    problem_id = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    # Not trimmed here: an answer of only spaces is judged "unparseable" (try again), like any
    # other unreadable answer, rather than refused as invalid input.
    answer = serializers.CharField(max_length=500, trim_whitespace=False, validators=[NO_NUL])
    time_spent_seconds = serializers.IntegerField(min_value=0, max_value=24 * 3600, default=0)
    confidence = serializers.ChoiceField(
        choices=Response.Confidence.choices, default=Response.Confidence.MEDIUM
    )


class HintIn(serializers.Serializer):
    problem_id = serializers.IntegerField(min_value=1, max_value=MAX_ID)


# --- output --------------------------------------------------------------------------------


class OptionOut(serializers.Serializer):
    # A field called "label" shadows Field.label in the stubs; DRF removes it from the class.
    label = serializers.CharField(  # type: ignore[assignment]
        help_text="A-D; students may also type ক-ঘ, 1-4 or the text"
    )
    local_label = serializers.CharField(help_text="The label as shown in the student's language")
    text = serializers.CharField()


class SessionProblemOut(serializers.Serializer):
    problem_id = serializers.IntegerField()
    position = serializers.IntegerField(min_value=1, max_value=PROBLEMS_PER_SESSION)
    question = serializers.CharField(help_text="In the student's language")
    answer_type = serializers.ChoiceField(choices=Problem.AnswerType.choices)
    options = OptionOut(many=True, help_text="Multiple choice only; empty otherwise")
    estimated_time_minutes = serializers.IntegerField()
    hints_available = serializers.IntegerField()
    hints_used = serializers.IntegerField()
    status = serializers.ChoiceField(choices=["unanswered", "correct", "incorrect"])


class ProgressOut(serializers.Serializer):
    answered = serializers.IntegerField()
    correct = serializers.IntegerField()
    total = serializers.IntegerField()


class SessionSummaryOut(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=PracticeSession.Status.choices)
    started_at = serializers.DateTimeField()
    expires_at = serializers.DateTimeField()
    completed_at = serializers.DateTimeField(allow_null=True)
    problems_correct = serializers.IntegerField()
    total_time_seconds = serializers.IntegerField()
    answered = serializers.IntegerField()


class SessionPageOut(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = SessionSummaryOut(many=True)


class SessionOut(SessionSummaryOut):
    progress = ProgressOut()
    problems = SessionProblemOut(many=True)


class CompletionOut(serializers.Serializer):
    problems_correct = serializers.IntegerField()
    total = serializers.IntegerField()
    total_time_seconds = serializers.IntegerField()
    current_streak = serializers.IntegerField()
    milestone_reached = serializers.IntegerField(
        allow_null=True, help_text="7, 14, 30, 60, 90, 180 or 365 when just reached"
    )
    freeze_used = serializers.BooleanField(help_text="A streak freeze covered a missed day")


class AnswerOut(serializers.Serializer):
    result = serializers.ChoiceField(choices=RESULTS)
    message = serializers.CharField(help_text="For the student, in their language")
    final = serializers.BooleanField(
        help_text="False for unparseable / not_simplified: the problem can be answered again"
    )
    problem_id = serializers.IntegerField()
    correct_answer = serializers.CharField(allow_null=True, help_text="Once final")
    explanation = serializers.CharField(allow_null=True, help_text="Once final")
    session_status = serializers.ChoiceField(choices=PracticeSession.Status.choices)
    progress = ProgressOut()
    summary = CompletionOut(allow_null=True, help_text="When this answer completed the session")


class HintOut(serializers.Serializer):
    problem_id = serializers.IntegerField()
    level = serializers.IntegerField(min_value=1, max_value=3)
    text = serializers.CharField()
    hints_remaining = serializers.IntegerField()


class StreakOut(serializers.Serializer):
    current_streak = serializers.IntegerField()
    longest_streak = serializers.IntegerField()
    freezes = serializers.IntegerField(help_text="Streak freezes held (0-2)")
    milestones_achieved = serializers.ListField(child=serializers.IntegerField())
    next_milestone = serializers.IntegerField(allow_null=True)
    last_practice_date = serializers.DateField(allow_null=True)
    practiced_today = serializers.BooleanField()


class TopicProgressOut(serializers.Serializer):
    topic_id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    level = serializers.ChoiceField(
        choices=["not_started", "developing", "consolidating", "secure"]
    )
    attempts = serializers.IntegerField()
    correct = serializers.IntegerField()
    accuracy = serializers.FloatField(allow_null=True)
    next_review_date = serializers.DateField(allow_null=True)


# --- presenters ----------------------------------------------------------------------------


def present_summary(session: PracticeSession, answered: int) -> dict[str, Any]:
    return {
        "id": session.pk,
        "status": session.status,
        "started_at": session.started_at,
        "expires_at": session.expires_at,
        "completed_at": session.completed_at,
        "problems_correct": session.problems_correct,
        "total_time_seconds": session.total_time_seconds,
        "answered": answered,
    }


def present_session(session: PracticeSession, language: str) -> dict[str, Any]:
    """Expects `selectors.session_detail` prefetches."""
    results = {r.problem_id: r.is_correct for r in session.responses.all()}
    views: dict[int, int] = {}
    for view in session.hint_views.all():
        views[view.problem_id] = views.get(view.problem_id, 0) + 1
    problems = []
    for item in session.session_problems.all():
        problem = item.problem
        options = [
            {
                "label": o.label,
                "local_label": BENGALI_LETTERS[o.label] if language == "bn" else o.label,
                "text": _text(o, "text", language),
            }
            for o in problem.options.all()
        ]
        result = results.get(problem.pk)
        problems.append(
            {
                "problem_id": problem.pk,
                "position": item.position,
                "question": _text(problem, "question", language),
                "answer_type": problem.answer_type,
                "options": options,
                "estimated_time_minutes": problem.estimated_time_minutes,
                "hints_available": item.hints_available,  # type: ignore[attr-defined]
                "hints_used": views.get(problem.pk, 0),
                "status": "unanswered"
                if result is None
                else ("correct" if result else "incorrect"),
            }
        )
    data = present_summary(session, len(results))
    data["progress"] = {
        "answered": len(results),
        "correct": session.problems_correct,
        "total": PROBLEMS_PER_SESSION,
    }
    data["problems"] = problems
    return data


def present_answer(outcome: AnswerOutcome, language: str) -> dict[str, Any]:
    session, problem, check = outcome.session, outcome.problem, outcome.check
    final = outcome.final
    completed = session.status == PracticeSession.Status.COMPLETED
    return {
        "result": check.verdict.value,
        "message": check.message or message(check.verdict.value, language),
        "final": final,
        "problem_id": problem.pk,
        "correct_answer": display_answer(answer_key_for(problem), language) if final else None,
        "explanation": (_text(problem, "explanation", language) or None) if final else None,
        "session_status": session.status,
        "progress": {
            "answered": outcome.answered,
            "correct": session.problems_correct,
            "total": PROBLEMS_PER_SESSION,
        },
        "summary": (
            {
                "problems_correct": session.problems_correct,
                "total": PROBLEMS_PER_SESSION,
                "total_time_seconds": session.total_time_seconds,
                "current_streak": session.streak_after or 0,
                "milestone_reached": session.milestone_reached,
                "freeze_used": session.freeze_used,
            }
            if completed
            else None
        ),
    }


def present_hint(shown: HintShown, language: str) -> dict[str, Any]:
    return {
        "problem_id": shown.problem.pk,
        "level": shown.level,
        "text": _text(shown.hint, "text", language),
        "hints_remaining": shown.remaining,
    }


def present_streak(streak: Streak, milestones: list[int], today: dt.date) -> dict[str, Any]:
    state = streak_rules.StreakState(
        current=streak.current_streak,
        longest=streak.longest_streak,
        last_date=streak.last_practice_date,
        freezes=streak.freezes,
    )
    current = streak_rules.current_streak(state, today)
    return {
        "current_streak": current,
        "longest_streak": streak.longest_streak,
        "freezes": streak.freezes,
        "milestones_achieved": milestones,
        "next_milestone": streak_rules.next_milestone(current),
        "last_practice_date": streak.last_practice_date,
        "practiced_today": streak.last_practice_date == today,
    }


def present_progress(rows: list[Any], language: str) -> list[dict[str, Any]]:
    out = []
    for topic, row in rows:
        state = mastery_rules.MasteryState(
            attempts=row.attempts if row else 0, correct=row.correct if row else 0
        )
        out.append(
            {
                "topic_id": topic.pk,
                "code": topic.code,
                "name": _text(topic, "name", language),
                "level": row.level if row else mastery_rules.NOT_STARTED,
                "attempts": state.attempts,
                "correct": state.correct,
                "accuracy": mastery_rules.accuracy(state),
                "next_review_date": row.next_review_date if row else None,
            }
        )
    return out
