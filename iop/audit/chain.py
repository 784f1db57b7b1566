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

The hash has no secret: whoever may insert events may append well-formed ones at the head, as
the app itself does. What the chain proves is that nothing before the head was changed,
removed or slipped in.
"""

import hashlib
from datetime import UTC

from django.db import IntegrityError, OperationalError, connections, transaction

from iop.hashing import canonical_json

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


def append(model, events, *, using, insert):
    """Seal `events` after the current head and run `insert()` (which writes them), under the
    chain's lock, in one transaction (the caller's, when there is one)."""
    connection = connections[using]
    nested = connection.in_atomic_block
    attempts = 1 if nested or connection.vendor == "postgresql" else SQLITE_ATTEMPTS
    for attempt in range(attempts):
        try:
            # No savepoint: a failed audit write fails the caller's transaction as well.
            with transaction.atomic(using=using, savepoint=False):
                if connection.vendor == "postgresql":
                    with connection.cursor() as cursor:
                        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [ADVISORY_LOCK_KEY])
                seal(events, head(model, using))
                return insert()
        except (IntegrityError, OperationalError):
            if attempt == attempts - 1:
                raise
            for event in events:  # what the failed attempt set is gone with its transaction
                event.pk, event._state.adding = None, True
