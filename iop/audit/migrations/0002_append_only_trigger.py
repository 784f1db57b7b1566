from django.db import migrations
from django.db.migrations.exceptions import IrreversibleError

CREATE = """
CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit_auditevent is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER audit_event_append_only
    BEFORE UPDATE OR DELETE ON audit_auditevent
    FOR EACH ROW EXECUTE FUNCTION audit_event_append_only();
"""


def create_trigger(apps, schema_editor):
    # SQLite (the embedded default) has no such trigger; the ORM guard still applies there.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def refuse(apps, schema_editor):
    # Reversing dropped the trigger, and migrating forward again put it back, with no trace.
    raise IrreversibleError("The audit trail's append-only trigger is never migrated away.")


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [migrations.RunPython(create_trigger, refuse)]
