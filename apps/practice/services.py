"""Writes for practice: sessions, answers, hints, streaks, ratings and mastery.

Concurrency: every write to a session happens inside a transaction that first locks the
session row (`select_for_update`), so a bot retrying a request, or two devices of the same
student, are served one after the other. Unique constraints back each rule (one open session
per student, one response per problem, one hint view per level), and a lost race is answered
from what the winner stored.
"""

from __future__ import annotations

import datetime as dt
import random
import unicodedata
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Max, QuerySet
from django.utils import timezone

from apps.billing import services as billing
from apps.billing.ai import ai_enabled
from apps.content.checker import CheckResult, Verdict, check_answer
from apps.content.models import Hint, Problem
from apps.content.selectors import answer_key_for
from apps.core.errors import Conflict, NotFound
from apps.practice import mastery as mastery_rules
from apps.practice import streaks as streak_rules
from apps.practice.models import (
    PROBLEMS_PER_SESSION,
    HintView,
    PracticeSession,
    Response,
    SessionProblem,
    Streak,
    StreakMilestone,
    TopicMastery,
)
from apps.practice.rating import rate_answer
from apps.practice.selection import Candidate, TopicStanding, choose_problems
from apps.students.models import Student

Status = PracticeSession.Status
T = TypeVar("T")


def local_date(student: Student, at: dt.datetime) -> dt.date:
    """The student's calendar date at `at` (their timezone; Asia/Dhaka if it is unknown)."""
    try:
        zone = zoneinfo.ZoneInfo(student.timezone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        zone = zoneinfo.ZoneInfo("Asia/Dhaka")
    return at.astimezone(zone).date()


def normalised_answer(text: str) -> str:
    """How two submissions are compared for 'the same answer' (retries)."""
    return " ".join(unicodedata.normalize("NFC", text).split())


# --- sessions ------------------------------------------------------------------------------


def sessions_expire(*, now: dt.datetime, student: Student | None = None) -> int:
    """Mark in-progress sessions past their 30 minutes as abandoned."""
    stale = PracticeSession.objects.filter(status=Status.IN_PROGRESS, expires_at__lte=now)
    if student is not None:
        stale = stale.filter(student=student)
    return stale.update(status=Status.ABANDONED, updated_at=now)


@dataclass(frozen=True)
class StartedSession:
    session: PracticeSession
    created: bool


def session_start(
    *, student: Student, now: dt.datetime | None = None, rng: random.Random | None = None
) -> StartedSession:
    """The student's open session, or a new one with five problems chosen for them."""
    if student.grade is None:
        raise Conflict("Choose a grade first.", code="registration_required")
    now = now or timezone.now()
    sessions_expire(now=now, student=student)
    existing = PracticeSession.objects.filter(student=student, status=Status.IN_PROGRESS).first()
    if existing is not None:
        return StartedSession(existing, created=False)

    problem_ids = _choose_for(student, now, rng or random.Random())  # noqa: S311 - not security
    if len(problem_ids) < PROBLEMS_PER_SESSION:
        raise Conflict("Not enough active problems for this grade.", code="no_problems_available")
    minutes = dt.timedelta(minutes=settings.PRACTICE_SESSION_MINUTES)
    try:
        with transaction.atomic():
            session = PracticeSession.objects.create(
                student=student, started_at=now, expires_at=now + minutes
            )
            SessionProblem.objects.bulk_create(
                SessionProblem(session=session, problem_id=pid, position=position)
                for position, pid in enumerate(problem_ids, start=1)
            )
    except IntegrityError:  # a concurrent start won (uq_sessions_one_in_progress_per_student)
        winner = PracticeSession.objects.get(student=student, status=Status.IN_PROGRESS)
        return StartedSession(winner, created=False)
    return StartedSession(session, created=True)


def _choose_for(student: Student, now: dt.datetime, rng: random.Random) -> list[int]:
    if student.grade is None:
        return []
    today = local_date(student, now)
    window = settings.PRACTICE_RECENT_DAYS
    last_seen = {
        row["problem_id"]: local_date(student, row["last"])
        for row in SessionProblem.objects.filter(
            session__student=student, session__started_at__gte=now - dt.timedelta(days=window)
        )
        .values("problem_id")
        .annotate(last=Max("session__started_at"))
    }
    candidates = [
        Candidate(problem_id=pid, topic_id=topic_id, rating=rating, last_seen=last_seen.get(pid))
        for pid, topic_id, rating in Problem.objects.filter(
            is_active=True, grade=student.grade
        ).values_list("id", "topic_id", "rating")
    ]
    topics = {
        m.topic_id: TopicStanding(
            level=m.level,
            accuracy=m.correct / m.attempts if m.attempts else None,
            next_review=m.next_review_date,
        )
        for m in TopicMastery.objects.filter(student=student)
    }
    return choose_problems(
        candidates,
        topics,
        ability=student.ability,
        today=today,
        recent_days=window,
        rng=rng,
        count=PROBLEMS_PER_SESSION,
        target=settings.PRACTICE_TARGET_SUCCESS,
    )


def _open_session_item(
    student: Student, session_id: int, problem_id: int
) -> QuerySet[SessionProblem]:
    """The problem's place in one of the student's open sessions (empty if it is not one)."""
    return SessionProblem.objects.filter(
        session_id=session_id,
        session__student=student,
        session__status=Status.IN_PROGRESS,
        problem_id=problem_id,
    )


def _atomic_retrying_a_lost_race(work: Callable[[], T]) -> T:
    """Run `work` in a transaction. If a concurrent request won a unique-constraint race (a
    response or hint view for the same problem), run it once more: it then sees the winner's
    row and answers from it (the stored result, or the next hint)."""
    try:
        with transaction.atomic():
            return work()
    except IntegrityError:
        with transaction.atomic():
            return work()


def _locked_session(student: Student, session_id: int) -> PracticeSession:
    session = (
        PracticeSession.objects.select_for_update().filter(pk=session_id, student=student).first()
    )
    if session is None:
        raise NotFound("No such session.", code="not_found")
    return session


def _ensure_open(session: PracticeSession, now: dt.datetime) -> None:
    if session.status == Status.ABANDONED or (
        session.status == Status.IN_PROGRESS and session.expires_at <= now
    ):
        raise Conflict("This session has expired.", code="session_expired")
    if session.status == Status.COMPLETED:
        raise Conflict("This session is finished.", code="session_closed")


def _session_problem(session: PracticeSession, problem_id: int) -> Problem:
    item = (
        SessionProblem.objects.select_related("problem")
        .prefetch_related("problem__options")
        .filter(session=session, problem_id=problem_id)
        .first()
    )
    if item is None:
        raise NotFound(
            "That problem is not part of this session.",
            code="problem_not_in_session",
            details={"fields": {"problem_id": ["not a problem of this session"]}},
        )
    return item.problem


# --- answers -------------------------------------------------------------------------------


@dataclass(frozen=True)
class AnswerOutcome:
    session: PracticeSession
    problem: Problem
    check: CheckResult
    final: bool
    answered: int  # final answers in the session so far


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
    answer gets the stored result; a different one is refused with 409 already_answered."""
    at = now or timezone.now()
    sessions_expire(now=at, student=student)
    if ai_enabled():
        _judge_text_answer_with_ai(student, session_id, problem_id, answer, at)
    return _atomic_retrying_a_lost_race(
        lambda: _answer(student, session_id, problem_id, answer, time_spent_seconds, confidence, at)
    )


def _judge_text_answer_with_ai(
    student: Student, session_id: int, problem_id: int, answer: str, now: dt.datetime
) -> None:
    """Before the answer is stored: a text answer the checker rejects may be judged by the
    model (paid once per problem and answer, then cached). Anything odd is left to `_answer`."""
    item = (
        _open_session_item(student, session_id, problem_id)
        .select_related("problem", "session")
        .filter(problem__answer_type=Problem.AnswerType.TEXT)
        .first()
    )
    if item is None:
        return
    verdict = check_answer(answer_key_for(item.problem), answer, language=student.language)
    if verdict.verdict is Verdict.INCORRECT:
        billing.answer_judge(
            problem=item.problem, answer=answer, student=student, session=item.session, now=now
        )


def _answer(
    student: Student,
    session_id: int,
    problem_id: int,
    answer: str,
    time_spent_seconds: int,
    confidence: str,
    now: dt.datetime,
) -> AnswerOutcome:
    session = _locked_session(student, session_id)
    problem = _session_problem(session, problem_id)
    answered = Response.objects.filter(session=session).count()
    previous = Response.objects.filter(session=session, problem=problem).first()
    if previous is not None:
        if normalised_answer(previous.student_answer) != normalised_answer(answer):
            raise Conflict("This problem was already answered.", code="already_answered")
        verdict = Verdict.CORRECT if previous.is_correct else Verdict.INCORRECT
        return AnswerOutcome(session, problem, CheckResult(verdict), final=True, answered=answered)
    _ensure_open(session, now)

    check = check_answer(answer_key_for(problem), answer, language=student.language)
    if check.verdict is Verdict.INCORRECT and problem.answer_type == Problem.AnswerType.TEXT:
        judgement = billing.cached_judgement(problem=problem, answer=answer)
        if judgement is not None and judgement.is_correct:
            check = CheckResult(Verdict.CORRECT)
    if check.verdict in (Verdict.UNPARSEABLE, Verdict.NOT_SIMPLIFIED):
        return AnswerOutcome(session, problem, check, final=False, answered=answered)

    is_correct = check.verdict is Verdict.CORRECT
    hints_used = HintView.objects.filter(session=session, problem=problem).count()
    Response.objects.create(
        session=session,
        problem=problem,
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
    _record_mastery(student, problem, is_correct, hints_used, local_date(student, now))
    if answered == PROBLEMS_PER_SESSION:
        session.status = Status.COMPLETED
        session.completed_at = now
        change = streak_record_practice(student=student, today=local_date(student, now))
        session.streak_after = change.state.current
        session.freeze_used = change.freeze_used
        session.milestone_reached = change.milestone
    session.save()
    return AnswerOutcome(session, problem, check, final=True, answered=answered)


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
    row, _ = TopicMastery.objects.select_for_update().get_or_create(
        student=student, topic_id=problem.topic_id
    )
    state = mastery_rules.record_answer(
        mastery_rules.MasteryState(
            level=row.level,
            attempts=row.attempts,
            correct=row.correct,
            recent=row.recent,
            interval_days=row.interval_days,
            ease=row.ease,
            next_review=row.next_review_date,
            last_practiced=row.last_practiced_on,
        ),
        mastery_rules.outcome(is_correct, hints_used),
        today,
    )
    row.level, row.attempts, row.correct, row.recent = (
        state.level,
        state.attempts,
        state.correct,
        state.recent,
    )
    row.interval_days, row.ease = state.interval_days, state.ease
    row.next_review_date, row.last_practiced_on = state.next_review, state.last_practiced
    row.save()


# --- streaks -------------------------------------------------------------------------------


def streak_record_practice(*, student: Student, today: dt.date) -> streak_rules.StreakChange:
    """Count a completed session on the student's local date `today` (race-safe)."""
    streak, _ = Streak.objects.select_for_update().get_or_create(student=student)
    change = streak_rules.record_practice(
        streak_rules.StreakState(
            current=streak.current_streak,
            longest=streak.longest_streak,
            last_date=streak.last_practice_date,
            freezes=streak.freezes,
        ),
        today,
    )
    if not change.counted:
        return change
    streak.current_streak, streak.longest_streak = change.state.current, change.state.longest
    streak.last_practice_date, streak.freezes = change.state.last_date, change.state.freezes
    streak.freezes_used += int(change.freeze_used)
    streak.save()
    if change.milestone is None:
        return change
    _, first_time = StreakMilestone.objects.get_or_create(
        student=student, days=change.milestone, defaults={"achieved_on": today}
    )
    if not first_time:  # milestones are celebrated once
        return streak_rules.StreakChange(
            state=change.state, counted=True, freeze_used=change.freeze_used
        )
    return change


# --- hints ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class HintShown:
    problem: Problem
    hint: Hint
    level: int
    remaining: int


def session_hint(
    *, student: Student, session_id: int, problem_id: int, now: dt.datetime | None = None
) -> HintShown:
    """The next hint (1, then 2, then 3) for a problem of an open session, recorded as viewed."""
    at = now or timezone.now()
    sessions_expire(now=at, student=student)
    if ai_enabled():
        _fill_missing_hints_with_ai(student, session_id, problem_id, at)
    return _atomic_retrying_a_lost_race(lambda: _hint(student, session_id, problem_id, at))


def _fill_missing_hints_with_ai(
    student: Student, session_id: int, problem_id: int, now: dt.datetime
) -> None:
    """A problem without (bilingual) hints gets them written once, for every later student.
    If that fails, whatever authored hints exist are used; `_hint` decides what to show."""
    item = (
        _open_session_item(student, session_id, problem_id)
        .select_related("session")
        .prefetch_related("problem__hints")
        .first()
    )
    if item is not None and billing.problem_needs_hints(item.problem):
        billing.problem_generate_hints(
            problem_id=problem_id, student=student, session=item.session, now=now
        )


def _hint(student: Student, session_id: int, problem_id: int, now: dt.datetime) -> HintShown:
    session = _locked_session(student, session_id)
    problem = _session_problem(session, problem_id)
    _ensure_open(session, now)
    hints = list(Hint.objects.filter(problem=problem).order_by("level"))
    seen = HintView.objects.filter(session=session, problem=problem).count()
    if seen >= len(hints):
        raise Conflict("No more hints.", code="no_more_hints")
    hint = hints[seen]
    HintView.objects.create(session=session, problem=problem, level=seen + 1, viewed_at=now)
    return HintShown(problem=problem, hint=hint, level=seen + 1, remaining=len(hints) - seen - 1)
