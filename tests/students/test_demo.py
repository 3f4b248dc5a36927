"""Demo students (the Mini App's demo mode): one per staff member, in the negative telegram_id
range no Telegram account can reach, held there by the database."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from apps.students.domain import SHARED_DEMO_TELEGRAM_ID
from apps.students.models import Student, StudentToken
from apps.students.services import demo_sign_in, student_sign_in

pytestmark = pytest.mark.django_db


def _staff(username: str = "nasrin", **fields) -> User:
    return User.objects.create_user(username, password="x", is_staff=True, **fields)


def test_a_staff_members_demo_student_is_theirs_and_reused():
    user = _staff(first_name="Nasrin")
    first = demo_sign_in(user=user)
    again = demo_sign_in(user=user)
    assert first.created and not again.created
    assert first.student.pk == again.student.pk
    student = Student.objects.get(pk=first.student.pk)
    assert (student.telegram_id, student.demo_of, student.name) == (-user.pk, user, "Nasrin")
    assert student.is_demo and not student.registered
    assert first.token != again.token
    assert set(StudentToken.objects.values_list("via", flat=True)) == {"demo"}


def test_each_staff_member_has_their_own_demo_student_and_the_shared_one_is_apart():
    one, two = demo_sign_in(user=_staff("one")), demo_sign_in(user=_staff("two"))
    shared = demo_sign_in(user=None)
    assert len({one.student.pk, two.student.pk, shared.student.pk}) == 3
    assert shared.student.telegram_id == SHARED_DEMO_TELEGRAM_ID
    assert shared.student.demo_of is None and shared.student.is_demo
    assert demo_sign_in(user=None).student.pk == shared.student.pk


def test_a_real_telegram_sign_in_is_never_a_demo_student():
    user = _staff()
    demo = demo_sign_in(user=user).student
    real = student_sign_in(telegram_id=user.pk, name="Dipa", via="telegram").student
    assert real.pk != demo.pk and not real.is_demo and real.demo_of is None


def test_removing_the_staff_member_removes_their_demo_student():
    user = _staff()
    student = demo_sign_in(user=user).student
    user.delete()
    assert not Student.objects.filter(pk=student.pk).exists()


@pytest.mark.parametrize(
    ("sql", "reason"),
    [
        ("UPDATE students SET telegram_id = %s WHERE id = %s", "a negative id with no staff"),
        ("UPDATE students SET demo_of_id = NULL WHERE id = %s", "a demo id without its staff"),
    ],
)
def test_the_database_keeps_demo_ids_tied_to_their_staff_member(db_rejects, sql, reason):
    user = _staff()
    demo = demo_sign_in(user=user).student
    params = [-12345, demo.pk] if "telegram_id" in sql else [demo.pk]
    db_rejects(sql, params, expected=["ck_students_telegram_id_positive_or_demo"])


def test_a_real_student_cannot_be_linked_to_a_staff_member(db_rejects):
    user = _staff()
    real = student_sign_in(telegram_id=777, name="Dipa", via="bot").student
    db_rejects(
        "UPDATE students SET demo_of_id = %s WHERE id = %s",
        [user.pk, real.pk],
        expected=["ck_students_telegram_id_positive_or_demo"],
    )
