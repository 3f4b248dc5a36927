"""Topic mastery and spaced review (pure Python).

Levels move on evidence, as in Khan Academy's and Oppia's mastery models:

- not_started → developing on the first answer in the topic;
- developing → consolidating with at least 4 recent answers and 60 % of the last 5 right;
- consolidating → secure only by passing a spaced re-check: a right answer given when the topic
  was due for review, with 80 % of the last 6 right and at most half of them needing hints;
- a wrong answer at a due review demotes secure to consolidating, and accuracy falling below
  40 % of the last 5 demotes consolidating to developing.

Review dates follow SM-2 (Wozniak): the first practice of a topic on a day grades it
(5 right without hints, 3 right with hints, 1 wrong); a pass stretches the interval
(1 → 6 → interval × ease days), a failure brings the topic back tomorrow.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal

NOT_STARTED, DEVELOPING, CONSOLIDATING, SECURE = (
    "not_started",
    "developing",
    "consolidating",
    "secure",
)
RIGHT, RIGHT_WITH_HINTS, WRONG = "C", "H", "X"
RECENT_LENGTH = 10
MIN_EASE, MAX_EASE = Decimal("1.30"), Decimal("5.00")
QUALITY = {RIGHT: 5, RIGHT_WITH_HINTS: 3, WRONG: 1}


@dataclass(frozen=True)
class MasteryState:
    level: str = NOT_STARTED
    attempts: int = 0
    correct: int = 0
    recent: str = ""
    interval_days: int = 0
    ease: Decimal = Decimal("2.50")
    next_review: dt.date | None = None
    last_practiced: dt.date | None = None


def outcome(is_correct: bool, hints_used: int) -> str:
    if not is_correct:
        return WRONG
    return RIGHT if hints_used == 0 else RIGHT_WITH_HINTS


def _share_right(recent: str, last: int) -> float:
    window = recent[-last:]
    return sum(c != WRONG for c in window) / len(window) if window else 0.0


def _schedule(state: MasteryState, result: str, today: dt.date) -> MasteryState:
    quality = QUALITY[result]
    if quality >= 3:
        if state.interval_days == 0:
            interval = 1
        elif state.interval_days == 1:
            interval = 6
        else:
            interval = round(state.interval_days * float(state.ease))
    else:
        interval = 1
    miss = 5 - quality
    ease = state.ease + Decimal(str(0.1 - miss * (0.08 + miss * 0.02)))
    ease = min(MAX_EASE, max(MIN_EASE, ease)).quantize(Decimal("0.01"), ROUND_HALF_UP)
    return replace(
        state, interval_days=interval, ease=ease, next_review=today + dt.timedelta(days=interval)
    )


def record_answer(state: MasteryState, result: str, today: dt.date) -> MasteryState:
    """The topic's state after one final answer (`result` is C, H or X) on local date `today`."""
    was_due = state.next_review is not None and today >= state.next_review
    first_today = state.last_practiced != today
    recent = (state.recent + result)[-RECENT_LENGTH:]
    new = replace(
        state,
        attempts=state.attempts + 1,
        correct=state.correct + (result != WRONG),
        recent=recent,
        last_practiced=today,
    )
    if first_today:
        new = _schedule(new, result, today)

    level = state.level
    if level == NOT_STARTED:
        level = DEVELOPING
    elif level == DEVELOPING:
        if len(recent) >= 4 and _share_right(recent, 5) >= 0.6:
            level = CONSOLIDATING
    elif level == CONSOLIDATING:
        passed_recheck = was_due and result != WRONG
        hinted = recent[-6:].count(RIGHT_WITH_HINTS)
        if passed_recheck and len(recent) >= 6 and _share_right(recent, 6) >= 0.8 and hinted <= 3:
            level = SECURE
        elif _share_right(recent, 5) < 0.4:
            level = DEVELOPING
    elif level == SECURE and ((was_due and result == WRONG) or _share_right(recent, 5) < 0.6):
        level = CONSOLIDATING
    return replace(new, level=level)


def accuracy(state: MasteryState) -> float | None:
    return state.correct / state.attempts if state.attempts else None
