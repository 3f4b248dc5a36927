"""The database itself holds the students' rules: each raw-SQL write below must be refused."""

import pytest

from tests.students.factories import GuardianFactory, GuardianStudentFactory, StudentFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("assignment", "constraint"),
    [
        ("grade = 9", "ck_students_grade_6_to_8"),
        ("grade = 5", "ck_students_grade_6_to_8"),
        ("language = 'fr'", "ck_students_language_valid"),
        ("telegram_id = 0", "ck_students_telegram_id_positive_or_demo"),
        ("telegram_id = -5", "ck_students_telegram_id_positive_or_demo"),  # negative: demo only
        ("name = ''", "ck_students_name_not_empty"),
        ("timezone = ''", "ck_students_timezone_not_empty"),
    ],
)
def test_student_check_constraints(db_rejects, assignment, constraint):
    student = StudentFactory.create()
    db_rejects(
        f"UPDATE students SET {assignment} WHERE id = %s", [student.pk], expected=[constraint]
    )


def test_student_grade_may_be_empty_until_registration():
    student = StudentFactory.create(grade=None)
    student.refresh_from_db()
    assert student.grade is None


def test_duplicate_telegram_id_is_rejected(db_rejects):
    first, second = StudentFactory.create(), StudentFactory.create()
    db_rejects(
        "UPDATE students SET telegram_id = %s WHERE id = %s",
        [first.telegram_id, second.pk],
        expected=["uq_students_telegram_id", "students.telegram_id"],
    )


@pytest.mark.parametrize(
    ("assignment", "constraint"),
    [
        ("name = ''", "ck_guardians_name_not_empty"),
        # A guardian is reachable: a phone, or a Telegram account (the factory's has none).
        ("phone = ''", "ck_guardians_phone_or_telegram"),
        ("language = 'fr'", "ck_guardians_language_valid"),
        ("timezone = ''", "ck_guardians_timezone_not_empty"),
    ],
)
def test_guardian_check_constraints(db_rejects, assignment, constraint):
    guardian = GuardianFactory.create()
    db_rejects(
        f"UPDATE guardians SET {assignment} WHERE id = %s", [guardian.pk], expected=[constraint]
    )


def test_guardian_on_telegram_may_have_no_phone():
    guardian = GuardianFactory.create(phone="", telegram_id=777)
    guardian.refresh_from_db()
    assert (guardian.phone, guardian.telegram_id) == ("", 777)


def test_guardian_telegram_id_unique_when_set(db_rejects):
    GuardianFactory.create(telegram_id=None)
    GuardianFactory.create(telegram_id=None)  # several guardians without Telegram are fine
    first = GuardianFactory.create(telegram_id=555)
    second = GuardianFactory.create(telegram_id=None)
    db_rejects(
        "UPDATE guardians SET telegram_id = %s WHERE id = %s",
        [first.telegram_id, second.pk],
        expected=["uq_guardians_telegram_id", "guardians.telegram_id"],
    )


def test_guardian_relationship_must_be_known(db_rejects):
    link = GuardianStudentFactory.create()
    db_rejects(
        "UPDATE guardian_students SET relationship = 'uncle' WHERE id = %s",
        [link.pk],
        expected=["ck_guardian_students_relationship_valid"],
    )


def test_guardian_linked_once_per_student(db_rejects):
    link = GuardianStudentFactory.create()
    db_rejects(
        "INSERT INTO guardian_students (guardian_id, student_id, relationship, created_at) "
        "VALUES (%s, %s, 'father', CURRENT_TIMESTAMP)",
        [link.guardian_id, link.student_id],
        expected=["uq_guardian_students_pair", "guardian_students.guardian_id"],
    )


def test_deleting_a_student_removes_their_guardian_links_not_the_guardian():
    link = GuardianStudentFactory.create()
    link.student.delete()
    assert link.guardian.__class__.objects.filter(pk=link.guardian_id).exists()
    assert not link.__class__.objects.filter(pk=link.pk).exists()


def test_student_rated_answers_cannot_be_negative(db_rejects):
    student = StudentFactory.create()
    db_rejects(
        "UPDATE students SET rated_answers = -1 WHERE id = %s",
        [student.pk],
        expected=["ck_students_rated_answers_nonnegative"],
    )


def test_token_rules(db_rejects):
    from apps.students.services import token_issue

    student = StudentFactory.create()
    token_issue(student=student, via="bot")
    token_issue(student=student, via="telegram")
    first, second = student.tokens.order_by("id")
    db_rejects(
        "UPDATE student_tokens SET expires_at = created_at WHERE id = %s",
        [first.pk],
        expected=["ck_student_tokens_expire_after_creation"],
    )
    db_rejects(
        "UPDATE student_tokens SET via = 'sms' WHERE id = %s",
        [first.pk],
        expected=["ck_student_tokens_via_valid"],
    )
    db_rejects(
        "UPDATE student_tokens SET key_hash = %s WHERE id = %s",
        [first.key_hash, second.pk],
        expected=["uq_student_tokens_key_hash", "student_tokens.key_hash"],
    )


def test_service_key_rules(db_rejects):
    from apps.students.services import service_key_create

    first, _ = service_key_create(name="bot one")
    second, _ = service_key_create(name="bot two")
    db_rejects(
        "UPDATE service_api_keys SET name = '' WHERE id = %s",
        [first.pk],
        expected=["ck_service_api_keys_name_not_empty"],
    )
    db_rejects(
        "UPDATE service_api_keys SET prefix = %s WHERE id = %s",
        [first.prefix, second.pk],
        expected=["uq_service_api_keys_prefix", "service_api_keys.prefix"],
    )
