"""Choosing a student's five problems (pure Python).

Rules, in order:
1. only problems the caller passes (active, the student's grade);
2. none seen in the last `recent_days` while enough unseen ones remain (then the longest-ago
   seen come back first);
3. the first slots go to topics due for review, then to the weakest topics (lowest mastery,
   then lowest accuracy); the rest go to topics the student has not started, then to the rest,
   with at most `per_topic` problems from one topic;
4. within a topic, the problem whose predicted success (Elo) is nearest `target` (default 0.75,
   the rate at which Math Garden found children learn and stay motivated);
5. the five are ordered easiest first.
Ties are broken by `rng`, so a seeded `random.Random` makes the choice reproducible.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from apps.practice.mastery import CONSOLIDATING, DEVELOPING, NOT_STARTED, SECURE
from apps.practice.rating import expected_success

PROBLEMS_PER_SESSION = 5  # a daily session
REVIEW_SLOTS = 2
LEVEL_ORDER = {DEVELOPING: 0, CONSOLIDATING: 1, SECURE: 2, NOT_STARTED: 3}


class Candidate(NamedTuple):
    """A problem the choice may take (a named tuple: a session start builds one for every
    problem of the grade, and a tuple is several times cheaper to build than a frozen
    dataclass)."""

    problem_id: int
    topic_id: int
    rating: float
    last_seen: dt.date | None = None  # within the look-back window; None = not recently


@dataclass(frozen=True)
class TopicStanding:
    level: str
    accuracy: float | None
    next_review: dt.date | None


def choose_problems(
    candidates: Sequence[Candidate],
    topics: Mapping[int, TopicStanding],
    *,
    ability: float,
    today: dt.date,
    recent_days: int,
    rng: random.Random,
    count: int = PROBLEMS_PER_SESSION,
    target: float = 0.75,
    per_topic: int = 2,
) -> list[int]:
    pool = _fresh_pool(candidates, today, recent_days, count, rng)
    by_topic: dict[int, list[Candidate]] = {}
    for candidate in pool:
        by_topic.setdefault(candidate.topic_id, []).append(candidate)
    for problems in by_topic.values():
        rng.shuffle(problems)  # random tie-break, then a stable sort keeps it

    chosen: list[Candidate] = []
    taken: dict[int, int] = {}

    def take(topic_id: int, limit: int) -> bool:
        if len(chosen) >= count or taken.get(topic_id, 0) >= limit or not by_topic.get(topic_id):
            return False
        problems = by_topic[topic_id]
        if topic_id not in taken:  # ordered when first taken from: most topics never are
            problems.sort(key=lambda c: abs(expected_success(ability, c.rating) - target))
        chosen.append(problems.pop(0))
        taken[topic_id] = taken.get(topic_id, 0) + 1
        return True

    for topic_id in _review_order(by_topic, topics, today, rng)[:REVIEW_SLOTS]:
        take(topic_id, per_topic)
    rest = _new_first_order(by_topic, topics, rng)
    # Round-robin over the topics in priority order; lift the per-topic limit only when there
    # are fewer topics than slots.
    for limit in (per_topic, count):
        progress = True
        while len(chosen) < count and progress:
            progress = False
            for topic_id in rest:
                progress = take(topic_id, limit) or progress
    chosen.sort(key=lambda c: -expected_success(ability, c.rating))
    return [c.problem_id for c in chosen]


def _fresh_pool(
    candidates: Sequence[Candidate],
    today: dt.date,
    recent_days: int,
    count: int,
    rng: random.Random,
) -> list[Candidate]:
    cutoff = today - dt.timedelta(days=recent_days)
    fresh = [c for c in candidates if c.last_seen is None or c.last_seen < cutoff]
    if len(fresh) >= count:
        return fresh
    seen = [c for c in candidates if c not in fresh]
    rng.shuffle(seen)
    seen.sort(key=lambda c: c.last_seen or dt.date.min)
    return fresh + seen[: count - len(fresh)]


def _review_order(
    by_topic: Mapping[int, list[Candidate]],
    topics: Mapping[int, TopicStanding],
    today: dt.date,
    rng: random.Random,
) -> list[int]:
    """Started topics: due for review first (most overdue first), then the weakest."""
    started = [t for t in by_topic if t in topics and topics[t].level != NOT_STARTED]
    rng.shuffle(started)

    def key(topic_id: int) -> tuple[int, int, int, float]:
        standing = topics[topic_id]
        due = standing.next_review is not None and standing.next_review <= today
        overdue = (today - standing.next_review).days if due and standing.next_review else 0
        weakness = standing.accuracy if standing.accuracy is not None else 0.0
        return (0 if due else 1, -overdue, LEVEL_ORDER.get(standing.level, 3), weakness)

    ordered = sorted(started, key=key)
    due_or_weak = [
        t for t in ordered if key(t)[0] == 0 or topics[t].level in (DEVELOPING, CONSOLIDATING)
    ]
    return due_or_weak


def _new_first_order(
    by_topic: Mapping[int, list[Candidate]],
    topics: Mapping[int, TopicStanding],
    rng: random.Random,
) -> list[int]:
    ids = list(by_topic)
    rng.shuffle(ids)
    return sorted(
        ids,
        key=lambda t: (
            0 if t not in topics or topics[t].level == NOT_STARTED else 1,
            LEVEL_ORDER.get(topics[t].level, 3) if t in topics else 3,
        ),
    )
