"""The audit trail's hash chain.

Every event carries `seq` (1, 2, 3, … with no gaps), `prev_hash` (the hash of the event before
it; `GENESIS` for the first) and `hash`: sha256 over the canonical JSON of its own fields and
`prev_hash` (`event_hash`). Editing an event breaks its hash; deleting or inserting one breaks
the sequence or the next event's link; cutting off the tail is caught by comparing with the last
verification's checkpoint (see `iop.audit.verification`).

Appending is serialised so that concurrent writers never fork the chain: the head is read and
the new events inserted in one transaction that first takes a lock —
`pg_advisory_xact_lock` on PostgreSQL (held until that transaction ends), SQLite's write lock
on SQLite (the project opens its SQLite transactions IMMEDIATE). The unique `seq` refuses a
fork whatever happens; on SQLite a collision outside an enclosing transaction is retried.
On PostgreSQL the transaction must be READ COMMITTED (Django's default) so that the head is read
after the lock is granted.

A transaction that holds nothing but the trail's events (a page's or a list's read, a refusal,
a sign-in: the writer's own, not a caller's) commits without waiting for its WAL to reach the
disk (PostgreSQL's `synchronous_commit = off` for that transaction, sent with the lock): a
page's read no longer waits for a disk flush (about 3 ms a page, more on a busy disk). It is
visible and survives the app's death at once; only a crash of the database server itself can
lose the last fraction of a second of such events, and then only the newest (WAL is replayed
in order: the chain stays whole, its tail cut, and any later synchronous commit, such as a
verification's checkpoint, flushes the events before it). Events of a change are written in
the change's transaction and commit with it, waiting for the disk as before.

The hash has no secret: whoever may insert events may append well-formed ones at the head, as
the app itself does. What the chain proves is that nothing before the head was changed,
removed or slipped in.
"""

import hashlib
from datetime import UTC

from django.db import IntegrityError, OperationalError, connections, models, transaction

from iop.hashing import canonical_json
from iop.pgarrays import int_array, text_array

GENESIS = "0" * 64
HASH_VERSION = 1
# The chained fields, in the order the verifier reads them (`seq` first).
CHAINED_FIELDS = (
    "seq",
    "at",
    "user_id",
    "username",
    "action",
    "object_type",
    "object_id",
    "patient_id",
    "outcome",
    "ip",
    "request_id",
    "path",
    "detail",
)
# Any 64-bit constant: the advisory lock every writer of the trail takes.
ADVISORY_LOCK_KEY = 0x10A_A0D1_7C4A_1000
SQLITE_ATTEMPTS = 5


def _timestamp(value):
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def event_hash(values, prev_hash):
    """sha256 of one event. `values` maps each of CHAINED_FIELDS to the value stored in the
    database (the verifier passes what it reads back; the writer what it is about to write)."""
    content = {name: values[name] for name in CHAINED_FIELDS}
    content["at"] = _timestamp(content["at"])
    content["prev_hash"] = prev_hash
    content["v"] = HASH_VERSION
    return hashlib.sha256(canonical_json(content).encode()).hexdigest()


def stored_values(event):
    """The values as the database will store them (e.g. an IPv6 address normalised, a naive
    time made aware), so the writer hashes exactly what the verifier will read back."""
    values = {}
    for name in CHAINED_FIELDS:
        field = event._meta.get_field("user" if name == "user_id" else name)
        values[name] = field.get_prep_value(getattr(event, field.attname))
    values["ip"] = values["ip"] or None  # a blank address is stored as NULL
    return values


def seal(events, head):
    """Number and hash `events` in order, after `head` ((seq, hash) or None)."""
    seq, prev = head if head else (0, GENESIS)
    for event in events:
        seq += 1
        event.seq, event.prev_hash = seq, prev
        event.hash = prev = event_hash(stored_values(event), prev)


def head(model, using):
    """(seq, hash) of the newest event, or None for an empty trail."""
    return model._base_manager.using(using).order_by("-seq").values_list("seq", "hash").first()


# The trail's own transaction (see above): its commit does not wait for the disk.
NOT_WAITING_FOR_DISK = "SET LOCAL synchronous_commit TO off"


def _locked_head(model, connection, *, own):
    """Take the chain's lock and read its head, in the transaction already open (`own`: the
    writer's, holding nothing but these events, whose commit then does not wait for the
    disk). On PostgreSQL one round trip (client-side binding, Django's default): in READ
    COMMITTED each statement of a query string takes its own snapshot, so the head is read
    after the lock is granted."""
    if connection.vendor != "postgresql":
        return head(model, connection.alias)
    if connection.settings_dict.get("OPTIONS", {}).get("server_side_binding"):
        # A prepared statement holds one command: the lock, then the head.
        with connection.cursor() as cursor:
            if own:
                cursor.execute(NOT_WAITING_FOR_DISK)
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [ADVISORY_LOCK_KEY])
        return head(model, connection.alias)
    qn = connection.ops.quote_name
    seq, hash_ = (qn(model._meta.get_field(name).column) for name in ("seq", "hash"))
    table = qn(model._meta.db_table)
    newest = f"SELECT {seq}, {hash_} FROM {table} ORDER BY {seq} DESC LIMIT 1"  # noqa: S608 # nosec B608
    statements = [NOT_WAITING_FOR_DISK] if own else []
    statements += ["SELECT pg_advisory_xact_lock(%s)", newest]
    with connection.cursor() as cursor:
        cursor.execute("; ".join(statements), [ADVISORY_LOCK_KEY])
        for _ in statements[1:]:  # to the last statement's rows: the head
            cursor.nextset()
        row = cursor.fetchone()
    return tuple(row) if row else None


def _under_lock(model, using, work, *, on_retry=None):
    """`work(head)` under the chain's lock, in one transaction (the caller's, when there is
    one); on SQLite outside a transaction a collision is retried (`on_retry` first)."""
    connection = connections[using]
    nested = connection.in_atomic_block
    attempts = 1 if nested or connection.vendor == "postgresql" else SQLITE_ATTEMPTS
    for attempt in range(attempts):
        try:
            # No savepoint: a failed audit write fails the caller's transaction as well.
            with transaction.atomic(using=using, savepoint=False):
                return work(_locked_head(model, connection, own=not nested))
        except (IntegrityError, OperationalError):
            if attempt == attempts - 1:
                raise
            if on_retry is not None:
                on_retry()


def append(model, events, *, using, insert):
    """Seal `events` after the current head and run `insert()` (which writes them), under the
    chain's lock, in one transaction (the caller's, when there is one)."""

    def work(head):
        seal(events, head)
        return insert()

    def reset():
        for event in events:  # what the failed attempt set is gone with its transaction
            event.pk, event._state.adding = None, True

    return _under_lock(model, using, work, on_retry=reset)


# --- many events that differ only by patient ---------------------------------------------

# What differs between the events `append_rows` writes; every other chained field is shared.
ROW_FIELDS = ("patient_id", "detail")
_SEALED = ("seq", "prev_hash")


def stored_common(model, values):
    """The shared chained fields of `append_rows` as the database will store them (what
    `stored_values` does for one event), computed once for the batch."""
    stored = {}
    for name in CHAINED_FIELDS:
        if name in ROW_FIELDS or name == "seq":
            continue
        field = model._meta.get_field("user" if name == "user_id" else name)
        stored[name] = field.get_prep_value(values[name])
    stored["ip"] = stored["ip"] or None
    return stored


def row_hasher(common):
    """`hash(seq, patient_id, detail, prev_hash)`: `event_hash` of an event with the `common`
    stored values, the shared part of its canonical JSON written once. canonical_json of a
    flat object is `{"key": value, ...}` with the keys sorted, so the event's JSON is the
    shared runs with its own four values put between them."""
    content = dict(common, v=HASH_VERSION)
    content["at"] = _timestamp(content["at"])
    keys = sorted([*content, *ROW_FIELDS, *_SEALED])
    runs, run = [], "{"
    for i, key in enumerate(keys):
        run += (", " if i else "") + canonical_json(key) + ": "
        if key in content:
            run += canonical_json(content[key])
        else:
            runs.append(run)
            run = ""
    runs.append(run + "}")
    a, b, c, d, e = runs  # around detail, patient_id, prev_hash and seq (in key order)
    details = {}
    sha256 = hashlib.sha256

    def row_hash(seq, patient_id, detail, prev_hash):
        text = details.get(detail)
        if text is None:
            text = details[detail] = canonical_json(detail)
        pid = "null" if patient_id is None else str(patient_id)
        return sha256(f'{a}{text}{b}{pid}{c}"{prev_hash}"{d}{seq}{e}'.encode()).hexdigest()

    return row_hash


def append_rows(model, common, rows, *, using, returning=False):
    """Append one event per `(patient_id, detail)` of `rows`, all sharing the `common` values
    (every other chained field, as given to `stored_common`), with one INSERT, under the chain's
    lock and in one transaction (the caller's, when there is one). The events are hashed like
    any other (`event_hash`); no model instance is built on PostgreSQL. `returning` (one row
    only): the event as stored, a dict of its fields with its `id`."""
    common = stored_common(model, common)
    rows = [(None if pid is None else int(pid), str(detail)) for pid, detail in rows]
    if returning and len(rows) != 1:
        raise ValueError("append_rows returns the event of one row only.")
    if not rows:  # a page that showed no patient (an empty group session) writes nothing
        return None
    row_hash = row_hasher(common)

    def work(head):
        seq, prev = head if head else (0, GENESIS)
        sealed = []
        for patient_id, detail in rows:
            seq += 1
            digest = row_hash(seq, patient_id, detail, prev)
            sealed.append((patient_id, detail, seq, prev, digest))
            prev = digest
        pk = _insert_rows(model, using, common, sealed, returning=returning)
        return sealed, pk

    sealed, pk = _under_lock(model, using, work)
    if returning:
        fields = dict(zip((*ROW_FIELDS, *_SEALED, "hash"), sealed[0], strict=True))
        return {"id": pk, **common, **fields}
    return None


def _insert_rows(model, using, common, sealed, *, returning):
    """Write the sealed rows; the id of the (one) row when `returning`."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        objs = [
            model(
                **common,
                patient_id=patient_id,
                detail=detail,
                seq=seq,
                prev_hash=prev,
                hash=digest,
            )
            for patient_id, detail, seq, prev, digest in sealed
        ]
        # The plain QuerySet's bulk_create: these events are sealed already.
        models.QuerySet(model, using=using).bulk_create(objs)
        return objs[0].pk if returning else None
    qn = connection.ops.quote_name
    column = {f.name: f.column for f in model._meta.concrete_fields}
    column["user_id"] = column["user"]
    shared = list(common)
    per_row = [*ROW_FIELDS, *_SEALED, "hash"]
    casts = {"at": "::timestamptz", "ip": "::inet"}
    # Each column an array parameter, written as one string (iop/pgarrays.py).
    arrays = (
        ("::bigint[]", int_array),
        ("::text[]", text_array),
        ("::bigint[]", int_array),
        ("::text[]", text_array),
        ("::text[]", text_array),
    )
    names = ", ".join(qn(column[name]) for name in (*shared, *per_row))
    values = ", ".join(f"%s{casts.get(name, '')}" for name in shared)
    unnest = ", ".join(f"%s{cast}" for cast, _ in arrays)
    sql = (
        f"INSERT INTO {qn(model._meta.db_table)} ({names}) "  # noqa: S608 # nosec B608
        f"SELECT {values}, r.* FROM unnest({unnest}) AS r"
    )
    if returning:
        sql += f" RETURNING {qn(model._meta.pk.column)}"
    params = [common[name] for name in shared] + [
        write(col) for (_, write), col in zip(arrays, zip(*sealed, strict=True), strict=True)
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0] if returning else None
