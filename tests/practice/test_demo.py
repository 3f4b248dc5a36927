"""Demo data (seed_demo): bulk histories whose stored state is what the real rules give."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db.models import Count, Q

from apps.practice import streaks as streak_rules
from apps.practice.models import (
    PracticeSession,
    Response,
    SessionProblem,
    Streak,
    StreakMilestone,
    TopicMastery,
)
from apps.students.models import Student

pytestmark = pytest.mark.django_db


def test_seed_demo_writes_consistent_histories(library, capsys):
    call_command("seed_demo", students=30, days=10, active_rate=0.8, batch=7)
    assert "Seeded 30 students" in capsys.readouterr().out
    sessions = PracticeSession.objects.count()
    assert Student.objects.count() == 30 and sessions > 0
    assert Response.objects.count() == SessionProblem.objects.count() == sessions * 5
    assert Streak.objects.count() == 30
    assert all(s.longest_streak >= s.current_streak for s in Streak.objects.all())
    assert not PracticeSession.objects.exclude(status="completed").exists()
    call_command("seed_demo", students=5, days=3)  # a second run adds, it does not collide
    assert Student.objects.count() == 35


def test_seed_demo_state_agrees_with_the_answers_it_wrote(library):
    call_command("seed_demo", students=12, days=40, active_rate=0.9, seed=3, verbosity=0)
    answers = {
        (row["session__student"], row["problem__topic"]): (row["n"], row["right"])
        for row in Response.objects.values("session__student", "problem__topic").annotate(
            n=Count("id"), right=Count("id", filter=Q(is_correct=True))
        )
    }
    mastery = {
        (row.student_id, row.topic_id): (row.attempts, row.correct)
        for row in TopicMastery.objects.all()
    }
    assert mastery == answers  # every answer went through the mastery rules, once
    assert all(
        row.stability is not None and 1 <= (row.difficulty or 0) <= 10
        for row in TopicMastery.objects.all()
    )
    for streak in Streak.objects.all():
        assert streak.longest_streak >= streak.current_streak and 0 <= streak.freezes <= 2
        milestones = set(
            StreakMilestone.objects.filter(student_id=streak.student_id).values_list(
                "days", flat=True
            )
        )
        assert milestones == {m for m in streak_rules.MILESTONES if m <= streak.longest_streak}


def test_seed_demo_needs_a_library():
    with pytest.raises(Exception, match="run bootstrap first"):
        call_command("seed_demo", students=1, days=1)
