"""Disclosures are append-only in the database too (PostgreSQL): a trigger refuses UPDATE and
DELETE of a row and TRUNCATE of the table, and the app's database role may only SELECT and
INSERT it (iop.audit.dbroles). Undoing this migration is refused: the accounting of disclosures
must not lose its guard."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION disclosure_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'disclosures_disclosure is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER disclosure_append_only
    BEFORE UPDATE OR DELETE ON disclosures_disclosure
    FOR EACH ROW EXECUTE FUNCTION disclosure_append_only();

CREATE OR REPLACE FUNCTION disclosure_no_truncate() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'disclosures_disclosure is append-only: TRUNCATE refused'
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER disclosure_no_truncate
    BEFORE TRUNCATE ON disclosures_disclosure
    FOR EACH STATEMENT EXECUTE FUNCTION disclosure_no_truncate();
"""


def create_trigger(apps, schema_editor):
    # SQLite (the embedded default) has no such trigger; the ORM guard still applies there.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def refuse_reverse(apps, schema_editor):
    raise RuntimeError(
        "Refused: the disclosures' append-only trigger is not removed by a migration. "
        "The accounting of disclosures must stay complete."
    )


class Migration(migrations.Migration):
    dependencies = [("disclosures", "0001_initial")]

    operations = [migrations.RunPython(create_trigger, refuse_reverse)]
