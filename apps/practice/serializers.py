"""Request and response shapes of the practice API (also its OpenAPI contract).

One serializer per shape, reading the objects the services and selectors return; the student's
language and the request time come in the serializer context (`context_for`). Fields the server
decides are output-only.

The output serializers of the student's hot paths also write their representation by hand
(`to_representation`): DRF's generic one copies and walks every declared field for every
response, which cost more than the queries behind it. The declared fields stay the contract
(OpenAPI), and tests/practice/test_serializers.py holds each hand-written representation equal
to DRF's generic one for the same object.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apps.content.checker import BENGALI_LETTERS, LATIN_LETTERS, display_answer
from apps.content.models import Problem
from apps.core.api import NO_NUL, LocalizedText, StrictCharField
from apps.practice import mastery as mastery_rules
from apps.practice import streaks as streak_rules
from apps.practice.models import PracticeSession, Response
from apps.practice.selection import PROBLEMS_PER_SESSION
from apps.practice.services import AnswerOutcome
from apps.students.models import Student

RESULTS = ["correct", "incorrect", "not_simplified", "unparseable"]
MAX_ID = 2**63 - 1
_DATE = serializers.DateField()


def _datetime(value: dt.datetime | None) -> str | None:
    """As DRF's DateTimeField writes an aware datetime (ISO 8601 in the current time zone,
    "Z" for UTC), without its per-call lookups."""
    if value is None:
        return None
    text = value.astimezone(timezone.get_current_timezone()).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def _date(value: dt.date | None) -> str | None:
    return None if value is None else _DATE.to_representation(value)


def _local_label(label: str, language: str) -> str:
    return BENGALI_LETTERS[LATIN_LETTERS.index(label)] if language == "bn" else label


def context_for(student: Student, **extra: Any) -> dict[str, Any]:
    return {"language": student.language, "now": timezone.now(), **extra}


# --- input ---------------------------------------------------------------------------------


class _QuickInput(serializers.Serializer):
    """An input serializer of the hot paths: the usual request, a JSON object whose values are
    already what the fields would make of them, is taken as it is (`quick`); anything else goes
    through DRF's generic validation, which writes the errors. DRF deep-copies and binds every
    declared field for each instance, which cost more than the rest of validating an answer.
    tests/practice/test_serializers.py holds `quick` to DRF's result wherever it gives one."""

    def quick(self, data: dict[str, Any]) -> dict[str, Any] | None:
        raise NotImplementedError

    def run_validation(self, data: Any = serializers.empty) -> Any:
        if type(data) is dict:
            taken = self.quick(data)
            if taken is not None:
                return taken
        return super().run_validation(data)


def _plain_id(value: Any) -> bool:
    return type(value) is int and 1 <= value <= MAX_ID


# NUL (the NO_NUL validator) and lone surrogates (every DRF CharField refuses them).
_NOT_PLAIN_TEXT = re.compile("[\u0000\ud800-\udfff]")
_CONFIDENCES = frozenset(Response.Confidence.values)
MAX_ANSWER_LENGTH = 500
MAX_TIME_SPENT = 24 * 3600


class AnswerIn(_QuickInput):
    problem_id = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    # Not trimmed here: an answer of only spaces is judged "unparseable" (try again), like any
    # other unreadable answer, rather than refused as invalid input.
    answer = StrictCharField(
        max_length=MAX_ANSWER_LENGTH, trim_whitespace=False, validators=[NO_NUL]
    )
    time_spent_seconds = serializers.IntegerField(min_value=0, max_value=MAX_TIME_SPENT, default=0)
    confidence = serializers.ChoiceField(
        choices=Response.Confidence.choices, default=Response.Confidence.MEDIUM
    )

    def quick(self, data: dict[str, Any]) -> dict[str, Any] | None:
        problem_id, answer = data.get("problem_id"), data.get("answer")
        spent = data.get("time_spent_seconds", 0)
        confidence = data.get("confidence", Response.Confidence.MEDIUM.value)
        if (
            _plain_id(problem_id)
            and type(answer) is str
            and 0 < len(answer) <= MAX_ANSWER_LENGTH
            and not _NOT_PLAIN_TEXT.search(answer)
            and type(spent) is int
            and 0 <= spent <= MAX_TIME_SPENT
            and type(confidence) is str
            and confidence in _CONFIDENCES
        ):
            return {
                "problem_id": problem_id,
                "answer": answer,
                "time_spent_seconds": spent,
                "confidence": confidence,
            }
        return None


class HintIn(_QuickInput):
    problem_id = serializers.IntegerField(min_value=1, max_value=MAX_ID)

    def quick(self, data: dict[str, Any]) -> dict[str, Any] | None:
        problem_id = data.get("problem_id")
        return {"problem_id": problem_id} if _plain_id(problem_id) else None


# --- output --------------------------------------------------------------------------------


class OptionOut(serializers.Serializer):
    # A field called "label" shadows Field.label in the stubs; DRF removes it from the class.
    label = serializers.CharField(  # type: ignore[assignment]
        help_text="A-D; students may also type ক-ঘ, 1-4 or the text"
    )
    local_label = serializers.SerializerMethodField(
        help_text="The label as shown in the student's language"
    )
    text = LocalizedText("text")

    def get_local_label(self, option: Any) -> str:
        return _local_label(str(option.label), self.context.get("language", "en"))

    @staticmethod
    def represent(option: Any, language: str) -> dict[str, Any]:
        return {
            "label": option.label,
            "local_label": _local_label(option.label, language),
            "text": LocalizedText.pick(option, "text", language),
        }

    def to_representation(self, option: Any) -> dict[str, Any]:
        return self.represent(option, self.context.get("language", "en"))


class SeenHintOut(serializers.Serializer):
    """A hint the student has already seen (a `HintContent`)."""

    level = serializers.IntegerField(min_value=1, max_value=3)
    text = LocalizedText("text")

    @staticmethod
    def represent(hint: Any, language: str) -> dict[str, Any]:
        return {"level": hint.level, "text": LocalizedText.pick(hint, "text", language)}

    def to_representation(self, hint: Any) -> dict[str, Any]:
        return self.represent(hint, self.context.get("language", "en"))


class SessionProblemOut(serializers.Serializer):
    """A `selectors.SessionItem`."""

    problem_id = serializers.IntegerField()
    position = serializers.IntegerField(min_value=1, max_value=PROBLEMS_PER_SESSION)
    question = LocalizedText("question", source="problem")
    answer_type = serializers.ChoiceField(
        choices=Problem.AnswerType.choices, source="problem.answer_type"
    )
    options = OptionOut(
        many=True, source="problem.options", help_text="Multiple choice only; empty otherwise"
    )
    estimated_time_minutes = serializers.IntegerField(source="problem.estimated_time_minutes")
    hints_available = serializers.IntegerField()
    hints_used = serializers.IntegerField()
    hints_seen = SeenHintOut(
        many=True,
        source="seen_hints",
        help_text="The hints already shown for this problem (levels 1 to hints_used), in the "
        "student's language: a client resuming the session shows them again without asking "
        "for them (asking would serve the next level)",
    )
    status = serializers.SerializerMethodField()

    @extend_schema_field(serializers.ChoiceField(choices=["unanswered", "correct", "incorrect"]))
    def get_status(self, item: Any) -> str:
        return self.status_of(item)

    @staticmethod
    def status_of(item: Any) -> str:
        if item.result is None:
            return "unanswered"
        return "correct" if item.result else "incorrect"

    @classmethod
    def represent(cls, item: Any, language: str) -> dict[str, Any]:
        problem = item.problem
        return {
            "problem_id": item.problem_id,
            "position": item.position,
            "question": LocalizedText.pick(problem, "question", language),
            "answer_type": problem.answer_type,
            "options": [OptionOut.represent(o, language) for o in problem.options],
            "estimated_time_minutes": problem.estimated_time_minutes,
            "hints_available": item.hints_available,
            "hints_used": item.hints_used,
            "hints_seen": [SeenHintOut.represent(h, language) for h in item.seen_hints],
            "status": cls.status_of(item),
        }

    def to_representation(self, item: Any) -> dict[str, Any]:
        return self.represent(item, self.context.get("language", "en"))


class ProgressOut(serializers.Serializer):
    answered = serializers.IntegerField()
    correct = serializers.IntegerField()
    total = serializers.IntegerField()


class SessionSummaryOut(serializers.Serializer):
    """A `PracticeSession` annotated with `answered` (`selectors.SessionHistory`)."""

    id = serializers.IntegerField()
    status = serializers.SerializerMethodField()
    started_at = serializers.DateTimeField()
    expires_at = serializers.DateTimeField()
    completed_at = serializers.DateTimeField(allow_null=True)
    problems_correct = serializers.IntegerField()
    total_time_seconds = serializers.IntegerField()
    answered = serializers.IntegerField()

    @extend_schema_field(serializers.ChoiceField(choices=PracticeSession.Status.choices))
    def get_status(self, session: PracticeSession) -> str:
        return session.status_at(self.context["now"])

    def to_representation(self, session: Any) -> dict[str, Any]:
        return {
            "id": session.pk,
            "status": session.status_at(self.context["now"]),
            "started_at": _datetime(session.started_at),
            "expires_at": _datetime(session.expires_at),
            "completed_at": _datetime(session.completed_at),
            "problems_correct": session.problems_correct,
            "total_time_seconds": session.total_time_seconds,
            "answered": session.answered,
        }


class SessionPageOut(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = SessionSummaryOut(many=True)


class SessionOut(SessionSummaryOut):
    """A `selectors.SessionState`."""

    progress = serializers.SerializerMethodField()
    problems = SessionProblemOut(many=True, source="items")

    @extend_schema_field(ProgressOut)
    def get_progress(self, session: PracticeSession) -> dict[str, int]:
        return {
            "answered": session.answered,  # type: ignore[attr-defined]
            "correct": session.problems_correct,
            "total": PROBLEMS_PER_SESSION,
        }

    def to_representation(self, session: Any) -> dict[str, Any]:
        language = self.context.get("language", "en")
        return {
            **super().to_representation(session),
            "progress": self.get_progress(session),
            "problems": [SessionProblemOut.represent(item, language) for item in session.items],
        }


class CompletionOut(serializers.Serializer):
    """The summary a completing answer carries (read from its session)."""

    problems_correct = serializers.IntegerField()
    total = serializers.SerializerMethodField()
    total_time_seconds = serializers.IntegerField()
    current_streak = serializers.SerializerMethodField()
    milestone_reached = serializers.IntegerField(
        allow_null=True, help_text="7, 14, 30, 60, 90, 180 or 365 when just reached"
    )
    freeze_used = serializers.BooleanField(help_text="A streak freeze covered a missed day")

    def get_total(self, session: PracticeSession) -> int:
        return PROBLEMS_PER_SESSION

    def get_current_streak(self, session: PracticeSession) -> int:
        return session.streak_after or 0


class AnswerOut(serializers.Serializer):
    """An `AnswerOutcome`."""

    result = serializers.ChoiceField(choices=RESULTS, source="check.verdict.value")
    message = serializers.SerializerMethodField(help_text="For the student, in their language")
    feedback = serializers.SerializerMethodField(
        help_text="What the content team wrote for this particular wrong answer (e.g. the sum "
        "given instead of the product), in the student's language, to show after the result; "
        "null when there is none, and always for a right or not final answer. An identical "
        "retry gets it again"
    )
    final = serializers.BooleanField(
        help_text="False for unparseable / not_simplified: the problem can be answered again"
    )
    problem_id = serializers.IntegerField(source="problem.pk")
    correct_answer = serializers.SerializerMethodField(help_text="Once final")
    explanation = serializers.SerializerMethodField(help_text="Once final")
    session_status = serializers.ChoiceField(
        choices=PracticeSession.Status.choices, source="session.status"
    )
    progress = serializers.SerializerMethodField()
    summary = serializers.SerializerMethodField(help_text="When this answer completed the session")

    def get_message(self, outcome: AnswerOutcome) -> str:
        if outcome.check.note is not None:
            return outcome.check.note.render(_)
        return _("Correct! Well done.") if outcome.check.verdict == "correct" else _("Not quite.")

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_feedback(self, outcome: AnswerOutcome) -> str | None:
        if outcome.feedback is None:
            return None
        return LocalizedText.pick(outcome.feedback, "message", self.context["language"])

    def get_correct_answer(self, outcome: AnswerOutcome) -> str | None:
        if not outcome.final:
            return None
        return display_answer(outcome.key, self.context["language"])

    def get_explanation(self, outcome: AnswerOutcome) -> str | None:
        if not outcome.final:
            return None
        return LocalizedText.pick(outcome.problem, "explanation", self.context["language"]) or None

    @extend_schema_field(ProgressOut)
    def get_progress(self, outcome: AnswerOutcome) -> dict[str, int]:
        return {
            "answered": outcome.answered,
            "correct": outcome.session.problems_correct,
            "total": PROBLEMS_PER_SESSION,
        }

    @extend_schema_field(CompletionOut(allow_null=True))
    def get_summary(self, outcome: AnswerOutcome) -> dict[str, Any] | None:
        if outcome.session.status != PracticeSession.Status.COMPLETED:
            return None
        return dict(CompletionOut(outcome.session).data)

    def to_representation(self, outcome: AnswerOutcome) -> dict[str, Any]:
        return {
            "result": outcome.check.verdict.value,
            "message": self.get_message(outcome),
            "feedback": self.get_feedback(outcome),
            "final": outcome.final,
            "problem_id": outcome.problem.pk,
            "correct_answer": self.get_correct_answer(outcome),
            "explanation": self.get_explanation(outcome),
            "session_status": outcome.session.status,
            "progress": self.get_progress(outcome),
            "summary": self.get_summary(outcome),
        }


class HintOut(serializers.Serializer):
    """A `HintShown`."""

    problem_id = serializers.IntegerField(source="problem.pk")
    level = serializers.IntegerField(min_value=1, max_value=3)
    text = LocalizedText("text", source="hint")
    hints_remaining = serializers.IntegerField(source="remaining")

    def to_representation(self, shown: Any) -> dict[str, Any]:
        return {
            "problem_id": shown.problem.pk,
            "level": shown.level,
            "text": LocalizedText.pick(shown.hint, "text", self.context.get("language", "en")),
            "hints_remaining": shown.remaining,
        }


class StreakOut(serializers.Serializer):
    """A `Streak` (unsaved for a student who never completed a session); `today` and the
    milestones come in the context."""

    current_streak = serializers.SerializerMethodField()
    longest_streak = serializers.IntegerField()
    freezes = serializers.IntegerField(help_text="Streak freezes held (0-2)")
    milestones_achieved = serializers.SerializerMethodField()
    next_milestone = serializers.SerializerMethodField()
    last_practice_date = serializers.DateField(allow_null=True)
    practiced_today = serializers.SerializerMethodField()

    def _current(self, streak: Any) -> int:
        return streak_rules.current_streak(streak.as_state(), self.context["today"])

    def get_current_streak(self, streak: Any) -> int:
        return self._current(streak)

    @extend_schema_field(serializers.ListField(child=serializers.IntegerField()))
    def get_milestones_achieved(self, streak: Any) -> list[int]:
        return list(self.context["milestones"])

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_next_milestone(self, streak: Any) -> int | None:
        return streak_rules.next_milestone(self._current(streak))

    def get_practiced_today(self, streak: Any) -> bool:
        today: dt.date = self.context["today"]
        return bool(streak.last_practice_date == today)

    def to_representation(self, streak: Any) -> dict[str, Any]:
        current = self._current(streak)
        return {
            "current_streak": current,
            "longest_streak": streak.longest_streak,
            "freezes": streak.freezes,
            "milestones_achieved": list(self.context["milestones"]),
            "next_milestone": streak_rules.next_milestone(current),
            "last_practice_date": _date(streak.last_practice_date),
            "practiced_today": self.get_practiced_today(streak),
        }


class TopicProgressOut(serializers.Serializer):
    """A `(Topic, TopicMastery | None)` pair from `selectors.progress_for`."""

    topic_id = serializers.SerializerMethodField()
    code = serializers.SerializerMethodField()
    name = serializers.SerializerMethodField()
    level = serializers.SerializerMethodField()
    attempts = serializers.SerializerMethodField()
    correct = serializers.SerializerMethodField()
    accuracy = serializers.SerializerMethodField()
    next_review_date = serializers.SerializerMethodField()

    def get_topic_id(self, row: Any) -> int:
        return int(row[0].pk)

    def get_code(self, row: Any) -> str:
        return str(row[0].code)

    def get_name(self, row: Any) -> str:
        return LocalizedText.pick(row[0], "name", self.context["language"])

    @extend_schema_field(serializers.ChoiceField(choices=list(mastery_rules.LEVELS)))
    def get_level(self, row: Any) -> str:
        return row[1].level if row[1] else mastery_rules.NOT_STARTED

    def get_attempts(self, row: Any) -> int:
        return row[1].attempts if row[1] else 0

    def get_correct(self, row: Any) -> int:
        return row[1].correct if row[1] else 0

    @extend_schema_field(serializers.FloatField(allow_null=True))
    def get_accuracy(self, row: Any) -> float | None:
        return mastery_rules.accuracy(row[1].as_state()) if row[1] else None

    @extend_schema_field(serializers.DateField(allow_null=True))
    def get_next_review_date(self, row: Any) -> dt.date | None:
        return row[1].next_review_date if row[1] else None

    def to_representation(self, row: Any) -> dict[str, Any]:
        topic, mastery = row
        language = self.context.get("language", "en")
        return {
            "topic_id": topic.pk,
            "code": topic.code,
            "name": LocalizedText.pick(topic, "name", language),
            "level": mastery.level if mastery else mastery_rules.NOT_STARTED,
            "attempts": mastery.attempts if mastery else 0,
            "correct": mastery.correct if mastery else 0,
            "accuracy": mastery_rules.accuracy(mastery.as_state()) if mastery else None,
            "next_review_date": mastery.next_review_date if mastery else None,
        }


class MistakeOut(serializers.Serializer):
    """A `selectors.Mistake`: a wrong answer to review, in the student's language."""

    id = serializers.IntegerField(help_text="The answer's id")
    session_id = serializers.IntegerField()
    problem_id = serializers.IntegerField()
    answered_at = serializers.DateTimeField()
    question = LocalizedText("question", source="problem")
    answer_type = serializers.ChoiceField(
        choices=Problem.AnswerType.choices, source="problem.answer_type"
    )
    options = OptionOut(
        many=True, source="problem.options", help_text="Multiple choice only; empty otherwise"
    )
    student_answer = serializers.CharField(help_text="What the student answered, as typed")
    correct_answer = serializers.SerializerMethodField()
    explanation = serializers.SerializerMethodField()
    feedback = serializers.SerializerMethodField(
        help_text="The content team's feedback the student was shown for this answer, if any"
    )

    def get_correct_answer(self, mistake: Any) -> str:
        return display_answer(mistake.key, self.context["language"])

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_explanation(self, mistake: Any) -> str | None:
        return LocalizedText.pick(mistake.problem, "explanation", self.context["language"]) or None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_feedback(self, mistake: Any) -> str | None:
        if mistake.feedback is None:
            return None
        return LocalizedText.pick(mistake.feedback, "message", self.context["language"])


class MistakePageOut(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = MistakeOut(many=True)


CALENDAR_STATES = ["practised", "freeze", "none"]


class CalendarDayOut(serializers.Serializer):
    """A `(date, state)` pair from `selectors.practice_calendar`."""

    date = serializers.SerializerMethodField()
    state = serializers.SerializerMethodField(
        help_text="practised: a session completed that day; freeze: a missed day a streak "
        "freeze covered; none"
    )

    @extend_schema_field(serializers.DateField())
    def get_date(self, day: Any) -> str | None:
        return _date(day[0])

    @extend_schema_field(serializers.ChoiceField(choices=CALENDAR_STATES))
    def get_state(self, day: Any) -> str:
        return str(day[1])


class StreakCalendarOut(serializers.Serializer):
    """The student's last days (`context["today"]` and the days from `practice_calendar`)."""

    today = serializers.DateField(help_text="The student's date now, in their time zone")
    days = CalendarDayOut(many=True, help_text="Oldest first, ending today")
