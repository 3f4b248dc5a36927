import datetime as dt

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
