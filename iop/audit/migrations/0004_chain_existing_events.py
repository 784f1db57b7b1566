"""Chain the events written before the chain existed, in the order they were written (by id).

The hash is a frozen copy of `iop.audit.chain.event_hash` (version 1), as migrations that hash
historical rows keep (see iop/hashing.py). On PostgreSQL the append-only trigger is switched off
for this transaction only (the migration runs as the tables' owner).
"""

import hashlib
import json
from datetime import UTC

from django.db import migrations

GENESIS = "0" * 64
FIELDS = (
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
BATCH = 2000


def _hash(values, prev_hash):
    content = dict(values)
    content["at"] = content["at"].astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    content["prev_hash"] = prev_hash
    content["v"] = 1
    text = json.dumps(content, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def chain_existing(apps, schema_editor):
    AuditEvent = apps.get_model("audit", "AuditEvent")
    connection = schema_editor.connection
    table = connection.ops.quote_name(AuditEvent._meta.db_table)
    postgres = connection.vendor == "postgresql"
    events = AuditEvent.objects.using(connection.alias)
    seq, prev, last_id = 0, GENESIS, 0
    with connection.cursor() as cursor:
        if postgres:
            cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER audit_event_append_only")
        while True:
            rows = list(
                events.filter(id__gt=last_id)
                .order_by("id")
                .values_list("id", *FIELDS[1:])[:BATCH]
            )
            if not rows:
                break
            updates = []
            for row in rows:
                seq += 1
                values = dict(zip(FIELDS, (seq, *row[1:]), strict=True))
                prev_hash, prev = prev, _hash(values, prev)
                updates.append((seq, prev_hash, prev, row[0]))
            cursor.executemany(
                f"UPDATE {table} SET seq = %s, prev_hash = %s, hash = %s WHERE id = %s", updates
            )
            last_id = rows[-1][0]
        if postgres:
            cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER audit_event_append_only")


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_auditevent_chain_fields")]

    operations = [migrations.RunPython(chain_existing, migrations.RunPython.noop)]
