"""Ids handed to the database as one array on PostgreSQL (a parameter, or a subquery's answer),
not a literal list or a join."""

import copy

from django.core.exceptions import EmptyResultSet
from django.db import connection, connections
from django.db.models import BooleanField, F, Func, Q, Subquery
from django.db.models.expressions import RawSQL

from iop.pgarrays import int_array


def id_set(ids):
    """Ids read first (a list; a subquery or None is left as it is), for an `__in` lookup. On
    PostgreSQL one array parameter unnested: a literal list of a supervisor's 3,000 patients
    was estimated value by value when the query was planned (16 ms of planning for a 1.3 ms
    page of 200 sessions; 0.3 ms this way), and even a page's 50 ids cost the driver a
    placeholder each to parse on every query (the caseload's columns). In an OR (a visibility
    test) it is hashed once per query, also on rows reached through a join. Inside a
    correlated subquery use `sessions.querysets.in_id_set`.

    The array goes as one string ('{1,2,3}', `iop.pgarrays.int_array`): a list psycopg would
    quote element by element (a supervisor's 2,500 patients: 3 ms of CPU per use, 0.5 ms this
    way)."""
    if connection.vendor != "postgresql" or not isinstance(ids, list):
        return ids
    return RawSQL("SELECT unnest(%s::bigint[])", (int_array(ids),))


class _InArray(Func):
    """`field = ANY(%s)`, the ids one array parameter."""

    output_field = BooleanField()
    conditional = True

    def __init__(self, field, ids):
        super().__init__(F(field))
        self.ids = ids

    def as_sql(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.get_source_expressions()[0])
        return f"{sql} = ANY(%s::bigint[])", (*params, int_array(self.ids))


def in_ids(field, ids):
    """`field__in=ids` (a list of ids) for a filter. On PostgreSQL `field = ANY(array)`: one
    parameter however many ids (the driver parses a placeholder per id on every query, a
    page's 50 twice over in a union), and the planner still knows how many there are and
    walks `field`'s index, where `id_set`'s unnest hash-joined a scan of every episode."""
    ids = list(ids)
    if connection.vendor != "postgresql":
        return Q(**{f"{field}__in": ids})
    return _InArray(field, ids)


class InArray(Func):
    """Whether `column` is among the values of a one-column `queryset`. On PostgreSQL
    `column = ANY(ARRAY(subquery))`: the subquery runs once, before the outer rows, and the
    column's index is probed with its answer (`IN (subquery)` inside an OR became a hashed
    filter over every row the other terms left); elsewhere `IN (subquery)`."""

    output_field = BooleanField()

    def __init__(self, column, queryset):
        super().__init__(column, Subquery(queryset))

    def as_sql(self, compiler, connection, **extra_context):
        (column, column_params), (values, values_params) = (
            compiler.compile(expression) for expression in self.get_source_expressions()
        )
        if connection.vendor == "postgresql":
            return f"{column} = ANY(ARRAY{values})", (*column_params, *values_params)
        return f"{column} IN {values}", (*column_params, *values_params)


def read_by_ids(queryset):
    """The rows of `queryset`, with the related rows it selects and in its order, read by id:
    `pk = ANY(ARRAY(its filter's ids))` on PostgreSQL. For a filter of several joins and
    EXISTS whose rows are read with their related rows (`select_related`): as one query
    PostgreSQL searched every order of all those joins together for each request (Today's
    notes to write: 2.4 ms of planning for ~8 ms of execution); apart, the filter is planned
    alone, and the rows are a lookup by id joined to their related rows (0.9 ms). The same rows,
    as one query still; elsewhere `pk IN (subquery)`. For a QuerySet ordered by its models'
    fields (not by an annotation, which the rows read by id do not have).

    The filter's SQL is compiled on its own and put in as it is: as a Subquery expression
    Django would copy the whole filter and rename its every table to nest it (+1.2 ms of CPU
    for the notes to write, against +0.5 ms this way). Uncorrelated, the subquery's tables
    are its own, whatever they are called outside."""
    query = queryset.query
    if query.is_empty():
        return queryset
    model, db = queryset.model, queryset.db
    try:
        ids, params = queryset.order_by().values("pk").query.get_compiler(db).as_sql()
    except EmptyResultSet:
        return queryset.none()
    qn = connections[db].ops.quote_name
    pk = f"{qn(model._meta.db_table)}.{qn(model._meta.pk.column)}"
    among = f"= ANY(ARRAY({ids}))" if connections[db].vendor == "postgresql" else f"IN ({ids})"
    # Safe: the SQL is Django's own compilation of the QuerySet, its values passed as params.
    ids_hold_pk = RawSQL(f"{pk} {among}", params, output_field=BooleanField())  # noqa: S611 # nosec B611
    rows = model._base_manager.using(db).filter(ids_hold_pk)
    rows.query.select_related = copy.deepcopy(query.select_related)
    rows.query.default_ordering = query.default_ordering
    return rows.order_by(*query.order_by) if query.order_by else rows
