"""Reads for practice. Every one runs a fixed number of queries, whatever the history."""

from __future__ import annotations

from django.db.models import Count, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.functions import Coalesce

from apps.content.models import ProblemOption, Topic
from apps.core.errors import NotFound
from apps.practice.models import (
    HintView,
    PracticeSession,
    Response,
    SessionProblem,
    Streak,
    TopicMastery,
)
from apps.students.models import Student


def session_detail(*, student: Student, session_id: int) -> PracticeSession:
    session = (
        PracticeSession.objects.filter(pk=session_id, student=student)
        .prefetch_related(
            Prefetch(
                "session_problems",
                queryset=SessionProblem.objects.select_related("problem")
                .annotate(hints_available=Count("problem__hints"))
                .order_by("position"),
            ),
            Prefetch(
                "session_problems__problem__options",
                queryset=ProblemOption.objects.order_by("label"),
            ),
            Prefetch(
                "responses",
                queryset=Response.objects.only("id", "session_id", "problem_id", "is_correct"),
            ),
            Prefetch(
                "hint_views", queryset=HintView.objects.only("id", "session_id", "problem_id")
            ),
        )
        .first()
    )
    if session is None:
        raise NotFound("No such session.", code="not_found")
    return session


def session_history(*, student: Student) -> QuerySet[PracticeSession]:
    """Newest first. `answered` is a per-row subquery, so a page of 20 counts 20 sessions'
    responses rather than grouping the whole history before the LIMIT."""
    answered = (
        Response.objects.filter(session=OuterRef("pk"))
        .order_by()
        .values("session")
        .annotate(n=Count("id"))
        .values("n")
    )
    return (
        PracticeSession.objects.filter(student=student)
        .annotate(answered=Coalesce(Subquery(answered), 0))
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
