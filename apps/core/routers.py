"""Reports may read from a replica (`DATABASE_REPLICA_URL`): code that builds a report wraps its
queries in `with reports():`, and the router sends those reads — and only those — to the
`replica` database when one is configured. Writes, migrations and every other read stay on
`default`."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.conf import settings

REPLICA = "replica"
_reporting: ContextVar[bool] = ContextVar("dars_reporting", default=False)


@contextmanager
def reports() -> Iterator[None]:
    token = _reporting.set(True)
    try:
        yield
    finally:
        _reporting.reset(token)


class ReportsRouter:
    def db_for_read(self, model: Any, **hints: Any) -> str | None:
        if _reporting.get() and REPLICA in settings.DATABASES:
            return REPLICA
        return None

    def db_for_write(self, model: Any, **hints: Any) -> str | None:
        return "default"

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool | None:
        return True  # the replica holds the same rows

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool | None:
        return db != REPLICA
