"""Timestamps are read by psycopg's compiled loader on PostgreSQL, and read as Django read them."""

import datetime
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.db.backends.postgresql.psycopg_any import register_tzloader

from iop.pgtimes import TIMESTAMPTZ_OID, CompiledUtcLoader, use_compiled_timestamps

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="psycopg's loaders read PostgreSQL only; CI runs these with DATABASE_URL",
)

# Edge values: the ends of the range, microseconds, an offset other than UTC, a leap day.
LITERALS = [
    "0001-01-01 00:00:00+00",
    "9999-12-31 23:59:59.999999+00",
    "2026-03-08 02:30:00.5-05",
    "2024-02-29 23:59:59.000001+05:30",
    "1969-12-31 23:59:59+00",
    "2026-11-28 12:00:00+00",
]
SELECT = "SELECT " + ", ".join(f"'{text}'::timestamptz" for text in LITERALS)


@postgres_only
@pytest.mark.django_db
def test_connection_reads_timestamps_with_the_compiled_loader():
    with connection.cursor() as cursor:
        cursor.execute("SELECT now()")
        loader = cursor.cursor.adapters.get_loader(TIMESTAMPTZ_OID, 0)
    assert loader is CompiledUtcLoader


@postgres_only
@pytest.mark.django_db
def test_values_equal_djangos_loader_and_carry_djangos_utc_label():
    with connection.cursor() as cursor:
        cursor.execute(SELECT)
        ours = cursor.fetchone()
        django_cursor = connection.connection.cursor()
        register_tzloader(datetime.UTC, django_cursor)  # Django's own, on this cursor
        django_cursor.execute(SELECT)
        theirs = django_cursor.fetchone()
    assert ours == theirs
    assert [value.tzinfo for value in ours] == [datetime.UTC] * len(LITERALS)
    assert ours[2] == datetime.datetime(2026, 3, 8, 7, 30, 0, 500000, tzinfo=datetime.UTC)


@postgres_only
@pytest.mark.django_db
def test_a_model_datetime_round_trips(clinician):
    at = datetime.datetime(2026, 11, 28, 9, 15, 30, 123456, tzinfo=ZoneInfo("America/New_York"))
    clinician.last_login = at
    clinician.save(update_fields=["last_login"])
    clinician.refresh_from_db()
    assert clinician.last_login == at
    assert clinician.last_login.tzinfo is datetime.UTC


def test_a_connection_outside_utc_keeps_djangos_loader():
    registered = []
    adapters = SimpleNamespace(register_loader=lambda *args: registered.append(args))
    elsewhere = SimpleNamespace(
        vendor="postgresql",
        timezone=ZoneInfo("America/New_York"),
        connection=SimpleNamespace(adapters=adapters),
    )
    use_compiled_timestamps(sender=None, connection=elsewhere)
    assert registered == []
    sqlite = SimpleNamespace(vendor="sqlite", timezone=datetime.UTC, connection=None)
    use_compiled_timestamps(sender=None, connection=sqlite)  # nothing to register, no error
