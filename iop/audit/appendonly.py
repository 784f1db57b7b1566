"""Append-only records: the audit trail, its checkpoints, the accounting of disclosures.

The ORM refuses to change or remove one (`AppendOnlyQuerySet`, `AppendOnlyModel`); on
PostgreSQL each table also has triggers refusing UPDATE, DELETE and TRUNCATE, and the app's
database role may only SELECT and INSERT it (`iop.audit.dbroles` finds the tables by the
models' `append_only = True`).
"""

from django.db import models


class AppendOnlyError(Exception):
    """Raised on any attempt to change or remove an append-only record."""


def _refuse(model, verb):
    what = str(model._meta.verbose_name_plural).capitalize()
    raise AppendOnlyError(f"{what} are append-only: they cannot be {verb}.")


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        _refuse(self.model, "updated")

    def delete(self):
        _refuse(self.model, "deleted")

    def _raw_delete(self, using):
        _refuse(self.model, "deleted")


class AppendOnlyModel(models.Model):
    # The app's database role may only SELECT and INSERT the table (iop.audit.dbroles).
    append_only = True

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            _refuse(type(self), "updated")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        _refuse(type(self), "deleted")
