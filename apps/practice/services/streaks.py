"""Streak writes (the arithmetic is `apps.practice.streaks`)."""

from __future__ import annotations

import datetime as dt

from apps.core import sql
from apps.practice import streaks as streak_rules
from apps.practice.models import Streak, StreakMilestone
from apps.students.models import Student


def streak_reaches_milestone(streak: Streak | None, today: dt.date) -> bool:
    """Whether a session completed on `today` takes the streak (`streak`, as read with the
    session) to a milestone."""
    state = (streak or Streak()).as_state()
    return streak_rules.record_practice(state, today).milestone is not None


def streak_record_practice(
    *, student: Student, streak: Streak | None, today: dt.date, now: dt.datetime
) -> tuple[streak_rules.StreakChange, list[sql.Statement]]:
    """Count a completed session on the student's local date `today`: the change, and the
    statement that writes the student's streak row (`streak`, as read with the session; None
    if they have none yet), for the caller to run with its own writes. A student's completions
    are serialised by their session row: the caller holds its lock, or writes only if the row
    is unchanged (`sql.execute_guarded`; then never for a milestone, see
    `streak_reaches_milestone`); the one-to-one constraint stands behind that. A milestone
    reached is recorded here at once (celebrated only the first time)."""
    row = streak or Streak(student=student, created_at=now)
    change = streak_rules.record_practice(row.as_state(), today)
    if not change.counted:
        return change, []
    row.apply_state(change.state)
    row.freezes_used += int(change.freeze_used)
    row.updated_at = now
    if streak is None:
        write = sql.insert_statement(row)
    else:
        write = sql.update_statement(row, [*Streak.STATE_FIELDS, "updated_at"])
    if change.milestone is None:
        return change, [write]
    _, first_time = StreakMilestone.objects.get_or_create(
        student=student, days=change.milestone, defaults={"achieved_on": today}
    )
    if not first_time:  # milestones are celebrated once
        change = streak_rules.StreakChange(
            state=change.state, counted=True, freeze_used=change.freeze_used
        )
    return change, [write]
