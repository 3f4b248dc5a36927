from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import pytest
from django.db import IntegrityError, connection, transaction


def _run_raw(sql: str, params: Sequence[Any]) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, list(params))
        # Foreign keys are deferred until commit; check them now, as a commit would.
        connection.check_constraints()


@pytest.fixture
def db_rejects(db: None) -> Callable[..., str]:
    """Run raw SQL (bypassing Django) and assert the database itself refuses it.

    `expected` names the constraint; for plain UNIQUE constraints SQLite reports the columns
    instead of the name, so a `table.column` alternative may be given.
    """

    def check(sql: str, params: Sequence[Any] = (), *, expected: Sequence[str]) -> str:
        with pytest.raises(IntegrityError) as excinfo:
            _run_raw(sql, params)
        message = str(excinfo.value)
        assert any(name in message for name in expected), message
        return message

    return check


@pytest.fixture
def topics(db: None) -> None:
    """The shipped NCTB topics (fixtures/topics.json)."""
    from django.core.management import call_command

    call_command("loaddata", "fixtures/topics.json", verbosity=0)


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    """Throttle counters live in the cache; every test starts with none."""
    from django.core.cache import cache

    cache.clear()
