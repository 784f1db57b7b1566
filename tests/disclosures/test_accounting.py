"""The accounting lists exactly the disclosures of the past 3 years; a disclosure is permanent
(ORM guard, and on PostgreSQL a trigger refusing UPDATE, DELETE and TRUNCATE)."""

from datetime import datetime

import pytest
from django.db import connection, transaction
from django.db.utils import DatabaseError

from disclosures.models import Disclosure
from disclosures.services import release_create
from iop.audit.appendonly import AppendOnlyError
from tests.disclosures.helpers import release_data
from tests.sessions.helpers import NY


def release(episode, user, **overrides):
    return release_create(
        patient=episode.patient, episode=episode, user=user, data=release_data(**overrides)
    )


@pytest.fixture
def disclosure(sud_episode, clinician, consent):
    return release(sud_episode, clinician, consent=consent(sud_episode))


def test_accounting_lists_exactly_the_disclosures_made(sud_episode, mh_episode, clinician, consent):
    part2 = consent(sud_episode)
    first = release(sud_episode, clinician, consent=part2)
    own = release(sud_episode, clinician, recipient_kind="patient", recipient_name="")
    release(mh_episode, clinician, consent=consent(mh_episode, kind="release"))  # another patient
    accounting = list(Disclosure.objects.for_accounting(sud_episode.patient))
    assert accounting == [own, first]


def test_accounting_covers_three_years_and_no_more(sud_episode, clinician, clock, consent):
    part2 = consent(sud_episode, expires_on=None, expiry_event="End of treatment")
    old = release(sud_episode, clinician, consent=part2)  # Mon 2 Nov 2026, 08:00
    clock.move_to(datetime(2029, 11, 2, 7, 59, tzinfo=NY), tick=False)
    assert list(Disclosure.objects.for_accounting(sud_episode.patient)) == [old]
    clock.move_to(datetime(2029, 11, 2, 8, 1, tzinfo=NY), tick=False)
    assert list(Disclosure.objects.for_accounting(sud_episode.patient)) == []


def test_a_disclosure_cannot_be_changed_through_the_orm(disclosure):
    disclosure.recipient_name = "Someone else"
    with pytest.raises(AppendOnlyError):
        disclosure.save()
    with pytest.raises(AppendOnlyError):
        Disclosure.objects.filter(pk=disclosure.pk).update(recipient_name="Someone else")
    assert Disclosure.objects.get(pk=disclosure.pk).recipient_name == "Riverside Primary Care"


def test_a_disclosure_cannot_be_deleted_through_the_orm(disclosure):
    with pytest.raises(AppendOnlyError):
        disclosure.delete()
    with pytest.raises(AppendOnlyError):
        Disclosure.objects.all().delete()
    assert Disclosure.objects.filter(pk=disclosure.pk).exists()


postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="the trigger exists on PostgreSQL; run with DATABASE_URL pointing at it",
)


@postgresql_only
@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE disclosures_disclosure SET recipient_name = 'rewritten' WHERE id = %s",
        "DELETE FROM disclosures_disclosure WHERE id = %s",
    ],
)
def test_postgresql_refuses_update_and_delete_in_raw_sql(disclosure, sql):
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql, [disclosure.pk])
    assert Disclosure.objects.get(pk=disclosure.pk).recipient_name == "Riverside Primary Care"


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_postgresql_refuses_truncate(disclosure):
    """Committed rows (a transactional test), so that TRUNCATE meets the trigger and not
    pending constraint checks (the suite's own flush switches the trigger off: tests/dbflush.py)."""
    with (
        pytest.raises(DatabaseError, match="TRUNCATE refused"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("TRUNCATE disclosures_disclosure CASCADE")
    assert Disclosure.objects.filter(pk=disclosure.pk).exists()


def test_the_trigger_migration_refuses_to_be_undone():
    from importlib import import_module

    migration = import_module("disclosures.migrations.0002_append_only_trigger")
    with pytest.raises(RuntimeError, match="Refused"):
        migration.refuse_reverse(None, None)
