import datetime as dt
from typing import Any

import factory
from django.utils import timezone

from apps.practice.models import (
    HintView,
    PracticeSession,
    Response,
    SessionProblem,
    Streak,
    StreakMilestone,
    TopicMastery,
)
from tests.content.factories import ProblemFactory, TopicFactory
from tests.students.factories import StudentFactory


class PracticeSessionFactory(factory.django.DjangoModelFactory[PracticeSession]):
    class Meta:
        model = PracticeSession

    student = factory.SubFactory(StudentFactory)
    started_at = factory.LazyFunction(timezone.now)
    expires_at = factory.LazyAttribute(lambda o: o.started_at + dt.timedelta(minutes=30))


class SessionProblemFactory(factory.django.DjangoModelFactory[SessionProblem]):
    class Meta:
        model = SessionProblem

    session = factory.SubFactory(PracticeSessionFactory)
    problem = factory.SubFactory(ProblemFactory)
    position = 1


class ResponseFactory(factory.django.DjangoModelFactory[Response]):
    class Meta:
        model = Response

    session = factory.SubFactory(PracticeSessionFactory)
    problem = factory.SubFactory(ProblemFactory)
    student_answer = "5"
    is_correct = True
    time_spent_seconds = 40


class HintViewFactory(factory.django.DjangoModelFactory[HintView]):
    class Meta:
        model = HintView

    session = factory.SubFactory(PracticeSessionFactory)
    problem = factory.SubFactory(ProblemFactory)
    level = 1


class StreakFactory(factory.django.DjangoModelFactory[Streak]):
    class Meta:
        model = Streak

    student = factory.SubFactory(StudentFactory)
    current_streak = 3
    longest_streak = 5
    last_practice_date = factory.LazyFunction(lambda: timezone.localdate())


class StreakMilestoneFactory(factory.django.DjangoModelFactory[StreakMilestone]):
    class Meta:
        model = StreakMilestone

    student = factory.SubFactory(StudentFactory)
    days = 7
    achieved_on = factory.LazyFunction(lambda: timezone.localdate())


class TopicMasteryFactory(factory.django.DjangoModelFactory[TopicMastery]):
    class Meta:
        model = TopicMastery

    student = factory.SubFactory(StudentFactory)
    topic = factory.SubFactory(TopicFactory)
    attempts = 4
    correct = 3


def record_answer(problem: Any, student: Any, typed: str, *, correct: bool, **extra: Any) -> Any:
    """A final answer given in a session of its own (completed now), in the student's
    language and to the problem's current version unless `language` / `version` say else."""
    session = PracticeSessionFactory(
        student=student, status="completed", completed_at=timezone.now()
    )
    return ResponseFactory(
        session=session,
        problem=problem,
        student_answer=typed,
        is_correct=correct,
        problem_version=extra.pop("version", problem.version),
        language=extra.pop("language", student.language),
        **extra,
    )
