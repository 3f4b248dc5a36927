"""Reads for practice. Every one runs a fixed number of queries, whatever the history."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, IntegerField, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from apps.content.models import ProblemOption, Topic
from apps.core.errors import NotFound
from apps.practice import streaks as streak_rules
from apps.practice.models import (
    HintView,
    PracticeSession,
    Response,
    SessionProblem,
    Streak,
    TopicMastery,
)
from apps.practice.rating import expected_success
from apps.practice.services.clock import local_date
from apps.students.models import Student


def _count(queryset: QuerySet[Response] | QuerySet[HintView]) -> Subquery:
    return Subquery(
        queryset.order_by().values("session").annotate(n=Count("id")).values("n"),
        output_field=IntegerField(),
    )


def session_detail(*, student: Student, session_id: int) -> PracticeSession:
    """A session with its problems (in order, with options), each annotated with
    `hints_available`, `hints_used` and `result` (None, True or False): three queries."""
    mine = Response.objects.filter(session=OuterRef("session_id"), problem=OuterRef("problem_id"))
    items = (
        SessionProblem.objects.select_related("problem")
        .annotate(
            hints_available=Count("problem__hints"),
            hints_used=Coalesce(
                _count(
                    HintView.objects.filter(
                        session=OuterRef("session_id"), problem=OuterRef("problem_id")
                    )
                ),
                0,
            ),
            result=Subquery(mine.values("is_correct")[:1]),
        )
        .order_by("position")
    )
    session = (
        PracticeSession.objects.filter(pk=session_id, student=student)
        .annotate(answered=Coalesce(_count(Response.objects.filter(session=OuterRef("pk"))), 0))
        .prefetch_related(
            Prefetch("session_problems", queryset=items),
            Prefetch(
                "session_problems__problem__options",
                queryset=ProblemOption.objects.order_by("label"),
            ),
        )
        .first()
    )
    if session is None:
        raise NotFound(_("No such session."), code="not_found")
    return session


def session_history(*, student: Student) -> QuerySet[PracticeSession]:
    """Newest first. `answered` is a per-row subquery, so a page of 20 counts 20 sessions'
    responses rather than grouping the whole history before the LIMIT."""
    return (
        PracticeSession.objects.filter(student=student)
        .annotate(answered=Coalesce(_count(Response.objects.filter(session=OuterRef("pk"))), 0))
        .order_by("-created_at", "-id")
    )


def streak_for(*, student: Student) -> Streak:
    streak = Streak.objects.filter(student=student).first()
    return streak if streak is not None else Streak(student=student)


def milestones_for(*, student: Student) -> list[int]:
    return list(student.milestones.order_by("days").values_list("days", flat=True))


def progress_for(*, student: Student) -> list[tuple[Topic, TopicMastery | None]]:
    """Every topic of the student's grade with the student's mastery row, if any."""
    if student.grade is None:
        return []
    mastery = {m.topic_id: m for m in TopicMastery.objects.filter(student=student)}
    topics = Topic.objects.filter(grade=student.grade).order_by("order", "code")
    return [(topic, mastery.get(topic.id)) for topic in topics]


@dataclass(frozen=True)
class StudentOverview:
    streak: Streak
    current_streak: int
    mastery: list[TopicMastery]  # with topics
    sessions: list[PracticeSession]  # the latest, with `answered`
    responses: list[Response]  # the latest answers, with their problems
    calendar: list[tuple[dt.date, str]]  # the last 35 local days: practised / freeze / none


def student_overview(*, student: Student, today: dt.date, sessions: int = 10) -> StudentOverview:
    """What a teacher needs on a student's page, in five queries whatever the history."""
    streak = streak_for(student=student)
    mastery = list(
        TopicMastery.objects.filter(student=student)
        .select_related("topic")
        .order_by("topic__grade", "topic__order")
    )
    latest = list(session_history(student=student)[:sessions])
    responses = list(
        Response.objects.filter(session__student=student)
        .select_related("problem", "problem__topic")
        .order_by("-evaluated_at", "-id")[:20]
    )
    start = today - dt.timedelta(days=34)
    practised: set[dt.date] = set()
    frozen: set[dt.date] = set()
    since = dt.datetime.combine(start - dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC)
    for completed_at, freeze_used in PracticeSession.objects.filter(
        student=student, status=PracticeSession.Status.COMPLETED, completed_at__gte=since
    ).values_list("completed_at", "freeze_used"):
        if completed_at is None:
            continue
        day = local_date(student, completed_at)
        practised.add(day)
        if freeze_used:  # the freeze covered the day missed just before
            frozen.add(day - dt.timedelta(days=1))
    calendar = [
        (day, "practised" if day in practised else "freeze" if day in frozen else "none")
        for day in _days(start, today)
    ]
    return StudentOverview(
        streak=streak,
        current_streak=streak_rules.current_streak(streak.as_state(), today),
        mastery=mastery,
        sessions=latest,
        responses=responses,
        calendar=calendar,
    )


def _days(start: dt.date, end: dt.date) -> list[dt.date]:
    return [start + dt.timedelta(days=n) for n in range((end - start).days + 1)]


def skill_label(ability: float, answers: int) -> str:
    """The Elo ability as a teacher reads it: a level and the chance of a medium problem."""
    from django.utils.translation import gettext

    if answers == 0:
        return gettext("not measured yet")
    chance = round(100 * expected_success(ability, 0.0))
    return gettext("%(chance)s%% chance on a medium problem (after %(answers)s answers)") % {
        "chance": chance,
        "answers": answers,
    }
