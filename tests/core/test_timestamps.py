"""apps.core.timestamps: PostgreSQL's timestamptz values read as Django's loader reads them."""

from __future__ import annotations

import datetime as dt

import psycopg
import pytest
from django.db import connection
from django.db.backends.postgresql.psycopg_any import register_tzloader

from apps.core.timestamps import FastTimestamptzLoader, loader_for

OID = psycopg.adapters.types["timestamptz"].oid
TEXTS = [
    b"2026-12-03 12:00:00+00",
    b"2026-12-03 12:00:00.123456+00",
    b"2026-12-03 12:00:00.1+00",
    b"2026-03-29 01:30:00+06",
    b"2026-12-03 23:59:59.999999+05:30",
    b"1890-01-01 00:00:00+05:53:28",
    b"0001-01-01 00:00:00+00",
    b"9999-12-31 23:59:59.999999+00",
    b"2000-02-29 12:00:00-03:30",
]


def _django_loader() -> type:
    """The loader Django registers for a connection in UTC (psycopg_any.register_tzloader)."""
    holder = psycopg.adapt.AdaptersMap(psycopg.adapters)

    class Context:
        adapters = holder

    register_tzloader(dt.UTC, Context)
    loader = holder.get_loader(OID, psycopg.pq.Format.TEXT)
    assert loader is not None
    return loader


@pytest.mark.parametrize("text", TEXTS)
def test_reads_the_same_datetime_as_djangos_loader(text):
    fast = loader_for(dt.UTC)(OID, None).load(text)
    django = _django_loader()(OID, None).load(text)
    assert fast == django
    assert fast.tzinfo is django.tzinfo is dt.UTC
    assert fast.isoformat() == django.isoformat()


@pytest.mark.parametrize("text", [b"infinity", b"-infinity", b"0001-01-01 00:00:00+00 BC"])
def test_what_it_cannot_read_goes_to_djangos_loading(text):
    with pytest.raises(psycopg.DataError) as django:
        _django_loader()(OID, None).load(text)
    with pytest.raises(psycopg.DataError) as fast:
        loader_for(dt.UTC)(OID, None).load(text)
    assert str(fast.value) == str(django.value)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL loader")
@pytest.mark.django_db
def test_postgresql_connections_use_it_and_read_what_django_would():
    query = (
        "SELECT now(), TIMESTAMPTZ '2026-12-03 18:00:00.25 Asia/Dhaka', "
        "TIMESTAMPTZ '1890-01-01 00:00 Asia/Dhaka', NULL::timestamptz"
    )
    with connection.cursor() as cursor:
        loader = cursor.cursor.adapters.get_loader(OID, psycopg.pq.Format.TEXT)
        assert issubclass(loader, FastTimestamptzLoader)
        cursor.execute(query)
        fast = cursor.fetchone()
    with connection.cursor() as cursor:
        register_tzloader(connection.timezone, cursor.cursor)
        cursor.execute(query)
        django = cursor.fetchone()
    assert fast == django
    assert [v.tzinfo if v else None for v in fast] == [v.tzinfo if v else None for v in django]
    assert fast[1] == dt.datetime(2026, 12, 3, 12, 0, 0, 250000, tzinfo=dt.UTC)
