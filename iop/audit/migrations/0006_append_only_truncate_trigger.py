"""On PostgreSQL: TRUNCATE of the audit trail is refused by a trigger, and the verification
checkpoints get the same protection as the events (no UPDATE, DELETE or TRUNCATE).

Irreversible on purpose: migrating the audit app backwards would drop the protections and put
them back with no trace, so `migrate audit <earlier>` stops here with an error. (The app's
database role cannot do it anyway: only the tables' owner may drop or disable a trigger.)
"""

from django.db import migrations
from django.db.migrations.exceptions import IrreversibleError

CREATE = """
CREATE OR REPLACE FUNCTION audit_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER audit_event_no_truncate
    BEFORE TRUNCATE ON audit_auditevent
    FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only();

CREATE TRIGGER audit_checkpoint_append_only
    BEFORE UPDATE OR DELETE ON audit_auditcheckpoint
    FOR EACH ROW EXECUTE FUNCTION audit_append_only();

CREATE TRIGGER audit_checkpoint_no_truncate
    BEFORE TRUNCATE ON audit_auditcheckpoint
    FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only();
"""


def create_triggers(apps, schema_editor):
    # SQLite (the embedded default) has no such triggers; the ORM guard still applies there.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def refuse(apps, schema_editor):
    raise IrreversibleError(
        "The audit trail's protections are never migrated away: "
        "audit migrations cannot be reversed (they would drop the triggers with no trace)."
    )


class Migration(migrations.Migration):
    dependencies = [("audit", "0005_auditevent_seq_unique")]

    operations = [migrations.RunPython(create_triggers, refuse)]
