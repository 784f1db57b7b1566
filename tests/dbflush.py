"""Let a test run (or the bench) empty a PostgreSQL database whose audit tables refuse TRUNCATE.

A transactional test ends with Django's flush: one TRUNCATE of every table, which the append-only
tables' triggers refuse (as it should in production). Here, and only here, the flush switches
the audit tables' own triggers off around that TRUNCATE, in the same transaction, as the owner
or superuser the tests connect as.
"""

from iop.audit.dbroles import audit_tables


def allow_flushing_the_audit_trail():
    from django.db.backends.postgresql.operations import DatabaseOperations

    original = DatabaseOperations.execute_sql_flush
    if getattr(original, "flushes_audit", False):
        return

    def execute_sql_flush(self, sql_list):
        tables = [
            self.quote_name(t)
            for t in audit_tables()
            if any(self.quote_name(t) in sql for sql in sql_list)
        ]
        sql_list = (
            [f"ALTER TABLE {t} DISABLE TRIGGER USER" for t in tables]
            + list(sql_list)
            + [f"ALTER TABLE {t} ENABLE TRIGGER USER" for t in tables]
        )
        return original(self, sql_list)

    execute_sql_flush.flushes_audit = True
    DatabaseOperations.execute_sql_flush = execute_sql_flush
