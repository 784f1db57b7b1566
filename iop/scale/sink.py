"""Where the scale data set goes: ids allocated up front, rows written in bulk (PostgreSQL's COPY,
or `bulk_create` elsewhere), and a progress display on stderr.

The rows are tuples of the model's column values (attnames, `id` first), so one generator
writes them to any backend, and foreign keys are known before anything is written.
"""

import json
import sys
import time

from django.core.management.color import no_style
from django.db import connections, models

BATCH = 5000


class Progress:
    """Stages with counts, percent and elapsed time, on one stderr line each."""

    def __init__(self, stream=None, quiet=False):
        self.stream = stream or sys.stderr
        self.quiet = quiet
        self.started = time.monotonic()
        self.label, self.total, self.done, self.shown_at = "", 0, 0, 0.0

    def elapsed(self):
        return time.monotonic() - self.started

    def stage(self, label, total=0):
        self.end()
        self.label, self.total, self.done, self.shown_at = label, total, 0, 0.0
        self._show()

    def advance(self, count=1):
        self.done += count
        if time.monotonic() - self.shown_at > 0.5:
            self._show()

    def end(self):
        if self.label:
            self._show(final=True)
            self.label = ""

    def _show(self, final=False):
        if self.quiet:
            return
        self.shown_at = time.monotonic()
        count = f"{self.done:,}"
        if self.total:
            count += f"/{self.total:,} ({min(100, 100 * self.done // self.total)}%)"
        line = f"\r[{self.elapsed():7.1f}s] {self.label:<34} {count}"
        text = line + ("\n" if final else "")
        if hasattr(self.stream, "style_func"):  # a management command's OutputWrapper
            self.stream.write(text, ending="")
        else:
            self.stream.write(text)
        self.stream.flush()


class Sink:
    """Allocates ids and writes rows on one database alias."""

    def __init__(self, using, progress):
        self.using = using
        self.connection = connections[using]
        self.copy = self.connection.vendor == "postgresql"
        self.progress = progress
        self.next_id = {}
        self.counts = {}
        self.written = []

    def ids(self, model, count):
        """`count` new primary keys for `model`, after any already in the table."""
        if model not in self.next_id:
            newest = (
                model._base_manager.using(self.using).order_by("-pk").values_list("pk", flat=True)
            )
            self.next_id[model] = (newest.first() or 0) + 1
        first = self.next_id[model]
        self.next_id[model] = first + count
        return range(first, first + count)

    def new_id(self, model):
        return self.ids(model, 1)[0]

    def write(self, model, fields, rows, label=None, total=None):
        """Write `rows` (tuples in the order of `fields`, attnames) to `model`'s table."""
        label = label or model._meta.db_table
        self.progress.stage(
            f"writing {label}", total or (len(rows) if hasattr(rows, "__len__") else 0)
        )
        json_at = [
            i for i, name in enumerate(fields) if isinstance(_field(model, name), models.JSONField)
        ]
        written = (
            self._copy(model, fields, rows, json_at)
            if self.copy
            else self._bulk(model, fields, rows)
        )
        self.counts[model._meta.db_table] = self.counts.get(model._meta.db_table, 0) + written
        if model not in self.written:
            self.written.append(model)
        self.progress.end()
        return written

    def _copy(self, model, fields, rows, json_at):
        table = self.connection.ops.quote_name(model._meta.db_table)
        columns = ", ".join(self.connection.ops.quote_name(_field(model, f).column) for f in fields)
        written = 0
        self.connection.ensure_connection()
        sql = f"COPY {table} ({columns}) FROM STDIN"
        with self.connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
            for row in rows:
                if json_at:
                    row = list(row)
                    for i in json_at:
                        row[i] = json.dumps(row[i])
                copy.write_row(row)
                written += 1
                if written % BATCH == 0:
                    self.progress.advance(BATCH)
        self.progress.advance(written % BATCH)
        return written

    def _bulk(self, model, fields, rows):
        """Elsewhere (SQLite): executemany of plain INSERTs, each value prepared by its field
        as the ORM would (dates, times, JSON, UUIDs); the others go as they are."""
        ops, connection = self.connection.ops, self.connection
        prepared = (
            models.DateField,
            models.TimeField,
            models.JSONField,
            models.UUIDField,
            models.DecimalField,
        )
        preps = [
            (i, field.get_db_prep_save)
            for i, field in enumerate(_field(model, name) for name in fields)
            if isinstance(field, prepared)
        ]
        columns = ", ".join(ops.quote_name(_field(model, f).column) for f in fields)
        # The table and column names come from the model; the values go as parameters.
        sql = (
            f"INSERT INTO {ops.quote_name(model._meta.db_table)} ({columns}) "  # noqa: S608 # nosec B608
            f"VALUES ({', '.join(['%s'] * len(fields))})"
        )
        batch, written = [], 0
        with connection.cursor() as cursor:
            for row in rows:
                if preps:
                    row = list(row)
                    for i, prep in preps:
                        row[i] = prep(row[i], connection)
                batch.append(row)
                if len(batch) == BATCH:
                    cursor.executemany(sql, batch)
                    written += len(batch)
                    self.progress.advance(len(batch))
                    batch = []
            if batch:
                cursor.executemany(sql, batch)
                written += len(batch)
                self.progress.advance(len(batch))
        return written

    def finish(self):
        """Move every sequence past the ids written (PostgreSQL; SQLite follows by itself)."""
        if not self.copy:
            return
        statements = self.connection.ops.sequence_reset_sql(no_style(), self.written)
        # VACUUM as well as ANALYZE where it may run (not inside a transaction, as in a test):
        # it marks the freshly written pages all-visible, as autovacuum soon would on a live
        # database, so the index-only scans a page relies on (notes by session, attendance by
        # episode) are planned and measured as they would run there.
        command = "ANALYZE" if self.connection.in_atomic_block else "VACUUM (ANALYZE)"
        self.progress.stage(f"{command.lower()} of the tables", len(self.written))
        with self.connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
            for model in self.written:
                table = self.connection.ops.quote_name(model._meta.db_table)
                cursor.execute(f"{command} {table}")
                self.progress.advance(1)


def _field(model, name):
    for field in model._meta.concrete_fields:
        if field.attname == name or field.name == name:
            return field
    raise LookupError(f"{model._meta.label} has no column {name}")
