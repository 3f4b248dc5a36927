"""Streak writes (the arithmetic is `apps.practice.streaks`)."""

from __future__ import annotations

import datetime as dt

from apps.practice import streaks as streak_rules
from apps.practice.models import Streak, StreakMilestone
from apps.students.models import Student


def streak_record_practice(*, student: Student, today: dt.date) -> streak_rules.StreakChange:
    """Count a completed session on the student's local date `today`. Called with the session
    row locked, which serialises a student's completions; the one-to-one constraint stands
    behind that."""
    streak = Streak.objects.filter(student=student).first()
    created = streak is None
    streak = streak or Streak(student=student)
    change = streak_rules.record_practice(streak.as_state(), today)
    if not change.counted:
        return change
    streak.apply_state(change.state)
    streak.freezes_used += int(change.freeze_used)
    streak.save(force_insert=created)
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
