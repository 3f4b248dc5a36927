"""The pure practice rules: streaks, Elo ratings, mastery, problem selection."""

from __future__ import annotations

import datetime as dt
import random

from hypothesis import given, settings
from hypothesis import strategies as st

from apps.practice import mastery, rating, selection, streaks

D = dt.date(2026, 3, 1)
DAY = dt.timedelta(days=1)


def _days(state: streaks.StreakState, dates: list[dt.date]) -> list[streaks.StreakChange]:
    changes = []
    for day in dates:
        change = streaks.record_practice(state, day)
        changes.append(change)
        state = change.state
    return changes


# --- streaks -------------------------------------------------------------------------------


def test_consecutive_days_extend_and_a_gap_restarts():
    changes = _days(streaks.StreakState(), [D, D + DAY, D + 2 * DAY, D + 5 * DAY])
    assert [c.state.current for c in changes] == [1, 2, 3, 1]
    assert changes[-1].state.longest == 3


def test_the_same_day_counts_once():
    first = streaks.record_practice(streaks.StreakState(), D)
    again = streaks.record_practice(first.state, D)
    assert again.counted is False and again.state == first.state


def test_a_freeze_is_earned_every_7_days_at_most_2_held():
    changes = _days(streaks.StreakState(), [D + n * DAY for n in range(21)])
    freezes = [c.state.freezes for c in changes]
    assert freezes[5] == 0 and freezes[6] == 1 and freezes[13] == 2 and freezes[20] == 2


def test_a_freeze_covers_one_missed_day_only():
    week = _days(streaks.StreakState(), [D + n * DAY for n in range(7)])[-1].state
    assert week.freezes == 1
    covered = streaks.record_practice(week, D + 8 * DAY)  # missed D+7
    assert covered.freeze_used and covered.state.current == 8 and covered.state.freezes == 0
    broken = streaks.record_practice(week, D + 9 * DAY)  # missed two days
    assert not broken.freeze_used and broken.state.current == 1 and broken.state.freezes == 1


def test_milestones_are_reported_on_the_day_they_are_reached():
    changes = _days(streaks.StreakState(), [D + n * DAY for n in range(30)])
    reached = [c.milestone for c in changes if c.milestone]
    assert reached == [7, 14, 30]
    assert streaks.next_milestone(30) == 60 and streaks.next_milestone(365) is None


def test_current_streak_as_displayed_drops_to_zero_once_broken():
    state = streaks.StreakState(current=5, longest=5, last_date=D, freezes=0)
    assert streaks.current_streak(state, D + DAY) == 5
    assert streaks.current_streak(state, D + 2 * DAY) == 0
    frozen = streaks.StreakState(current=5, longest=5, last_date=D, freezes=1)
    assert streaks.current_streak(frozen, D + 2 * DAY) == 5


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=4), min_size=1, max_size=60))
def test_streak_invariants_hold_for_any_practice_pattern(gaps):
    state, day = streaks.StreakState(), D
    for gap in gaps:
        day += gap * DAY
        change = streaks.record_practice(state, day)
        state = change.state
        assert state.longest >= state.current >= 0
        assert 0 <= state.freezes <= streaks.MAX_FREEZES
        assert state.current >= 1


# --- ratings -------------------------------------------------------------------------------


def test_expected_success_is_a_logistic_of_the_difference():
    assert rating.expected_success(0.0, 0.0) == 0.5
    assert rating.expected_success(1.0, 0.0) > 0.7
    assert rating.expected_success(-1.0, 0.0) < 0.3
    assert 0.0 < rating.expected_success(-1000, 1000) < 1e-20


def test_a_right_answer_raises_ability_and_lowers_problem_rating_hints_reduce_credit():
    plain = rating.rate_answer(
        ability=0, student_answers=0, rating=0, problem_answers=0, is_correct=True, hints_used=0
    )
    hinted = rating.rate_answer(
        ability=0, student_answers=0, rating=0, problem_answers=0, is_correct=True, hints_used=3
    )
    wrong = rating.rate_answer(
        ability=0, student_answers=0, rating=0, problem_answers=0, is_correct=False, hints_used=0
    )
    one_hint = rating.rate_answer(
        ability=0, student_answers=0, rating=0, problem_answers=0, is_correct=True, hints_used=1
    )
    assert plain.ability_delta > one_hint.ability_delta > 0
    # With all three hints (the last nearly solves it) a right answer is weak evidence.
    assert one_hint.ability_delta > hinted.ability_delta > wrong.ability_delta
    assert wrong.ability_delta < 0
    assert plain.rating_delta < 0 < wrong.rating_delta


def test_k_factor_shrinks_as_answers_accumulate():
    assert rating.k_factor(rating.STUDENT_K, 0) > rating.k_factor(rating.STUDENT_K, 100)
    assert rating.k_factor(rating.STUDENT_K, 10**6) == rating.STUDENT_K[1]


def test_ratings_converge_towards_a_students_true_level():
    rng = random.Random(7)
    ability, true_ability = 0.0, 1.5
    for answers in range(300):
        is_correct = rng.random() < rating.expected_success(true_ability, 0.0)
        update = rating.rate_answer(
            ability=ability,
            student_answers=answers,
            rating=0.0,
            problem_answers=10**6,
            is_correct=is_correct,
            hints_used=0,
        )
        ability += update.ability_delta
    assert abs(ability - true_ability) < 0.6


# --- mastery -------------------------------------------------------------------------------


def _run(outcomes: str, start: dt.date = D, step: int = 0) -> mastery.MasteryState:
    state = mastery.MasteryState()
    for i, result in enumerate(outcomes):
        state = mastery.record_answer(state, result, start + i * step * DAY)
    return state


def test_levels_move_on_evidence():
    assert _run("X").level == mastery.DEVELOPING
    assert _run("CCCC").level == mastery.CONSOLIDATING
    assert _run("XXXX").level == mastery.DEVELOPING


def test_secure_needs_a_passed_spaced_recheck():
    same_day = _run("CCCCCCCC")  # lots of right answers in one sitting
    assert same_day.level == mastery.CONSOLIDATING
    state = same_day
    state = mastery.record_answer(state, "C", state.next_review or D)  # due review, passed
    assert state.level == mastery.SECURE


def test_a_failed_review_demotes_secure():
    state = _run("CCCCCCCC")
    state = mastery.record_answer(state, "C", state.next_review or D)
    assert state.level == mastery.SECURE
    assert state.next_review is not None
    failed = mastery.record_answer(state, "X", state.next_review)
    assert failed.level == mastery.CONSOLIDATING
    assert failed.next_review == state.next_review + DAY  # back tomorrow


def _reviews(results: str, policy: mastery.ReviewPolicy | None = None) -> list[int]:
    """Days to the next review after each on-time review with these results."""
    state, day, gaps = mastery.MasteryState(), D, []
    for result in results:
        state = mastery.record_answer(state, result, day, policy or mastery.ReviewPolicy())
        assert state.next_review is not None
        gaps.append((state.next_review - day).days)
        day = state.next_review
    return gaps


def test_fsrs_intervals_grow_with_each_passed_review_and_a_lapse_returns_tomorrow():
    gaps = _reviews("CCCC")
    assert gaps == sorted(gaps) and gaps[-1] > gaps[0] >= 1
    assert _reviews("CCCX")[-1] == 1  # a failed review: back the next day


def test_a_review_with_hints_stretches_less_than_one_without():
    assert _reviews("CCH")[-1] < _reviews("CCC")[-1]


def test_a_lapse_makes_the_topic_harder_for_the_scheduler():
    state = mastery.MasteryState()
    for result, day in (("C", D), ("C", D + 5 * DAY)):
        state = mastery.record_answer(state, result, day)
    before = state.difficulty
    lapsed = mastery.record_answer(state, "X", state.next_review or D)
    assert before is not None and lapsed.difficulty is not None and lapsed.difficulty > before


def test_higher_desired_retention_means_earlier_reviews_and_the_gap_is_capped():
    relaxed = _reviews("CCCC", mastery.ReviewPolicy(retention=0.8, max_days=365))
    strict = _reviews("CCCC", mastery.ReviewPolicy(retention=0.95, max_days=365))
    assert strict[-1] < relaxed[-1]
    capped = _reviews("CCCCCCC", mastery.ReviewPolicy(retention=0.9, max_days=30))
    assert max(capped) == 30


def test_only_the_first_answer_of_a_day_schedules():
    once = mastery.record_answer(mastery.MasteryState(), "C", D)
    twice = mastery.record_answer(once, "C", D)
    assert (twice.next_review, twice.stability) == (once.next_review, once.stability)
    assert twice.attempts == 2


# --- selection -----------------------------------------------------------------------------


def _candidates(topics: int = 4, per_topic: int = 5) -> list[selection.Candidate]:
    return [
        selection.Candidate(problem_id=t * 100 + n, topic_id=t, rating=(n - 2) * 0.5)
        for t in range(topics)
        for n in range(per_topic)
    ]


def _choose(candidates, topics=None, **kw):
    return selection.choose_problems(
        candidates,
        topics or {},
        ability=kw.pop("ability", 0.0),
        today=D,
        recent_days=14,
        rng=random.Random(kw.pop("seed", 1)),
        **kw,
    )


def test_selection_is_deterministic_for_a_seed_and_varies_across_seeds():
    candidates = _candidates()
    assert _choose(candidates, seed=3) == _choose(candidates, seed=3)
    assert len({tuple(_choose(candidates, seed=s)) for s in range(10)}) > 1


def test_five_distinct_problems_at_most_two_per_topic():
    chosen = _choose(_candidates())
    assert len(chosen) == len(set(chosen)) == 5
    topics = [pid // 100 for pid in chosen]
    assert max(topics.count(t) for t in set(topics)) <= 2


def test_recently_seen_problems_wait_while_unseen_ones_remain():
    candidates = [
        selection.Candidate(c.problem_id, c.topic_id, c.rating, last_seen=D - DAY)
        if c.problem_id % 100 < 3
        else c
        for c in _candidates()
    ]
    chosen = _choose(candidates)
    assert all(pid % 100 >= 3 for pid in chosen)
    few_fresh = [
        selection.Candidate(c.problem_id, c.topic_id, c.rating, last_seen=D - DAY)
        if c.problem_id != 1
        else c
        for c in _candidates(topics=1, per_topic=6)
    ]
    assert 1 in _choose(few_fresh)


def test_due_and_weak_topics_come_first():
    standing = {
        2: selection.TopicStanding(level="secure", accuracy=0.9, next_review=D - 3 * DAY),
        3: selection.TopicStanding(level="developing", accuracy=0.2, next_review=D + 5 * DAY),
        0: selection.TopicStanding(level="secure", accuracy=1.0, next_review=D + 9 * DAY),
    }
    for seed in range(5):
        chosen = _choose(_candidates(topics=6), standing, seed=seed)
        topics = {pid // 100 for pid in chosen}
        assert {2, 3} <= topics


def test_the_problem_nearest_the_target_success_is_preferred():
    easy_and_hard = [
        selection.Candidate(problem_id=n, topic_id=n, rating=r)
        for n, r in enumerate([-3.0, -1.1, 0.0, 1.0, 3.0, -1.0, 2.0])
    ]
    chosen = _choose(easy_and_hard, count=1, per_topic=1)
    # With 7 topics the first 'new' topic is random, but within one topic nearest wins:
    one_topic = [
        selection.Candidate(problem_id=n, topic_id=0, rating=r)
        for n, r in enumerate([-3.0, -1.1, 0.0, 3.0])
    ]
    assert _choose(one_topic, count=1) == [1]  # expected success at -1.1 is closest to 0.75
    assert len(chosen) == 1


def test_a_topic_gives_its_problems_nearest_the_target_first():
    one_topic = [
        selection.Candidate(problem_id=n, topic_id=0, rating=r)
        for n, r in enumerate([-3.0, -1.1, 0.0, 3.0, -0.9])
    ]
    # Expected successes 0.95, 0.75, 0.5, 0.05, 0.71: the nearest two, easiest first.
    for seed in range(5):
        assert _choose(one_topic, count=2, seed=seed) == [1, 4]
    assert _choose(one_topic, count=3, per_topic=3) == [0, 1, 4]
