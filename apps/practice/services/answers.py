"""Judging answers: the checker first, the AI judge for a text answer it rejects, then the
response, ratings, mastery and, on the fifth answer, the streak."""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass

from django.conf import settings
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.content.checker import AnswerType, CheckResult, Verdict, check_answer
from apps.content.models import Problem
from apps.core.errors import Conflict
from apps.practice import extensions
from apps.practice import mastery as mastery_rules
from apps.practice.models import HintView, PracticeSession, Response, TopicMastery
from apps.practice.rating import rate_answer
from apps.practice.selection import PROBLEMS_PER_SESSION
from apps.practice.services.clock import local_date
from apps.practice.services.common import (
    ensure_open,
    locked_session,
    run_with_usable_keys,
    session_problem,
    usable_key,
)
from apps.practice.services.streaks import streak_record_practice
from apps.students.models import Student

Status = PracticeSession.Status


def normalised_answer(text: str) -> str:
    """How two submissions are compared for 'the same answer' (retries)."""
    return " ".join(unicodedata.normalize("NFC", text).split())


@dataclass(frozen=True)
class AnswerOutcome:
    session: PracticeSession
    problem: Problem
    check: CheckResult
    final: bool
    answered: int  # final answers in the session so far
    student_answer: str = ""


@dataclass(frozen=True)
class _NeedsJudging:
    """The checker rejected a text answer and an AI judge is available: ask it, then retry."""

    problem: Problem


def session_answer(
    *,
    student: Student,
    session_id: int,
    problem_id: int,
    answer: str,
    time_spent_seconds: int,
    confidence: str,
    now: dt.datetime | None = None,
) -> AnswerOutcome:
    """Judge an answer. Right or wrong is final (one per problem); unparseable and
    not-simplified answers are not attempts and write nothing. An identical retry of a final
    answer gets the stored result; a different one is refused with 409 already_answered.

    A text answer the checker rejects may be judged by the AI. That call is made between two
    transactions, never while the session row is locked."""
    at = now or timezone.now()

    def attempt(judged: bool | None) -> AnswerOutcome | _NeedsJudging:
        return run_with_usable_keys(
            lambda: _answer(
                student, session_id, problem_id, answer, time_spent_seconds, confidence, at, judged
            )
        )

    outcome = attempt(None)
    if isinstance(outcome, _NeedsJudging):
        verdict = extensions.judge_text_answer(
            problem=outcome.problem, answer=answer, student=student, session_id=session_id
        )
        outcome = attempt(bool(verdict))
    assert isinstance(outcome, AnswerOutcome)  # noqa: S101 - a judged retry never asks again
    return outcome


def _answer(
    student: Student,
    session_id: int,
    problem_id: int,
    answer: str,
    time_spent_seconds: int,
    confidence: str,
    now: dt.datetime,
    judged: bool | None,
) -> AnswerOutcome | _NeedsJudging:
    session = locked_session(student, session_id)
    problem = session_problem(session.pk, problem_id)
    responses = list(
        Response.objects.filter(session=session).only("problem_id", "is_correct", "student_answer")
    )
    answered = len(responses)
    previous = next((r for r in responses if r.problem_id == problem.pk), None)
    if previous is not None:
        if normalised_answer(previous.student_answer) != normalised_answer(answer):
            raise Conflict(_("You have already answered this problem."), code="already_answered")
        verdict = Verdict.CORRECT if previous.is_correct else Verdict.INCORRECT
        return AnswerOutcome(
            session, problem, CheckResult(verdict), True, answered, previous.student_answer
        )
    ensure_open(session, now)

    check = check_answer(usable_key(problem), answer)
    if check.verdict is Verdict.INCORRECT and problem.answer_type == AnswerType.TEXT:
        if judged is None and extensions.has_text_judge():
            return _NeedsJudging(problem)
        if judged:
            check = CheckResult(Verdict.CORRECT)
    if check.verdict in (Verdict.UNPARSEABLE, Verdict.NOT_SIMPLIFIED):
        return AnswerOutcome(session, problem, check, False, answered, answer)

    is_correct = check.verdict is Verdict.CORRECT
    hints_used = HintView.objects.filter(session=session, problem=problem).count()
    Response.objects.create(
        session=session,
        problem=problem,
        problem_version=problem.version,
        student_answer=answer,
        is_correct=is_correct,
        time_spent_seconds=time_spent_seconds,
        hints_used=hints_used,
        confidence=confidence,
        evaluated_at=now,
    )
    answered += 1
    session.problems_correct += int(is_correct)
    session.total_time_seconds += time_spent_seconds
    _rate(student, problem, is_correct, hints_used)
    today = local_date(student, now)
    _record_mastery(student, problem, is_correct, hints_used, today)
    fields = ["problems_correct", "total_time_seconds", "updated_at"]
    if answered == PROBLEMS_PER_SESSION:
        session.status = Status.COMPLETED
        session.completed_at = now
        change = streak_record_practice(student=student, today=today)
        session.streak_after = change.state.current
        session.freeze_used = change.freeze_used
        session.milestone_reached = change.milestone
        fields += ["status", "completed_at", "streak_after", "freeze_used", "milestone_reached"]
    session.save(update_fields=fields)
    return AnswerOutcome(session, problem, check, True, answered, answer)


def _rate(student: Student, problem: Problem, is_correct: bool, hints_used: int) -> None:
    update = rate_answer(
        ability=student.ability,
        student_answers=student.rated_answers,
        rating=problem.rating,
        problem_answers=problem.rated_answers,
        is_correct=is_correct,
        hints_used=hints_used,
    )
    # F() expressions: other students may be rating the same problem at the same moment.
    Student.objects.filter(pk=student.pk).update(
        ability=F("ability") + update.ability_delta, rated_answers=F("rated_answers") + 1
    )
    Problem.objects.filter(pk=problem.pk).update(
        rating=F("rating") + update.rating_delta, rated_answers=F("rated_answers") + 1
    )
    student.ability += update.ability_delta
    student.rated_answers += 1


def _record_mastery(
    student: Student, problem: Problem, is_correct: bool, hints_used: int, today: dt.date
) -> None:
    """One read and one write. A student's answers are serialised by their session's row lock
    (one open session per student), so nothing else writes this row meanwhile; the unique
    constraint stands behind that."""
    row = TopicMastery.objects.filter(student=student, topic_id=problem.topic_id).first()
    state = mastery_rules.record_answer(
        row.as_state() if row is not None else mastery_rules.MasteryState(),
        mastery_rules.outcome(is_correct, hints_used),
        today,
        mastery_rules.ReviewPolicy(
            retention=settings.PRACTICE_DESIRED_RETENTION,
            max_days=settings.PRACTICE_MAX_REVIEW_DAYS,
        ),
    )
    if row is None:
        row = TopicMastery(student=student, topic_id=problem.topic_id)
        row.apply_state(state)
        row.save(force_insert=True)
        return
    row.apply_state(state)
    row.save(update_fields=[*TopicMastery.STATE_FIELDS, "updated_at"])
