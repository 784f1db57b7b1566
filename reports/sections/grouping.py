"""Several groupings of one set of rows in one pass: a section's headline and its table by
group (or by clinician) read the same tens of thousands of attendance rows, and at scale each
read costs a scan of the attendance table. On PostgreSQL, `GROUP BY GROUPING SETS` aggregates
the rows once per grouping in one query; elsewhere (SQLite) each grouping is its own query.
The results are the same either way: each grouping's rows are those of
`queryset.values(*grouping).annotate(**aggregates)`.
"""

import re

from django.core.exceptions import EmptyResultSet
from django.db import connections

TRAILING_GROUP_BY = re.compile(r" GROUP BY (\d+(?:, \d+)*)$")
MARK = "__grouping_set"


def grouping_sets(queryset, sets, aggregates):
    """[the rows of each grouping of `sets`]: a grouping is a tuple of names of `queryset`'s
    fields or annotations, () for the whole (whose one row is the aggregate's dict)."""
    queryset = queryset.order_by()
    names = list(dict.fromkeys(name for grouping in sets for name in grouping))
    if names and connections[queryset.db].vendor == "postgresql":
        found = _in_one_query(queryset, names, sets, aggregates)
        if found is not None:
            return found
    return [_one(queryset, grouping, aggregates) for grouping in sets]


def _one(queryset, grouping, aggregates):
    if not grouping:
        return [queryset.aggregate(**aggregates)]
    return list(queryset.values(*grouping).annotate(**aggregates))


def _in_one_query(queryset, names, sets, aggregates):
    grouped = queryset.values(*names).annotate(**aggregates)
    compiler = grouped.query.get_compiler(using=grouped.db)
    try:
        sql, params = compiler.as_sql()
    except EmptyResultSet:  # none() (no reports for the user): Django answers without a query
        return None
    aliases = [alias for _, _, alias in compiler.select]
    match = TRAILING_GROUP_BY.search(sql)
    if not sql.startswith("SELECT ") or not match or any(n not in aliases for n in names):
        return None  # not the shape expected: one query per grouping instead
    columns = [compiler.select[aliases.index(name)] for name in names]
    marks = ", ".join(sql_ for _, (sql_, _), _ in columns)
    mark_params = [p for _, (_, column_params), _ in columns for p in column_params]
    # The GROUPING() column goes first: every select index shifts by one.
    ordinal = {name: aliases.index(name) + 2 for name in names}
    groupings = ", ".join(
        "(" + ", ".join(str(ordinal[name]) for name in grouping) + ")" for grouping in sets
    )
    sql = (
        f'SELECT GROUPING({marks}) AS "{MARK}", '
        + sql[len("SELECT ") : match.start()]
        + f" GROUP BY GROUPING SETS ({groupings})"
    )
    converters = compiler.get_converters([expr for expr, _, _ in compiler.select])
    with connections[grouped.db].cursor() as cursor:
        cursor.execute(sql, [*mark_params, *params])
        rows = cursor.fetchall()
    found = {_mask(names, grouping): [] for grouping in sets}
    for row in rows:
        values = list(row[1:])
        for index, (functions, expr) in converters.items():
            for function in functions:
                values[index] = function(values[index], expr, compiler.connection)
        record = dict(zip(aliases, values, strict=True))
        found[row[0]].append(record)
    return [_shaped(found[_mask(names, grouping)], grouping, aggregates) for grouping in sets]


def _mask(names, grouping):
    """GROUPING()'s value for the rows of `grouping`: a bit per name not grouped by, the
    first name the highest."""
    return sum(1 << (len(names) - 1 - i) for i, name in enumerate(names) if name not in grouping)


def _shaped(records, grouping, aggregates):
    keep = [*grouping, *aggregates]
    return [{name: record[name] for name in keep} for record in records]
