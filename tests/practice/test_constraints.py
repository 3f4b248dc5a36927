"""The database itself holds the practice rules: each raw-SQL write below must be refused."""

import pytest
from django.core.management import call_command
from django.db.models import ProtectedError

from apps.practice.models import PracticeSession, Response, Streak, StreakMilestone, TopicMastery
from tests.billing.factories import CostRecordFactory
from tests.content.factories import ProblemFactory
from tests.practice.factories import (
    HintViewFactory,
    PracticeSessionFactory,
    ResponseFactory,
    SessionProblemFactory,
    StreakFactory,
    StreakMilestoneFactory,
    TopicMasteryFactory,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("assignment", "constraint"),
    [
        ("status = 'paused'", "ck_sessions_status_valid"),
        ("problems_correct = 6", "ck_sessions_problems_correct_0_to_5"),
        ("problems_correct = -1", "ck_sessions_problems_correct_0_to_5"),
        ("total_time_seconds = -1", "ck_sessions_total_time_nonnegative"),
        ("expires_at = started_at", "ck_sessions_expires_after_start"),
        ("status = 'completed', completed_at = NULL", "ck_sessions_completed_has_time"),
        ("milestone_reached = 8", "ck_sessions_milestone_valid"),
    ],
)
def test_session_check_constraints(db_rejects, assignment, constraint):
    session = PracticeSessionFactory.create()
    db_rejects(
        f"UPDATE sessions SET {assignment} WHERE id = %s", [session.pk], expected=[constraint]
    )


def test_one_in_progress_session_per_student(db_rejects):
    first = PracticeSessionFactory.create()
    second = PracticeSessionFactory.create(student=first.student, status="abandoned")
    # Closed sessions may pile up.
    PracticeSessionFactory.create(student=first.student, status="abandoned")
    db_rejects(
        "UPDATE sessions SET status = 'in_progress' WHERE id = %s",
        [second.pk],
        expected=["uq_sessions_one_in_progress_per_student", "sessions.student_id"],
    )


@pytest.mark.parametrize(
    ("sql", "constraint"),
    [
        (
            "UPDATE session_problems SET position = 6 WHERE id = %s",
            "ck_session_problems_position_1_to_5",
        ),
        (
            "UPDATE session_problems SET position = 0 WHERE id = %s",
            "ck_session_problems_position_1_to_5",
        ),
    ],
)
def test_session_problem_position(db_rejects, sql, constraint):
    item = SessionProblemFactory.create()
    db_rejects(sql, [item.pk], expected=[constraint])


def test_session_problem_position_and_problem_unique(db_rejects):
    item = SessionProblemFactory.create(position=1)
    other = ProblemFactory.create()
    db_rejects(
        "INSERT INTO session_problems (session_id, problem_id, position) VALUES (%s, %s, 1)",
        [item.session_id, other.pk],
        expected=["uq_session_problems_position", "session_problems.session_id"],
    )
    db_rejects(
        "INSERT INTO session_problems (session_id, problem_id, position) VALUES (%s, %s, 2)",
        [item.session_id, item.problem_id],
        expected=["uq_session_problems_problem", "session_problems.session_id"],
    )


@pytest.mark.parametrize(
    ("assignment", "constraint"),
    [
        ("hints_used = 4", "ck_responses_hints_used_0_to_3"),
        ("hints_used = -1", "ck_responses_hints_used_0_to_3"),
        ("time_spent_seconds = -1", "ck_responses_time_spent_nonnegative"),
        ("confidence = 'sure'", "ck_responses_confidence_valid"),
    ],
)
def test_response_check_constraints(db_rejects, assignment, constraint):
    response = ResponseFactory.create()
    db_rejects(
        f"UPDATE responses SET {assignment} WHERE id = %s", [response.pk], expected=[constraint]
    )


def test_second_response_to_same_problem_in_session_is_rejected(db_rejects):
    response = ResponseFactory.create()
    db_rejects(
        "INSERT INTO responses (session_id, problem_id, student_answer, is_correct, "
        "time_spent_seconds, hints_used, confidence, evaluated_at) "
        "VALUES (%s, %s, '7', FALSE, 10, 0, 'medium', CURRENT_TIMESTAMP)",
        [response.session_id, response.problem_id],
        expected=["uq_responses_session_problem", "responses.session_id"],
    )


def test_hint_view_rules(db_rejects):
    view = HintViewFactory.create(level=1)
    db_rejects(
        "UPDATE hint_views SET level = 4 WHERE id = %s",
        [view.pk],
        expected=["ck_hint_views_level_1_to_3"],
    )
    db_rejects(
        "INSERT INTO hint_views (session_id, problem_id, level, viewed_at) "
        "VALUES (%s, %s, 1, CURRENT_TIMESTAMP)",
        [view.session_id, view.problem_id],
        expected=["uq_hint_views_session_problem_level", "hint_views.session_id"],
    )


@pytest.mark.parametrize(
    ("assignment", "constraint"),
    [
        ("longest_streak = 2, current_streak = 3", "ck_streaks_longest_gte_current"),
        ("current_streak = -1", "ck_streaks_current_nonnegative"),
        ("freezes = 3", "ck_streaks_freezes_0_to_2"),
        ("freezes = -1", "ck_streaks_freezes_0_to_2"),
        ("freezes_used = -1", "ck_streaks_freezes_used_nonnegative"),
    ],
)
def test_streak_check_constraints(db_rejects, assignment, constraint):
    streak = StreakFactory.create()
    db_rejects(f"UPDATE streaks SET {assignment} WHERE id = %s", [streak.pk], expected=[constraint])


def test_one_streak_per_student(db_rejects):
    streak = StreakFactory.create()
    db_rejects(
        "INSERT INTO streaks (student_id, current_streak, longest_streak, created_at, updated_at) "
        "VALUES (%s, 0, 0, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)",
        [streak.student_id],
        expected=["student_id"],
    )


def test_milestones_are_known_and_recorded_once(db_rejects):
    milestone = StreakMilestoneFactory.create(days=7)
    db_rejects(
        "UPDATE streak_milestones SET days = 8 WHERE id = %s",
        [milestone.pk],
        expected=["ck_streak_milestones_days_valid"],
    )
    db_rejects(
        "INSERT INTO streak_milestones (student_id, days, achieved_on) "
        "VALUES (%s, 7, CURRENT_DATE)",
        [milestone.student_id],
        expected=["uq_streak_milestones_once", "streak_milestones.student_id"],
    )


@pytest.mark.parametrize(
    ("assignment", "constraint"),
    [
        ("level = 'expert'", "ck_topic_mastery_level_valid"),
        ("correct = 5, attempts = 4", "ck_topic_mastery_correct_le_attempts"),
        ("correct = -1", "ck_topic_mastery_correct_le_attempts"),
        ("stability = 0", "ck_topic_mastery_stability_positive"),
        ("difficulty = 0.5", "ck_topic_mastery_difficulty_1_to_10"),
        ("difficulty = 10.5", "ck_topic_mastery_difficulty_1_to_10"),
    ],
)
def test_topic_mastery_check_constraints(db_rejects, assignment, constraint):
    mastery = TopicMasteryFactory.create()
    db_rejects(
        f"UPDATE topic_mastery SET {assignment} WHERE id = %s", [mastery.pk], expected=[constraint]
    )


def test_one_mastery_row_per_student_and_topic(db_rejects):
    mastery = TopicMasteryFactory.create()
    db_rejects(
        "INSERT INTO topic_mastery (student_id, topic_id, level, attempts, correct, recent, "
        "created_at, updated_at) "
        "VALUES (%s, %s, 'developing', 0, 0, '', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)",
        [mastery.student_id, mastery.topic_id],
        expected=["uq_topic_mastery_student_topic", "topic_mastery.student_id"],
    )


def test_deleting_a_student_removes_their_practice_data_but_keeps_spend():
    response = ResponseFactory.create()
    student = response.session.student
    StreakFactory.create(student=student)
    StreakMilestoneFactory.create(student=student)
    TopicMasteryFactory.create(student=student)
    cost = CostRecordFactory.create(student=student, session=response.session)

    student.delete()

    assert not PracticeSession.objects.filter(student_id=student.pk).exists()
    assert not Response.objects.filter(pk=response.pk).exists()
    assert not Streak.objects.filter(student_id=student.pk).exists()
    assert not StreakMilestone.objects.filter(student_id=student.pk).exists()
    assert not TopicMastery.objects.filter(student_id=student.pk).exists()
    cost.refresh_from_db()
    assert cost.student_id is None and cost.session_id is None


def test_a_problem_with_responses_is_never_deleted(db_rejects):
    response = ResponseFactory.create()
    with pytest.raises(ProtectedError):
        response.problem.delete()
    # Raw SQL that bypasses Django is refused by the foreign key too.
    db_rejects(
        "DELETE FROM problems WHERE id = %s",
        [response.problem_id],
        expected=["FOREIGN KEY", "foreign key"],
    )
    assert Response.objects.filter(pk=response.pk).exists()


def test_feedback_is_recorded_only_on_a_wrong_answer(db_rejects):
    from apps.content.services import problem_save
    from tests.content.sheets import problem_row

    call_command("loaddata", "fixtures/topics.json", verbosity=0)
    problem = problem_save(
        values=problem_row(feedback_1_answer="4", feedback_1_en="No.", feedback_1_bn="না।"),
        route="command",
    )
    response = ResponseFactory.create(problem=problem, is_correct=False)
    db_rejects(
        "UPDATE responses SET is_correct = TRUE, feedback_id = %s WHERE id = %s",
        [problem.feedback.get().pk, response.pk],
        expected=["ck_responses_feedback_only_when_wrong"],
    )
