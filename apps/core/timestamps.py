"""Reading PostgreSQL's `timestamptz` values: the same datetimes as Django's loader, faster.

Django replaces psycopg's C loader for `timestamptz` with a Python subclass of psycopg's Python
loader, to give every value the connection's time zone (`datetime.timezone.utc`). Parsing in
Python costs 6-8 µs a value, and the hot reads load dozens (a session's five rows each carry
its timestamps). This loader parses PostgreSQL's ISO output with `datetime.fromisoformat` (C,
under 1 µs) and converts it to the same zone; anything else (another DateStyle, infinity, BC
dates, a value without an offset) goes to Django's own loading. tests/core/test_timestamps.py
holds the two equal, value and time zone, over values PostgreSQL writes.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from typing import Any

from psycopg.types.datetime import TimestamptzLoader

_fromisoformat = dt.datetime.fromisoformat


class FastTimestamptzLoader(TimestamptzLoader):
    timezone: dt.tzinfo | None = None  # Django compares it to the connection's (create_cursor)

    def load(self, data: Any) -> dt.datetime:
        try:
            value = _fromisoformat(bytes(data).decode())
        except ValueError:
            value = None
        if value is None or value.tzinfo is None:
            return super().load(data).replace(tzinfo=self.timezone)  # Django's loading
        return value.astimezone(self.timezone)


@cache
def loader_for(timezone: dt.tzinfo) -> type[FastTimestamptzLoader]:
    return type("DarsTimestamptzLoader", (FastTimestamptzLoader,), {"timezone": timezone})


def register(sender: Any, connection: Any, **kwargs: Any) -> None:
    """`connection_created`: use the fast loader on a new PostgreSQL connection (with
    USE_TZ; without it Django's loader makes naive datetimes, and stays)."""
    if connection.vendor != "postgresql" or connection.timezone is None:
        return
    connection.connection.adapters.register_loader("timestamptz", loader_for(connection.timezone))
