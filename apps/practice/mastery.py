"""Topic mastery and spaced review (pure Python; review dates from the `fsrs` library).

Levels move on evidence, as in Khan Academy's and Oppia's mastery models:

- not_started → developing on the first answer in the topic;
- developing → consolidating with at least 4 recent answers and 60 % of the last 5 right;
- consolidating → secure only by passing a spaced re-check: a right answer given when the topic
  was due for review, with 80 % of the last 6 right and at most half of them needing hints;
- a wrong answer at a due review demotes secure to consolidating, and accuracy falling below
  40 % of the last 5 demotes consolidating to developing.

Review dates follow FSRS (the Free Spaced Repetition Scheduler, Ye et al.; the maintained
`fsrs` package): each topic is one "card" with a stability (days until recall falls to the
desired retention) and a difficulty (1–10). The first practice of a topic on a local day is a
review, graded Good (right without hints), Hard (right with hints) or Again (wrong: the topic
comes back the next day); otherwise the next review is set where the predicted chance of still
knowing the topic falls to the desired
retention (`PRACTICE_DESIRED_RETENTION`, 0.9 by default), and never more than
`PRACTICE_MAX_REVIEW_DAYS` (60) ahead, so a topic comes back within a school term. Dates are whole
local days: FSRS's minute-long learning steps do not apply to a daily practice.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass, replace
from typing import Final

import fsrs

NOT_STARTED, DEVELOPING, CONSOLIDATING, SECURE = (
    "not_started",
    "developing",
    "consolidating",
    "secure",
)
LEVELS: Final = (NOT_STARTED, DEVELOPING, CONSOLIDATING, SECURE)
RIGHT, RIGHT_WITH_HINTS, WRONG = "C", "H", "X"
RECENT_LENGTH = 10
MIN_DIFFICULTY, MAX_DIFFICULTY = 1.0, 10.0
DEFAULT_RETENTION: Final = 0.9
DEFAULT_MAX_REVIEW_DAYS: Final = 60
_GRADES: Final = {
    RIGHT: fsrs.Rating.Good,
    RIGHT_WITH_HINTS: fsrs.Rating.Hard,
    WRONG: fsrs.Rating.Again,
}


@dataclass(frozen=True)
class MasteryState:
    level: str = NOT_STARTED
    attempts: int = 0
    correct: int = 0
    recent: str = ""
    stability: float | None = None  # FSRS memory state; None before the first review
    difficulty: float | None = None
    next_review: dt.date | None = None
    last_practiced: dt.date | None = None


def outcome(is_correct: bool, hints_used: int) -> str:
    if not is_correct:
        return WRONG
    return RIGHT if hints_used == 0 else RIGHT_WITH_HINTS


def _share_right(recent: str, last: int) -> float:
    window = recent[-last:]
    return sum(c != WRONG for c in window) / len(window) if window else 0.0


@dataclass(frozen=True)
class ReviewPolicy:
    retention: float = DEFAULT_RETENTION
    max_days: int = DEFAULT_MAX_REVIEW_DAYS


@functools.cache
def _scheduler(policy: ReviewPolicy) -> fsrs.Scheduler:
    # Whole days and no random fuzz (reproducible). No learning steps: a first review schedules
    # days at once. A lapse (Again) brings the topic back the next day, then FSRS takes over.
    return fsrs.Scheduler(
        desired_retention=policy.retention,
        learning_steps=(),
        relearning_steps=(dt.timedelta(days=1),),
        maximum_interval=policy.max_days,
        enable_fuzzing=False,
    )


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)


def _schedule(
    state: MasteryState, result: str, today: dt.date, policy: ReviewPolicy
) -> MasteryState:
    stability, difficulty, days = _review(
        state.stability,
        state.difficulty,
        state.next_review or today,
        state.last_practiced or today,
        result,
        today,
        policy,
    )
    return replace(
        state,
        stability=stability,
        difficulty=difficulty,
        next_review=today + dt.timedelta(days=days),
    )


@functools.lru_cache(maxsize=4096)
def _review(
    stability: float | None,
    difficulty: float | None,
    due: dt.date,
    last_review: dt.date,
    result: str,
    today: dt.date,
    policy: ReviewPolicy,
) -> tuple[float, float, int]:
    """FSRS's review of one card (no stability or difficulty: a first review, whatever its
    dates): the new stability and difficulty, and the days to the next review. A pure function
    of its arguments, kept for repeats: a topic's first review on a given day and grade is the
    same for every student."""
    if stability is None or difficulty is None:
        card = fsrs.Card(card_id=0, state=fsrs.State.Learning, step=0, due=_midnight(today))
    else:
        card = fsrs.Card(
            card_id=0,
            state=fsrs.State.Review,
            stability=stability,
            difficulty=difficulty,
            due=_midnight(due),
            last_review=_midnight(last_review),
        )
    reviewed, _ = _scheduler(policy).review_card(card, _GRADES[result], _midnight(today))
    assert reviewed.stability is not None and reviewed.difficulty is not None  # noqa: S101 - set by every review
    return reviewed.stability, reviewed.difficulty, max(1, (reviewed.due.date() - today).days)


def record_answer(
    state: MasteryState, result: str, today: dt.date, policy: ReviewPolicy = ReviewPolicy()
) -> MasteryState:
    """The topic's state after one final answer (`result` is C, H or X) on local date `today`."""
    was_due = state.next_review is not None and today >= state.next_review
    first_today = state.last_practiced != today
    recent = (state.recent + result)[-RECENT_LENGTH:]
    new = replace(
        state,
        attempts=state.attempts + 1,
        correct=state.correct + (result != WRONG),
        recent=recent,
    )
    if first_today:
        new = _schedule(new, result, today, policy)
    new = replace(new, last_practiced=today)

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
