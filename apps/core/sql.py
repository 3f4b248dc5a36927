"""Hand-written SQL for the few hot paths where the ORM's query building costs more than the
query (README, Benchmarks): portable statements (PostgreSQL and SQLite), run through Django's
connection (so its wrappers, transactions and test machinery apply), with values as the ORM
would give them.

Only plain column reads and standard SQL belong here; anything else stays in the ORM.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

from django.db import connection


def _aware(values: Sequence[Any]) -> tuple[Any, ...]:
    # SQLite hands back naive datetimes (Django's ORM makes them aware in a converter); they
    # are stored in UTC.
    return tuple(
        v.replace(tzinfo=dt.UTC) if isinstance(v, dt.datetime) and v.tzinfo is None else v
        for v in values
    )


def _params(params: Sequence[Any]) -> list[Any]:
    """Datetimes and dates as the ORM would store them (SQLite keeps naive UTC text)."""
    ops = connection.ops
    return [
        ops.adapt_datetimefield_value(p)
        if isinstance(p, dt.datetime)
        else ops.adapt_datefield_value(p)
        if isinstance(p, dt.date)
        else p
        for p in params
    ]


def fetch_all(sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, _params(params))
        rows = cursor.fetchall()
    if connection.vendor == "sqlite":
        return [_aware(row) for row in rows]
    return rows


def fetch_one(sql: str, params: Sequence[Any] = ()) -> tuple[Any, ...] | None:
    with connection.cursor() as cursor:
        cursor.execute(sql, _params(params))
        row = cursor.fetchone()
    if row is not None and connection.vendor == "sqlite":
        return _aware(row)
    return row


def execute(sql: str, params: Sequence[Any] = ()) -> int:
    """Run a write; the number of rows it touched."""
    with connection.cursor() as cursor:
        cursor.execute(sql, _params(params))
        return int(cursor.rowcount)


def execute_many(sql: str, rows: Sequence[Sequence[Any]]) -> None:
    """One write statement run for each row of values (a batch, one round trip per driver)."""
    if rows:
        with connection.cursor() as cursor:
            cursor.executemany(sql, [_params(row) for row in rows])


@cache
def columns(model: Any, alias: str, names: tuple[str, ...] = ()) -> tuple[str, list[str]]:
    """`alias.col1, alias.col2, …` for every concrete field of `model` (or only the fields
    `names`), in the model's order, and their attnames (for `model.from_db`, which takes the
    values in that order and defers the fields left out)."""
    wanted = {model._meta.get_field(name) for name in names}
    fields = [f for f in model._meta.concrete_fields if not names or f in wanted]
    quote = connection.ops.quote_name
    return (
        ", ".join(f"{alias}.{quote(f.column)}" for f in fields),
        [f.attname for f in fields],
    )


def placeholders(count: int) -> str:
    return ", ".join(["%s"] * count)


def rows(count: int, width: int) -> str:
    """`(%s, %s), (%s, %s), …`: `count` rows of `width` values for a VALUES list."""
    return ", ".join([f"({placeholders(width)})"] * count)


_INTEGER_FIELDS = frozenset(
    {
        "BigIntegerField",
        "IntegerField",
        "PositiveBigIntegerField",
        "PositiveIntegerField",
        "PositiveSmallIntegerField",
        "SmallIntegerField",
    }
)
# The types a value of each kind of field may already have for its `get_db_prep_save` to send
# it unchanged (tests/core/test_sql.py checks every field of the project on both databases).
_PASSES: dict[str, frozenset[type]] = {
    "AutoField": frozenset({int, type(None)}),
    "BigAutoField": frozenset({int, type(None)}),
    "ForeignKey": frozenset({int, type(None)}),
    "OneToOneField": frozenset({int, type(None)}),
    "BooleanField": frozenset({bool, type(None)}),
    "CharField": frozenset({str, type(None)}),
    "TextField": frozenset({str, type(None)}),
    "FloatField": frozenset({float, type(None)}),
    **dict.fromkeys(_INTEGER_FIELDS, frozenset({type(None)})),
}


@dataclass(frozen=True, slots=True)
class _Field:
    field: Any
    passes: frozenset[type]
    integer: str  # an integer field's kind: an int goes to adapt_integerfield_value


@cache
def _fields(model: Any, names: tuple[str, ...]) -> tuple[list[str], list[_Field]]:
    """The quoted columns of `names`, and how to prepare each field's value."""
    fields = [model._meta.get_field(name) for name in names]
    quote = connection.ops.quote_name
    return (
        [quote(f.column) for f in fields],
        [_field(f) for f in fields],
    )


def _field(field: Any) -> _Field:
    kind = field.get_internal_type()
    return _Field(field, _PASSES.get(kind, frozenset()), kind if kind in _INTEGER_FIELDS else "")


def _value(spec: _Field, value: Any) -> Any:
    """`spec.field.get_db_prep_save(value, connection)`, without its generic path for the
    plain values the hot paths write (it costs more than the rest of building a statement)."""
    if type(value) in spec.passes:
        return value
    if spec.integer and type(value) is int:
        return connection.ops.adapt_integerfield_value(value, spec.integer)
    return spec.field.get_db_prep_save(value, connection)


def _prepared(instance: Any, names: Sequence[str]) -> tuple[list[str], list[Any]]:
    columns_, specs = _fields(instance.__class__, tuple(names))
    return columns_, [_value(spec, getattr(instance, spec.field.attname)) for spec in specs]


Statement = tuple[str, list[Any]]


def update_statement(instance: Any, names: Sequence[str]) -> Statement:
    """`instance.save(update_fields=names)` as a statement, without the ORM's query building
    (no signals)."""
    columns_, values = _prepared(instance, names)
    assignments = ", ".join(f"{c} = %s" for c in columns_)
    table = connection.ops.quote_name(instance._meta.db_table)
    return (
        f"UPDATE {table} SET {assignments} WHERE id = %s",  # noqa: S608 - names from the model
        [*values, instance.pk],
    )


def insert_statement(instance: Any) -> Statement:
    """`instance.save(force_insert=True)` as a statement, for a model whose fields are all set
    (timestamps included)."""
    from django.db.models.expressions import DatabaseDefault

    names = [
        f.name
        for f in instance._meta.concrete_fields
        if not f.primary_key and not isinstance(getattr(instance, f.attname), DatabaseDefault)
    ]
    columns_, values = _prepared(instance, names)
    table = connection.ops.quote_name(instance._meta.db_table)
    return (
        f"INSERT INTO {table} ({', '.join(columns_)}) "  # noqa: S608 - names from the model
        f"VALUES ({placeholders(len(values))})",
        values,
    )


def insert(instance: Any) -> None:
    """`insert_statement` run; sets `instance.pk`."""
    statement, values = insert_statement(instance)
    with connection.cursor() as cursor:
        if connection.features.can_return_columns_from_insert:
            cursor.execute(statement + " RETURNING id", values)
            instance.pk = cursor.fetchone()[0]
        else:
            cursor.execute(statement, values)
            instance.pk = cursor.lastrowid
    instance._state.adding = False


def combines_writes() -> bool:
    """Whether writes can share one statement (PostgreSQL's data-modifying WITH clauses)."""
    return connection.vendor == "postgresql"


def execute_together(statements: Sequence[Statement]) -> None:
    """Writes that belong to one change (INSERT, UPDATE or DELETE, on different rows), as one
    statement where the database allows it, else one after the other. Either way they succeed
    or fail together inside the caller's transaction; the combined one also costs one round
    trip instead of several. Every part runs exactly once, in order, and sees the rows as they
    were before the statement (none may read what another part writes)."""
    if not combines_writes() or len(statements) < 2:
        for statement, params in statements:
            execute(statement, params)
        return
    *firsts, (last, last_params) = statements
    clauses = ", ".join(f"w{n} AS ({statement})" for n, (statement, _) in enumerate(firsts))
    params = [value for _, values in firsts for value in values]
    execute(f"WITH {clauses} {last}", [*params, *last_params])


_INSERT_VALUES = re.compile(r"(INSERT INTO [^(]+\([^)]*\)) VALUES \((.*)\)", re.DOTALL)


@lru_cache(maxsize=256)
def _guarded(statement: str) -> str:
    """`statement` made to write only where the guard matched (the same few texts recur)."""
    insert = _INSERT_VALUES.fullmatch(statement)
    if insert is not None:
        return f"{insert[1]} SELECT {insert[2]} FROM guard"  # noqa: S608 - our statements
    if statement.startswith("UPDATE ") and " WHERE " in statement:
        return f"{statement} AND EXISTS (SELECT FROM guard)"
    raise ValueError(f"not INSERT … VALUES or UPDATE … WHERE: {statement[:60]}")  # noqa: S608


def execute_guarded(guard: Statement, statements: Sequence[Statement]) -> bool:
    """PostgreSQL: an UPDATE of one row whose WHERE holds only while nothing else has changed
    that row (`guard`, e.g. on its `xmin`), and the writes that belong with it (each an
    `INSERT … VALUES (…)` or an `UPDATE … WHERE …`), as one statement that writes all of them
    if the guard updated its row (True) and none if not (False).

    The guard's UPDATE waits for a concurrent writer of its row, then tests its WHERE on the
    row as that writer left it (READ COMMITTED): a change committed after this statement began
    fails it too, which a plain read of the row would not see."""
    clauses = "".join(
        f", w{n} AS ({_guarded(statement)})" for n, (statement, _) in enumerate(statements)
    )
    params = [*guard[1], *(value for _, values in statements for value in values)]
    combined = f"WITH guard AS ({guard[0]} RETURNING 1){clauses} SELECT COUNT(*) FROM guard"  # noqa: S608
    row = fetch_one(combined, params)
    return bool(row and row[0])
