"""Streak arithmetic, in the student's local dates (pure Python).

A streak counts consecutive local days with a completed session. Like the best habit apps,
Dars hands out streak freezes: one is earned each time the streak reaches a multiple of 7 days
(at most 2 are held), and one is spent automatically when exactly one day was missed, so the
streak survives it. Milestones are 7, 14, 30, 60, 90, 180 and 365 days.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

MILESTONES: tuple[int, ...] = (7, 14, 30, 60, 90, 180, 365)
MAX_FREEZES = 2
FREEZE_EVERY_DAYS = 7
ONE_DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class StreakState:
    current: int = 0
    longest: int = 0
    last_date: dt.date | None = None
    freezes: int = 0


@dataclass(frozen=True)
class StreakChange:
    state: StreakState
    counted: bool  # False when the day had already been counted
    freeze_used: bool = False
    milestone: int | None = None  # the milestone this day reached, if any


def record_practice(state: StreakState, today: dt.date) -> StreakChange:
    """The streak after a completed session on local date `today`."""
    last = state.last_date
    if last is not None and today <= last:
        # Already counted today (or the student's clock/timezone moved backwards).
        return StreakChange(state=state, counted=False)
    freezes, freeze_used = state.freezes, False
    if last == today - ONE_DAY:
        current = state.current + 1
    elif last == today - 2 * ONE_DAY and state.current > 0 and freezes > 0:
        current, freezes, freeze_used = state.current + 1, freezes - 1, True
    else:
        current = 1
    if current % FREEZE_EVERY_DAYS == 0:
        freezes = min(MAX_FREEZES, freezes + 1)
    new = replace(
        state,
        current=current,
        longest=max(state.longest, current),
        last_date=today,
        freezes=freezes,
    )
    milestone = current if current in MILESTONES else None
    return StreakChange(state=new, counted=True, freeze_used=freeze_used, milestone=milestone)


def current_streak(state: StreakState, today: dt.date) -> int:
    """The streak as it stands today: 0 once it can no longer be continued."""
    if state.last_date is None:
        return 0
    gap = (today - state.last_date).days
    if gap <= 1 or (gap == 2 and state.freezes > 0):
        return state.current
    return 0


def next_milestone(current: int) -> int | None:
    return next((m for m in MILESTONES if m > current), None)
