"""Judging answers: the checker first, the AI judge for a text answer it rejects, then the
response, ratings, mastery and, on the fifth answer, the streak."""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.content.cache import FeedbackContent, ProblemContent
from apps.content.checker import (
    AnswerKey,
    AnswerType,
    CheckResult,
    Verdict,
    answer_form,
    check_answer,
)
from apps.content.models import Problem
from apps.core import sql
from apps.core.errors import Conflict
from apps.practice import extensions
from apps.practice import mastery as mastery_rules
from apps.practice.clock import local_date
from apps.practice.models import PracticeSession, TopicMastery
from apps.practice.rating import rate_answer
from apps.practice.selection import PROBLEMS_PER_SESSION
from apps.practice.selectors import SessionItem, SessionState, session_state
from apps.practice.services.common import (
    ensure_open,
    item_of,
    not_found,
    run_with_usable_keys,
    session_unchanged,
    usable_key,
)
from apps.practice.services.streaks import streak_reaches_milestone, streak_record_practice
from apps.students.models import Student

Status = PracticeSession.Status


def normalised_answer(text: str) -> str:
    """How two submissions are compared for 'the same answer' (retries)."""
    return " ".join(unicodedata.normalize("NFC", text).split())


@dataclass(frozen=True)
class AnswerOutcome:
    session: SessionState
    problem: ProblemContent
    key: AnswerKey
    check: CheckResult
    final: bool
    answered: int  # final answers in the session so far
    student_answer: str = ""
    feedback: FeedbackContent | None = None  # authored for this wrong answer, if any


@dataclass(frozen=True)
class _NeedsJudging:
    """The checker rejected a text answer and an AI judge is available: ask it, then retry."""

    problem_id: int


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

    def attempt(judged: bool | None) -> AnswerOutcome | _NeedsJudging | None:
        return run_with_usable_keys(
            lambda wait, optimistic: _answer(
                student,
                session_id,
                problem_id,
                answer,
                time_spent_seconds,
                confidence,
                at,
                judged,
                wait=wait,
                optimistic=optimistic,
            )
        )

    outcome = attempt(None)
    if isinstance(outcome, _NeedsJudging):
        verdict = extensions.judge_text_answer(
            problem=Problem.objects.get(pk=outcome.problem_id),
            answer=answer,
            student=student,
            session_id=session_id,
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
    *,
    wait: bool,
    optimistic: bool = False,
) -> AnswerOutcome | _NeedsJudging | None:
    """One statement locks and reads the session with the problem, its answer, hints seen and
    the mastery row of its topic, the student's streak and the session's answers so far; one
    more writes the response, both ratings, the mastery row, the streak (when the answer
    completes the session) and the session (`sql.execute_together`).

    `optimistic`: the read takes no lock and the write happens only if the session row is
    still the version read (`sql.execute_guarded`); None if it is not, and for an answer whose
    session completion reaches a streak milestone (recorded once per student, under the lock),
    so that `run_with_usable_keys` runs the locked path. Every refusal holds whichever way the
    session was read: answers and expiry only move one way."""
    session = session_state(
        student=student,
        session_id=session_id,
        lock=not optimistic,
        wait=wait,
        for_answer=True,
        problem_id=problem_id,
    )
    if session is None:
        raise not_found()
    item = item_of(session, problem_id)
    answered = session.answered
    if item.result is not None:
        if normalised_answer(item.student_answer or "") != normalised_answer(answer):
            raise Conflict(_("You have already answered this problem."), code="already_answered")
        verdict = Verdict.CORRECT if item.result else Verdict.INCORRECT
        return AnswerOutcome(
            session,
            item.problem,
            item.key,
            CheckResult(verdict),
            True,
            answered,
            item.student_answer or "",
            item.problem.feedback_by_id(item.feedback_id) if item.feedback_id else None,
        )
    ensure_open(session.session, now)

    key = usable_key(item)
    check = check_answer(key, answer)
    if check.verdict is Verdict.INCORRECT and key.answer_type == AnswerType.TEXT:
        if judged is None and extensions.has_text_judge():
            return _NeedsJudging(problem_id)
        if judged:
            check = CheckResult(Verdict.CORRECT)
    if check.verdict in (Verdict.UNPARSEABLE, Verdict.NOT_SIMPLIFIED):
        return AnswerOutcome(session, item.problem, key, check, False, answered, answer)

    today = local_date(student, now)
    completes = answered + 1 == PROBLEMS_PER_SESSION
    if optimistic and completes and streak_reaches_milestone(session.streak, today):
        return None  # recorded once per student: under the lock
    is_correct = check.verdict is Verdict.CORRECT
    feedback = None
    if not is_correct and item.problem.feedback:  # from the cached content: no query
        feedback = item.problem.feedback_for(answer_form(key, answer))
    writes: list[sql.Statement] = [
        (
            "INSERT INTO responses (session_id, problem_id, problem_version, student_answer, "
            "is_correct, time_spent_seconds, hints_used, confidence, language, evaluated_at, "
            "feedback_id) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
            [
                session.pk,
                problem_id,
                item.problem.version,
                answer,
                is_correct,
                time_spent_seconds,
                item.hints_used,
                confidence,
                student.language,
                now,
                feedback.id if feedback is not None else None,
            ],
        )
    ]
    item.result, item.student_answer = is_correct, answer
    item.feedback_id = feedback.id if feedback is not None else None
    answered += 1
    record = session.session
    record.problems_correct += int(is_correct)
    record.total_time_seconds += time_spent_seconds
    record.updated_at = now
    rated = None
    if not student.is_demo:  # the content team trying problems says nothing about them
        rated = _rate(student, item, is_correct)
        writes += rated.writes
    writes.append(_record_mastery(student, item, is_correct, today, now))
    fields = ["problems_correct", "total_time_seconds", "updated_at"]
    if completes:
        record.status = Status.COMPLETED
        record.completed_at = now
        change, streak_writes = streak_record_practice(
            student=student, streak=session.streak, today=today, now=now
        )
        writes += streak_writes
        record.streak_after = change.state.current
        record.freeze_used = change.freeze_used
        record.milestone_reached = change.milestone
        fields += ["status", "completed_at", "streak_after", "freeze_used", "milestone_reached"]
    update = sql.update_statement(record, fields)
    if not sql.combines_writes():
        sql.execute_together([*writes, update])
    elif not sql.execute_guarded(session_unchanged(session, update), writes):
        return None  # only without the lock: under it the row is the version read
    if rated is not None:  # the request's student, as the writes left them
        student.ability += rated.ability_delta
        student.rated_answers += 1
    return AnswerOutcome(session, item.problem, key, check, True, answered, answer, feedback)


@dataclass(frozen=True)
class _Rated:
    ability_delta: float
    writes: list[sql.Statement]


def _rate(student: Student, item: SessionItem, is_correct: bool) -> _Rated:
    update = rate_answer(
        ability=student.ability,
        student_answers=student.rated_answers,
        rating=item.rating,
        problem_answers=item.rated_answers,
        is_correct=is_correct,
        hints_used=item.hints_used,
    )
    # Relative updates: other students may be rating the same problem at the same moment.
    return _Rated(
        update.ability_delta,
        [
            (
                "UPDATE students SET ability = ability + %s, rated_answers = rated_answers + 1 "
                "WHERE id = %s",
                [update.ability_delta, student.pk],
            ),
            (
                "UPDATE problems SET rating = rating + %s, rated_answers = rated_answers + 1 "
                "WHERE id = %s",
                [update.rating_delta, item.problem_id],
            ),
        ],
    )


def _record_mastery(
    student: Student, item: SessionItem, is_correct: bool, today: dt.date, now: dt.datetime
) -> sql.Statement:
    """One write: the row came with the session. A student's answers are serialised by their
    session's row (one open session per student: its lock, or the guard on its version), so
    nothing else writes this row meanwhile; the unique constraint stands behind that."""
    row = item.mastery
    state = mastery_rules.record_answer(
        row.as_state() if row is not None else mastery_rules.MasteryState(),
        mastery_rules.outcome(is_correct, item.hints_used),
        today,
        mastery_rules.ReviewPolicy(
            retention=settings.PRACTICE_DESIRED_RETENTION,
            max_days=settings.PRACTICE_MAX_REVIEW_DAYS,
        ),
    )
    if row is None:
        row = TopicMastery(student=student, topic_id=item.problem.topic_id)
        row.apply_state(state)
        row.created_at = row.updated_at = now
        return sql.insert_statement(row)
    row.apply_state(state)
    row.updated_at = now
    return sql.update_statement(row, [*TopicMastery.STATE_FIELDS, "updated_at"])
