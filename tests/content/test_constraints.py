"""The database itself holds the content rules: each raw-SQL write below must be refused."""

import pytest

from tests.content.factories import HintFactory, ProblemFactory, ProblemOptionFactory, TopicFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("assignment", "constraint"),
    [
        ("grade = 9", "ck_topics_grade_6_to_8"),
        ("code = ''", "ck_topics_code_not_empty"),
        ("name_bn = ''", "ck_topics_names_not_empty"),
        ('"order" = -1', "ck_topics_order_nonnegative"),
    ],
)
def test_topic_check_constraints(db_rejects, assignment, constraint):
    topic = TopicFactory.create()
    db_rejects(f"UPDATE topics SET {assignment} WHERE id = %s", [topic.pk], expected=[constraint])


def test_topic_code_is_unique(db_rejects):
    first, second = TopicFactory.create(), TopicFactory.create()
    db_rejects(
        "UPDATE topics SET code = %s WHERE id = %s",
        [first.code, second.pk],
        expected=["uq_topics_code", "topics.code"],
    )


@pytest.mark.parametrize(
    ("assignment", "constraint"),
    [
        ("difficulty = 0", "ck_problems_difficulty_1_to_3"),
        ("difficulty = 4", "ck_problems_difficulty_1_to_3"),
        ("answer_type = 'essay'", "ck_problems_answer_type_valid"),
        ("estimated_time_minutes = 0", "ck_problems_estimated_time_1_to_120"),
        ("version = 0", "ck_problems_version_positive"),
        ("answer = ''", "ck_problems_answer_not_empty"),
        ("code = ''", "ck_problems_code_not_empty"),
        ("question_bn = ''", "ck_problems_questions_not_empty"),
        ("answer_type = 'fraction', tolerance = '0.1'", "ck_problems_tolerance_numeric_only"),
        ("simplest_form = TRUE", "ck_problems_simplest_form_fraction_only"),
        ("rated_answers = -1", "ck_problems_rated_answers_nonnegative"),
        ("accepted_answers = 'forty-two'", "ck_problems_accepted_answers_text_only"),
        ("answer_bn = 'বিয়াল্লিশ'", "ck_problems_answer_bn_exactly_for_text"),
        ("answer_type = 'text'", "ck_problems_answer_bn_exactly_for_text"),
        ("answer_type = 'multiple_choice', answer = 'E'", "ck_problems_choice_answer_a_to_d"),
    ],
)
def test_problem_check_constraints(db_rejects, assignment, constraint):
    problem = ProblemFactory.create()
    db_rejects(
        f"UPDATE problems SET {assignment} WHERE id = %s", [problem.pk], expected=[constraint]
    )


def test_problem_code_is_unique(db_rejects):
    first, second = ProblemFactory.create(), ProblemFactory.create()
    db_rejects(
        "UPDATE problems SET code = %s WHERE id = %s",
        [first.code, second.pk],
        expected=["uq_problems_code", "problems.code"],
    )


@pytest.mark.parametrize(
    ("assignment", "constraint"),
    [
        ("label = 'E'", "ck_problem_options_label_a_to_d"),
        ("text_bn = ''", "ck_problem_options_text_not_empty"),
    ],
)
def test_option_check_constraints(db_rejects, assignment, constraint):
    option = ProblemOptionFactory.create()
    db_rejects(
        f"UPDATE problem_options SET {assignment} WHERE id = %s", [option.pk], expected=[constraint]
    )


def test_option_label_unique_per_problem(db_rejects):
    option = ProblemOptionFactory.create(label="A")
    db_rejects(
        "INSERT INTO problem_options (problem_id, label, text_en, text_bn) "
        "VALUES (%s, 'A', 'x', 'y')",
        [option.problem_id],
        expected=["uq_problem_options_problem_label", "problem_options.problem_id"],
    )


@pytest.mark.parametrize(
    ("assignment", "constraint"),
    [
        ("level = 4", "ck_hints_level_1_to_3"),
        ("level = 0", "ck_hints_level_1_to_3"),
        ("text_en = '', text_bn = ''", "ck_hints_has_text"),
    ],
)
def test_hint_check_constraints(db_rejects, assignment, constraint):
    hint = HintFactory.create()
    db_rejects(f"UPDATE hints SET {assignment} WHERE id = %s", [hint.pk], expected=[constraint])


def test_one_hint_per_level(db_rejects):
    hint = HintFactory.create(level=2)
    db_rejects(
        "INSERT INTO hints (problem_id, level, text_en, text_bn, is_ai_generated, created_at, "
        "updated_at) VALUES (%s, 2, 'a', 'b', FALSE, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)",
        [hint.problem_id],
        expected=["uq_hints_problem_level", "hints.problem_id"],
    )


def test_hint_may_lack_one_language_until_filled():
    hint = HintFactory.create(text_bn="")
    hint.refresh_from_db()
    assert hint.text_en and not hint.text_bn


def test_a_topic_with_problems_cannot_be_deleted(db_rejects):
    problem = ProblemFactory.create()
    db_rejects(
        "DELETE FROM topics WHERE id = %s",
        [problem.topic_id],
        expected=["FOREIGN KEY", "foreign key"],
    )


def test_timestamps_filled_by_the_database_for_raw_inserts():
    from django.db import connection

    from apps.content.models import Topic

    with connection.cursor() as cursor:
        cursor.execute(
            'INSERT INTO topics (grade, code, name_en, name_bn, "order", outcome_code) '
            "VALUES (6, 'raw-topic', 'Raw', 'কাঁচা', 1, '')"
        )
    topic = Topic.objects.get(code="raw-topic")
    assert topic.created_at is not None and topic.updated_at is not None


def test_a_problems_grade_is_its_topics_so_they_cannot_disagree():
    """The grade is not stored twice: a problem has no grade column of its own."""
    from apps.content.models import Problem

    assert "grade" not in {field.name for field in Problem._meta.get_fields()}
    problem = ProblemFactory.create(topic=TopicFactory.create(grade=8))
    assert Problem.objects.filter(topic__grade=8, pk=problem.pk).exists()


def test_only_ai_written_hints_carry_a_review(db_rejects):
    hint = HintFactory.create()
    db_rejects(
        "UPDATE hints SET reviewed_at = CURRENT_TIMESTAMP WHERE id = %s",
        [hint.pk],
        expected=["ck_hints_only_ai_hints_are_reviewed"],
    )


def test_problem_versions_are_one_per_number_and_route_is_known(db_rejects):
    from django.utils import timezone

    from apps.content.models import ProblemVersion

    problem = ProblemFactory.create()
    version = ProblemVersion.objects.create(
        problem=problem, version=1, route="admin", saved_at=timezone.now(), data={}
    )
    db_rejects(
        "INSERT INTO problem_versions (problem_id, version, route, saved_at, data, changed) "
        "VALUES (%s, 1, 'admin', CURRENT_TIMESTAMP, '{}', '[]')",
        [problem.pk],
        expected=["uq_problem_versions_problem_version", "problem_versions.problem_id"],
    )
    db_rejects(
        "UPDATE problem_versions SET route = 'email' WHERE id = %s",
        [version.pk],
        expected=["ck_problem_versions_route_valid"],
    )
    db_rejects(
        "UPDATE problem_versions SET version = 0 WHERE id = %s",
        [version.pk],
        expected=["ck_problem_versions_version_positive"],
    )
