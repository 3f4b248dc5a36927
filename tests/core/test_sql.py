"""apps.core.sql: hand-written statements send what the ORM would."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import connection

from apps.core import sql

SAMPLES: dict[type, list[object]] = {
    int: [0, 7, -3, 2**40],
    float: [0.0, 1.5, -2.25],
    str: ["", "x", "বাংলা"],
    bool: [True, False],
    type(None): [None],
}


def _fields_by_kind() -> dict[str, list]:
    kinds: dict[str, list] = {}
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            kinds.setdefault(field.get_internal_type(), []).append(field)
    return kinds


@pytest.mark.parametrize("kind", sorted(sql._PASSES))
def test_a_plain_value_is_prepared_as_the_field_would_prepare_it(kind):
    fields = _fields_by_kind().get(kind)
    if not fields:
        pytest.skip(f"no {kind} in this project")
    for field in fields:
        spec = sql._field(field)
        for value in (v for values in SAMPLES.values() for v in values):
            try:
                expected = field.get_db_prep_save(value, connection)
            except (TypeError, ValueError, ValidationError):
                continue  # a value this field refuses: not one the hot paths write
            prepared = sql._value(spec, value)
            assert prepared == expected, (field, value)
            assert type(prepared) is type(expected), (field, value)


def test_other_values_still_go_through_the_field():
    from apps.practice.models import TopicMastery

    row = TopicMastery(student_id=1, topic_id=2, attempts=True, stability=3, level="developing")
    _, values = sql._prepared(row, ["attempts", "stability", "level", "student"])
    assert values == [1, 3.0, "developing", 1]
    assert type(values[1]) is float
    assert values[0] is not True


def test_some_columns_come_in_the_models_order_for_from_db():
    from apps.practice.models import TopicMastery

    columns, attnames = sql.columns(TopicMastery, "m", ("recent", "topic", "id"))
    assert attnames == ["id", "topic_id", "recent"]
    assert columns == 'm."id", m."topic_id", m."recent"'
    row = TopicMastery.from_db("default", attnames, [5, 2, "CX"])
    assert (row.pk, row.topic_id, row.recent) == (5, 2, "CX")


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="data-modifying WITH clauses")
@pytest.mark.django_db
def test_guarded_writes_are_made_all_together_or_not_at_all():
    from apps.practice.models import Streak
    from tests.practice.helpers import new_student

    guarding, other = new_student(name="Rina"), new_student(grade=6)
    writes = [
        ("UPDATE students SET grade = 8 WHERE id = %s", [other.pk]),
        sql.insert_statement(
            Streak(
                student=other,
                current_streak=2,
                longest_streak=2,
                created_at=other.created_at,
                updated_at=other.created_at,
            )
        ),
    ]

    def guard(name: str) -> sql.Statement:
        return "UPDATE students SET name = name WHERE id = %s AND name = %s", [guarding.pk, name]

    assert sql.execute_guarded(guard("someone else"), writes) is False
    other.refresh_from_db()
    assert other.grade == 6 and not Streak.objects.filter(student=other).exists()

    assert sql.execute_guarded(guard("Rina"), writes) is True
    other.refresh_from_db()
    assert other.grade == 8 and Streak.objects.get(student=other).current_streak == 2


def test_only_inserts_of_values_and_updates_of_rows_can_be_guarded():
    with pytest.raises(ValueError, match="DELETE FROM streaks"):
        sql.execute_guarded(
            ("UPDATE students SET name = name WHERE id = 1", []),
            [("DELETE FROM streaks WHERE id = %s", [1])],
        )
