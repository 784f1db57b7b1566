"""The audit trail's hash chain and `manage.py audit_verify`, on SQLite and PostgreSQL.

Tampering is done as an attacker with full database access would: raw SQL as the owner, with
the append-only triggers switched off (on PostgreSQL) for the statement."""

import importlib
import threading
from datetime import UTC, datetime, timedelta
from io import StringIO
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.contrib.auth.models import AnonymousUser
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, connections, transaction
from django.db.migrations.exceptions import IrreversibleError
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.functional import SimpleLazyObject

from iop.audit import chain
from iop.audit.context import AuditContext
from iop.audit.models import AuditCheckpoint, AuditEvent
from iop.audit.services import audit_record, audit_record_patients
from iop.audit.verification import chain_walk
from iop.jobs.models import JobRun
from iop.jobs.registry import JOBS, run_job

POSTGRES = connection.vendor == "postgresql"
TABLE = "audit_auditevent"


def record(n, **extra):
    return [
        audit_record(
            action=AuditEvent.Action.VIEW,
            object_type="patients.patient",
            object_id=str(i),
            patient_id=100 + i,
            context=AuditContext(ip="10.0.0.1", request_id=f"req{i}", path=f"/p/{i}/"),
            **extra,
        )
        for i in range(n)
    ]


def tamper(*statements):
    """Run raw SQL on the trail with its triggers off (PostgreSQL), as the owner could."""
    with connection.cursor() as cursor:
        if POSTGRES:
            # Pending deferred foreign-key checks would forbid the ALTER TABLE.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"ALTER TABLE {TABLE} DISABLE TRIGGER USER")
        for sql, params in statements:
            cursor.execute(sql, params)
        if POSTGRES:
            cursor.execute(f"ALTER TABLE {TABLE} ENABLE TRIGGER USER")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def verify():
    """(exit status, output) of `manage.py audit_verify`."""
    out = StringIO()
    try:
        call_command("audit_verify", stdout=out)
    except CommandError as exc:
        return 1, out.getvalue() + str(exc)
    return 0, out.getvalue()


def stored(seq):
    return AuditEvent.objects.get(seq=seq)


# --- the chain ---------------------------------------------------------------------------


def test_events_are_numbered_without_gaps_and_linked_by_their_hashes(clinician):
    record(2, user=clinician)
    request = RequestFactory().get("/groups/1/")
    request.user = clinician
    audit_record_patients(
        action=AuditEvent.Action.VIEW, request=request, obj=clinician, patient_ids=[7, 3, 5]
    )
    events = list(AuditEvent.objects.order_by("seq"))
    assert [e.seq for e in events] == [1, 2, 3, 4, 5]
    assert events[0].prev_hash == chain.GENESIS
    assert [e.prev_hash for e in events[1:]] == [e.hash for e in events[:-1]]
    assert len({e.hash for e in events}) == 5
    assert [e.patient_id for e in events[2:]] == [3, 5, 7]


def test_a_group_of_patients_is_chained_in_the_same_number_of_queries(
    clinician, django_assert_num_queries
):
    request = RequestFactory().get("/groups/1/")
    request.user = clinician
    counts = []
    # A first write reads the user's roles and emergency grants once per request (the
    # audit markers, iop/audit/markers.py); the chain's own cost is what is counted here.
    audit_record_patients(
        action=AuditEvent.Action.VIEW, request=request, obj=clinician, patient_ids=[1]
    )
    for size in (1, 12):
        # The chain's lock and its head (one round trip on PostgreSQL), one INSERT.
        with django_assert_num_queries(2) as queries:
            audit_record_patients(
                action=AuditEvent.Action.VIEW,
                request=request,
                obj=clinician,
                patient_ids=range(size),
            )
        counts.append(len(queries))
    assert counts[0] == counts[1]
    assert chain_walk().ok


def test_a_page_that_showed_no_patient_writes_no_event_and_no_error(
    clinician, django_assert_num_queries
):
    # An empty group session's page lists nobody: nothing to record, no lock taken (on
    # PostgreSQL an INSERT of no rows once failed with a placeholder count error).
    request = RequestFactory().get("/sessions/1/")
    request.user = clinician
    with django_assert_num_queries(0):
        audit_record_patients(
            action=AuditEvent.Action.VIEW, request=request, obj=clinician, patient_ids=[]
        )
    assert not AuditEvent.objects.exists()


@pytest.mark.skipif(not POSTGRES, reason="server-side binding is PostgreSQL's")
def test_with_server_side_binding_the_lock_and_the_head_are_two_statements(
    clinician, monkeypatch, django_assert_num_queries
):
    monkeypatch.setitem(connection.settings_dict, "OPTIONS", {"server_side_binding": True})
    record(1, user=clinician)
    with django_assert_num_queries(3):  # the lock, the head, the INSERT
        record(1, user=clinician)
    assert chain_walk().ok and chain_walk().head_seq == 2


@pytest.mark.skipif(not POSTGRES, reason="synchronous_commit is PostgreSQL's; CI runs it")
@pytest.mark.django_db(transaction=True)
def test_only_the_trails_own_transaction_commits_without_waiting_for_the_disk():
    def written(**extra):
        with CaptureQueriesContext(connection) as queries:
            record(1, **extra)
        return " ".join(q["sql"] for q in queries.captured_queries)

    # A page's read: the trail's own transaction, which alone does not wait for the disk.
    assert chain.NOT_WAITING_FOR_DISK in written()
    # Events written inside a change's transaction commit with it, waiting as before.
    with transaction.atomic():
        assert chain.NOT_WAITING_FOR_DISK not in written()
    with connection.cursor() as cursor:  # SET LOCAL: nothing stays set on the connection
        cursor.execute("SHOW synchronous_commit")
        assert cursor.fetchone()[0] == "on"
    assert chain_walk().ok and chain_walk().head_seq == 2


def test_the_hash_covers_what_the_database_stores(db):
    """An IPv6 address written long-hand and a naive time are stored normalised: the hash is of
    the stored values, so the chain verifies."""
    audit_record(
        action=AuditEvent.Action.LOGIN,
        context=AuditContext(ip="2001:0db8:0000:0000:0000:0000:0000:0001"),
    )
    AuditEvent.objects.create(action=AuditEvent.Action.EXPORT, ip="", detail="é ✓ “quoted”")
    with pytest.warns(RuntimeWarning):  # Django's warning about the naive time
        AuditEvent.objects.create(action=AuditEvent.Action.VIEW, at=datetime(2026, 1, 2, 3, 4, 5))
    assert AuditEvent.objects.get(seq=1).ip == "2001:db8::1"
    assert verify()[0] == 0


# --- audit_verify ------------------------------------------------------------------------


def test_a_batch_is_hashed_exactly_as_event_hash_hashes_one_event():
    """`append_rows` writes the shared part of the canonical JSON once: the same bytes as
    `event_hash` builds for each event, whatever the values hold."""
    at = datetime(2026, 3, 4, 5, 6, 7, 89, tzinfo=UTC)
    for ip, user_id, path in [
        ("10.0.0.1", 7, "/p/1/"),
        (None, None, '/p/"é ✓"/\\x/'),
        ("2001:db8::1", 12, "/a/b/?q=1"),
    ]:
        common = {
            "at": at,
            "user_id": user_id,
            "username": 'Zoë "z"',
            "action": "view",
            "object_type": "patients.episode list",
            "object_id": "",
            "outcome": "success",
            "ip": ip,
            "request_id": "r1",
            "path": path,
        }
        row_hash = chain.row_hasher(common)
        prev = chain.GENESIS
        for seq, patient_id, detail in [
            (1, 5, "patients shown: 2"),
            (2, None, "“é” \\ \n"),
            (30, 0, ""),
        ]:
            values = {**common, "seq": seq, "patient_id": patient_id, "detail": detail}
            assert row_hash(seq, patient_id, detail, prev) == chain.event_hash(values, prev)
            prev = chain.event_hash(values, prev)


def test_a_group_write_stores_every_field_and_the_chain_verifies(clinician):
    """One event per patient, every field as `audit_record` would store it (the address
    normalised), linked after the events before it and verified."""
    record(1, user=clinician)
    request = RequestFactory().get("/p/é/", REMOTE_ADDR="2001:0db8:0000:0000:0000:0000:0000:0001")
    request.user = clinician
    request.request_id = "req-group"
    audit_record_patients(
        action=AuditEvent.Action.VIEW,
        request=request,
        object_type="patients.episode list",
        patient_ids=[9, 3, 9, 4],
        detail="patients shown: 3; “q”",
    )
    events = list(AuditEvent.objects.filter(seq__gt=1).order_by("seq"))
    assert [e.patient_id for e in events] == [3, 4, 9]
    assert [e.seq for e in events] == [2, 3, 4]
    assert events[0].prev_hash == stored(1).hash
    assert {e.at for e in events} == {events[0].at}
    for event in events:
        assert (
            event.user_id,
            event.username,
            event.action,
            event.object_type,
            event.object_id,
            event.outcome,
            event.ip,
            event.request_id,
            event.path,
            event.detail,
        ) == (
            clinician.pk,
            clinician.username,
            "view",
            "patients.episode list",
            "",
            "success",
            "2001:db8::1",
            "req-group",
            "/p/é/",
            "patients shown: 3; “q”",
        )
    assert chain_walk().ok
    assert verify()[0] == 0


def test_audit_record_returns_the_event_as_stored(clinician):
    """`audit_record` writes without the model's save: what it returns is the stored row."""
    event = audit_record(
        action=AuditEvent.Action.VIEW,
        user=clinician,
        object_type="patients.patient",
        object_id=7,
        patient_id="7",
        context=AuditContext(ip="2001:0db8::0001", request_id="r", path="/p/7/"),
    )
    fields = [f.attname for f in AuditEvent._meta.concrete_fields]
    stored_event = AuditEvent.objects.get(pk=event.pk)
    assert {f: getattr(event, f) for f in fields} == {f: getattr(stored_event, f) for f in fields}
    assert (event.ip, event.patient_id, event.seq, event.user) == ("2001:db8::1", 7, 1, clinician)
    assert not event._state.adding
    assert chain_walk().ok


def test_the_context_holds_the_user_behind_the_requests_lazy_user(clinician):
    """The markers read the user once per patient of a list: not through the lazy proxy."""
    request = RequestFactory().get("/p/")
    request.user = SimpleLazyObject(lambda: clinician)
    assert type(AuditContext.from_request(request).user) is type(clinician)
    assert AuditContext.from_request(request).user is clinician
    request.user = SimpleLazyObject(AnonymousUser)
    assert AuditContext.from_request(request).user is None


def test_the_trail_keeps_only_the_indexes_it_is_read_by(db):
    """Each event written touches every index: no LIKE-prefix copies of `action` and
    `request_id` (PostgreSQL) and no index of the user alone (`audit_user_at` starts with
    it); migration 0007 renames the plain ones in place."""
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, TABLE)
    indexes = {
        name: tuple(c["columns"])
        for name, c in constraints.items()
        if c["index"] and not c["primary_key"] and not c["unique"]
    }
    assert indexes == {
        "audit_auditevent_at_f461ba89": ("at",),
        "audit_auditevent_patient_id_82c45eaf": ("patient_id",),
        "audit_user_at": ("user_id", "at"),
        "audit_action": ("action",),
        "audit_request_id": ("request_id",),
    }


def test_audit_verify_passes_on_an_untouched_trail_and_records_a_checkpoint(clinician):
    record(5, user=clinician)
    status, out = verify()
    assert status == 0, out
    assert "The audit trail holds: 5 events, up to seq 5" in out
    checkpoint = AuditCheckpoint.objects.get()
    assert (checkpoint.ok, checkpoint.verified_seq, checkpoint.head_hash) == (
        True,
        5,
        stored(5).hash,
    )
    assert f"head 5:{stored(5).hash}" in out


def test_audit_verify_passes_on_an_empty_trail(db):
    assert verify() == (
        0,
        "The audit trail holds: 0 events, up to seq 0; head 0:- "
        "(keep it to pass back with --expect).\n",
    )


def _edit():
    return [(f"UPDATE {TABLE} SET detail = %s WHERE seq = 3", ["nothing happened"])]


def _edit_and_rehash():
    """Rewrite event 3 and re-hash it and every event after it: a consistent chain that only
    the last verification's checkpoint can expose."""
    events = list(AuditEvent.objects.order_by("seq"))
    events[2].object_id = "999"
    prev = events[1].hash
    statements = []
    for event in events[2:]:
        event.prev_hash = prev
        event.hash = prev = chain.event_hash(chain.stored_values(event), prev)
        statements.append(
            (
                f"UPDATE {TABLE} SET object_id = %s, prev_hash = %s, hash = %s WHERE seq = %s",
                [event.object_id, event.prev_hash, event.hash, event.seq],
            )
        )
    return statements


def _delete_in_the_middle():
    return [(f"DELETE FROM {TABLE} WHERE seq = 3", [])]


def _insert_a_forged_event():
    """Make room after seq 3 and slip in a well-formed event linked to seq 3."""
    forged = AuditEvent(action=AuditEvent.Action.VIEW, object_id="forged", patient_id=1)
    chain.seal([forged], (3, stored(3).hash))
    forged.seq = 4
    forged.hash = chain.event_hash(chain.stored_values(forged), forged.prev_hash)
    return [
        (f"UPDATE {TABLE} SET seq = seq + 1000 WHERE seq >= 4", []),
        (f"UPDATE {TABLE} SET seq = seq - 999 WHERE seq >= 1000", []),
        (
            f"INSERT INTO {TABLE} (at, username, action, object_type, object_id, patient_id, "
            "outcome, ip, request_id, path, detail, seq, prev_hash, hash) "
            "VALUES (%s, '', 'view', '', 'forged', 1, 'success', NULL, '', '', '', 4, %s, %s)",
            [forged.at, forged.prev_hash, forged.hash],
        ),
    ]


def _truncate_the_tail():
    return [(f"DELETE FROM {TABLE} WHERE seq >= 5", [])]


def _truncate_the_table():
    return [(f"TRUNCATE {TABLE}" if POSTGRES else f"DELETE FROM {TABLE}", [])]


@pytest.mark.parametrize(
    "tampering, named",
    [
        (_edit, "seq 3: its contents do not match its hash (edited)"),
        (_edit_and_rehash, "seq 6: differs from the verification of"),
        (_delete_in_the_middle, "seq 4: seq 3 missing before it (deleted)"),
        (_insert_a_forged_event, "seq 5: does not link to seq 4"),
        (_truncate_the_tail, "seq 6: the trail ends at seq 4 but the verification of"),
        (_truncate_the_table, "seq 6: the trail is empty but the verification of"),
    ],
    ids=["edit", "edit-and-rehash", "delete", "insert", "truncate-tail", "truncate-table"],
)
def test_audit_verify_names_the_break_and_exits_non_zero(clinician, tampering, named):
    record(6, user=clinician)
    assert verify()[0] == 0
    tamper(*tampering())
    status, out = verify()
    assert status == 1
    assert named in out
    assert "The audit trail is broken" in out
    last = AuditCheckpoint.objects.order_by("-id").first()
    assert not last.ok and named in last.summary


def test_truncation_is_named_with_the_events_gone(clinician):
    record(6, user=clinician)
    verify()
    tamper(*_truncate_the_tail())
    assert "seq 5–6 gone (truncated)" in verify()[1]


def test_a_break_stays_reported_on_the_next_runs(clinician):
    record(4, user=clinician)
    verify()
    tamper(*_delete_in_the_middle())
    assert verify()[0] == 1
    record(1)
    assert verify()[0] == 1


def test_a_head_kept_outside_the_database_exposes_a_rewritten_checkpoint_table(clinician):
    record(4, user=clinician)
    head = f"4:{stored(4).hash}"
    tamper(*_truncate_the_table())
    record(5)  # a new trail, longer than the old one: no checkpoint of ours to compare with
    with pytest.raises(CommandError, match="seq 4: differs from the head given"):
        call_command("audit_verify", "--expect", head, stdout=StringIO())
    with pytest.raises(CommandError, match="--expect wants SEQ:HASH"):
        call_command("audit_verify", "--expect", "4:nothex", stdout=StringIO())


def test_a_broken_chain_mails_the_admins(settings, clinician):
    settings.ADMINS = [("Admins", "admins@example.org")]
    record(4, user=clinician)
    tamper(*_edit())
    assert verify()[0] == 1
    message = mail.outbox[-1]
    assert message.to == ["admins@example.org"]
    assert "Audit trail broken" in message.subject
    assert "seq 3: its contents do not match its hash (edited)" in message.body


def test_the_walk_reads_in_batches(clinician, django_assert_num_queries):
    record(7, user=clinician)
    with django_assert_num_queries(4):  # 3 + 3 + 1 events, then an empty batch
        result = chain_walk(batch_size=3)
    assert (result.ok, result.events, result.head_seq) == (True, 7, 7)


# --- the nightly job and the admins' page -------------------------------------------------


def test_the_verification_is_a_nightly_job_of_the_one_registry(clinician):
    job = JOBS["audit_verify"]
    assert (job.task, str(job.schedule.hour), str(job.schedule.minute)) == (
        "audit.verify",
        "{3}",
        "{30}",
    )
    record(4, user=clinician)
    assert run_job("audit_verify") == {"events": 4, "up_to_seq": 4}
    tamper(*_delete_in_the_middle())
    with pytest.raises(Exception, match="seq 3 missing"):
        run_job("audit_verify")
    runs = JobRun.objects.filter(job="audit_verify").order_by("started_at", "id")
    assert [r.outcome for r in runs] == ["success", "failed"]
    assert [c.ok for c in AuditCheckpoint.objects.order_by("id")] == [True, False]


@pytest.fixture
def audit_page(client, admin_user_role):
    client.force_login(admin_user_role)
    return lambda: client.get(reverse("admin:audit_auditevent_changelist")).content.decode()


def test_the_audit_page_shows_the_last_verification(audit_page, clinician):
    assert "The hash chain has never been verified" in audit_page()
    record(3, user=clinician)
    verify()
    html = audit_page()
    assert "Hash chain verified OK" in html and "up to seq 3" in html
    tamper(*_edit())
    verify()
    html = audit_page()
    assert "Hash chain BROKEN" in html
    assert "seq 3: its contents do not match its hash (edited)" in html


def _forged_ok_checkpoint(at):
    """What the app's database role can do: add a checkpoint saying all is well."""
    head = AuditEvent.objects.order_by("-seq").first()
    return AuditCheckpoint.objects.create(
        at=at, ok=True, verified_seq=head.seq, head_hash=head.hash, events=head.seq
    )


def test_a_forged_ok_checkpoint_does_not_hide_a_break_from_the_audit_page(audit_page, clinician):
    # Acceptance probe: as the app's role, INSERT a checkpoint ok=true (dated now, or far
    # ahead so that no nightly run ever comes after it): the page said "verified OK".
    record(3, user=clinician)
    tamper(*_edit())
    verify()
    _forged_ok_checkpoint(datetime(2099, 1, 1, tzinfo=UTC))
    html = audit_page()
    assert "Hash chain verified OK" not in html
    assert "Hash chain BROKEN" in html
    _forged_ok_checkpoint(datetime.now(UTC))
    html = audit_page()
    assert "The hash chain was found BROKEN" in html
    assert "seq 3: its contents do not match its hash (edited)" in html


def test_the_audit_page_shows_no_old_break_while_the_chain_has_never_broken(audit_page, clinician):
    record(2, user=clinician)
    verify()
    verify()
    assert "found BROKEN" not in audit_page()


def test_the_audit_page_warns_when_verification_has_stopped(audit_page, clinician, clock):
    record(1, user=clinician)
    verify()
    clock.shift(timedelta(days=3))
    assert "Not verified for more than two days" in audit_page()


def test_admins_can_read_the_checkpoints_but_not_change_them(client, admin_user_role, db):
    verify()
    client.force_login(admin_user_role)
    url = reverse("admin:audit_auditcheckpoint_changelist")
    assert client.get(url).status_code == 200
    checkpoint = AuditCheckpoint.objects.get()
    change = reverse("admin:audit_auditcheckpoint_change", args=[checkpoint.pk])
    assert client.post(change, {"ok": "on"}).status_code == 403


# --- existing databases and migrations ----------------------------------------------------


def test_the_data_migration_chains_the_events_already_there_in_the_order_written(clinician):
    migration = importlib.import_module("iop.audit.migrations.0004_chain_existing_events")
    events = record(4, user=clinician)
    tamper(
        (f"UPDATE {TABLE} SET seq = seq + 100, prev_hash = '', hash = ''", []),
    )
    if POSTGRES:
        connection.cursor().execute("SET CONSTRAINTS ALL IMMEDIATE")
    migration.chain_existing(apps, SimpleNamespace(connection=connection))
    assert list(AuditEvent.objects.order_by("seq").values_list("id", flat=True)) == [
        e.id for e in events
    ]
    assert chain_walk().ok and chain_walk().head_seq == 4
    record(1)
    assert chain_walk().ok and chain_walk().head_seq == 5


@pytest.mark.django_db(transaction=True)
def test_migrating_the_audit_app_backwards_is_refused_and_changes_nothing(db):
    record(2)
    with pytest.raises(IrreversibleError, match="never migrated away"):
        call_command("migrate", "audit", "0001", verbosity=0)
    connections.close_all()
    assert chain_walk().ok and chain_walk().head_seq == 2
    if POSTGRES:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT tgname FROM pg_trigger WHERE tgrelid = %s::regclass "
                "AND NOT tgisinternal ORDER BY tgname",
                [TABLE],
            )
            assert [r[0] for r in cursor.fetchall()] == [
                "audit_event_append_only",
                "audit_event_no_truncate",
            ]


# --- concurrent writers -------------------------------------------------------------------


@pytest.mark.skipif(not POSTGRES, reason="concurrent writers need PostgreSQL; CI runs it")
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_make_one_gap_free_verifiable_chain():
    threads, per_thread, errors = 6, 12, []
    start = threading.Barrier(threads)

    def write(n):
        try:
            start.wait()
            request = RequestFactory().get("/groups/1/")
            for i in range(per_thread):
                if i % 4 == 3:
                    audit_record_patients(
                        action=AuditEvent.Action.VIEW,
                        request=request,
                        obj=SimpleNamespace(pk=n),
                        patient_ids=[n * 100 + i, n * 100 + i + 1],
                    )
                else:
                    audit_record(action=AuditEvent.Action.VIEW, object_id=f"{n}-{i}")
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            connections.close_all()

    workers = [threading.Thread(target=write, args=(n,)) for n in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert errors == []
    total = threads * per_thread + threads * (per_thread // 4)  # bulk writes are two events
    assert list(AuditEvent.objects.order_by("seq").values_list("seq", flat=True)) == list(
        range(1, total + 1)
    )
    result = chain_walk()
    assert (result.ok, result.events) == (True, total)


def test_a_checkpoint_time_is_stored_in_utc(db):
    verify()
    assert AuditCheckpoint.objects.get().at.tzinfo is not None
    assert chain._timestamp(datetime(2026, 1, 1, tzinfo=UTC)) == "2026-01-01T00:00:00.000000Z"
