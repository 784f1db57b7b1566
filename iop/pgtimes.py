"""PostgreSQL's timestamps read by psycopg's compiled loader, not Django's Python one.

Django registers its own `timestamptz` loader on every psycopg connection: a Python subclass of
psycopg's *Python* loader that parses each value with a regular expression and then labels it
with the connection's time zone (`django.db.backends.postgresql.psycopg_any.BaseTzLoader`).
With psycopg's C extension installed that is ~4 µs a value against ~0.7 µs: a 200-row API list
reads ~800 timestamps (~3 ms of CPU), the audit and session lists more.

Django keeps every connection in UTC (`USE_TZ`, its `ensure_timezone`), and psycopg labels a
UTC value with `datetime.timezone.utc`, Django's own label: the compiled loader gives the same
datetimes. `CompiledUtcLoader` wraps it (the compiled class cannot be subclassed) and carries
the `timezone` attribute Django's cursors compare against theirs (`create_cursor`: a loader of
the connection's time zone is left alone). It is registered only where the compiled loader
exists and the connection's time zone is UTC; anywhere else Django's stays.
"""

import datetime

import psycopg
from psycopg.adapt import Loader
from psycopg.postgres import types
from psycopg.pq import Format

TIMESTAMPTZ_OID = types["timestamptz"].oid
_COMPILED = psycopg.adapters.get_loader(TIMESTAMPTZ_OID, Format.TEXT)


def compiled_loader_available():
    """Whether psycopg's timestamptz loader is its C extension's (psycopg-binary, psycopg-c)."""
    return _COMPILED is not None and not _COMPILED.__module__.startswith("psycopg.")


class CompiledUtcLoader(Loader):
    """psycopg's compiled timestamptz loader, with the UTC label Django's cursors look for."""

    timezone = datetime.UTC

    def __init__(self, oid, context=None):
        super().__init__(oid, context)
        self._load = _COMPILED(oid, context).load

    def load(self, data):
        return self._load(data)


def use_compiled_timestamps(sender, connection, **kwargs):
    """`connection_created`: read a new PostgreSQL connection's timestamps with
    `CompiledUtcLoader` when it keeps UTC and the compiled loader is installed."""
    if connection.vendor != "postgresql" or connection.timezone != datetime.UTC:
        return
    if compiled_loader_available():
        connection.connection.adapters.register_loader(TIMESTAMPTZ_OID, CompiledUtcLoader)
