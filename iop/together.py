"""Several QuerySets read in one round trip, and readers that take turns to say what they read.

A page of many short lists (Today: a dozen) waited for PostgreSQL a dozen times, and on a busy
machine each wait costs more than the query (the process gives up its core and waits to get
it back). On PostgreSQL with client-side binding (Django's default) one query string may hold
several statements: `read_together` compiles each QuerySet as Django would, sends them as one
string and hands each its own result set, which Django's iterables then turn into rows,
values or models exactly as if the QuerySet had read them itself (converters, related rows,
annotations). Elsewhere (SQLite, server-side binding) each is read in turn. In READ COMMITTED
each statement takes its own snapshot, as separate queries do.

`run_together` drives readers written as generators: each yields a tuple of QuerySets and is
sent back their rows (lists); the readers' first reads go in one round trip, their second in
the next, and so on. A reader is also a plain function through `run` (one reader alone, its
reads one by one: the function's queries as they were before it became a reader).
`read_related` is a reader of the rows a list shows of its relations, read by id in the turn
after the list rather than joined to it.
"""

from django.core.exceptions import EmptyResultSet
from django.db import connections


def _one_trip(connection):
    return connection.vendor == "postgresql" and not connection.settings_dict.get(
        "OPTIONS", {}
    ).get("server_side_binding")


def _fill(queryset, compiler, rows):
    """Evaluate `queryset` from `rows` (its compiled SQL's answer): its own iterable reads them
    through `compiler`, as if it had run the query."""
    if compiler.has_extra_select:  # columns the ORDER BY needed, never returned
        rows = [row[: compiler.col_count] for row in rows]
    query = queryset.query
    compiler.execute_sql = lambda *args, **kwargs: [rows]  # one chunk of every row
    query.get_compiler = lambda *args, **kwargs: compiler
    try:
        queryset._fetch_all()
    finally:
        del query.get_compiler


def read_together(querysets):
    """[list(queryset) for each], the statements sent in one round trip on PostgreSQL."""
    querysets = list(querysets)
    compiled = []
    for queryset in querysets:
        if queryset._result_cache is not None:
            continue
        connection = connections[queryset.db]
        if not _one_trip(connection):
            continue
        if queryset.query.is_empty():  # `none()`: nothing to compile or send
            queryset._result_cache = []
            continue
        compiler = queryset.query.get_compiler(using=queryset.db)
        try:
            sql, params = compiler.as_sql()
        except EmptyResultSet:  # no statement, no rows (as Django reads it: not compiled again)
            queryset._result_cache = []
            continue
        compiled.append((queryset, compiler, sql, params, connection))
    if len({entry[4].alias for entry in compiled}) > 1:
        compiled = []  # several databases: each QuerySet reads its own
    if compiled:  # one alone too: it is compiled already (a reader's last round is often one)
        connection = compiled[0][4]
        sql = "; ".join(entry[2] for entry in compiled)
        params = [param for entry in compiled for param in entry[3]]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            for number, (queryset, compiler, *_) in enumerate(compiled):
                if number:
                    cursor.nextset()
                _fill(queryset, compiler, cursor.fetchall())
    return [list(queryset) for queryset in querysets]


def run_together(*readers):
    """The answers of `readers` (generators yielding tuples of QuerySets, sent back their rows,
    returning their answer), their reads taken in turns: each turn's in one round trip."""
    reader, rows = gather(*readers), None
    while True:
        try:
            asked = reader.send(rows)
        except StopIteration as stop:
            return stop.value
        rows = read_together(asked)


def gather(*readers):
    """A reader of the answers of `readers`, taken in turns as `run_together` takes them (each
    turn's reads asked for at once): a reader that reads several others with its own turns'
    (`yield from gather(...)`)."""
    answers = [None] * len(readers)
    rows = dict.fromkeys(range(len(readers)))
    while rows:
        waiting = {}  # reader's index -> the QuerySets it asked for
        for number, sent in rows.items():
            try:
                waiting[number] = tuple(readers[number].send(sent))
            except StopIteration as stop:
                answers[number] = stop.value
        rows = {}
        if waiting:
            read = iter((yield tuple(qs for asked in waiting.values() for qs in asked)))
            rows = {number: [next(read) for _ in asked] for number, asked in waiting.items()}
    return answers


def run(reader):
    """The answer of one reader (see `run_together`), its QuerySets read one by one, as the
    plain function it stands for reads them: its callers' queries as they were, on every
    database. A page gathering several readers reads them with `run_together`."""
    rows = None
    while True:
        try:
            asked = reader.send(rows)
        except StopIteration as stop:
            return stop.value
        rows = [list(queryset) for queryset in asked]


def no_read(answer):
    """A reader that reads nothing and answers `answer`: in place of a read a page skips."""
    yield from ()
    return answer


def rows_of(queryset):
    """A reader of one QuerySet's rows (a list)."""
    (rows,) = yield (queryset,)
    return rows


def read_related(objects, name, read):
    """A reader giving each of `objects` (rows of one model) its related row `name` (a foreign
    key, or the reverse side of a one-to-one) as `select_related(name)` would have: the
    related rows read apart by their ids, `read(ids)` (a shape's QuerySet), and each row's
    cache filled (None where there is none, so that reading it costs no query).

    For a list whose query joined several relations only to show them: PostgreSQL searched
    every order of those joins for each request (Today's sessions with their group, episode,
    patient and note: ~2 ms of planning for 10 rows, ~0.3 ms without the joins), while each
    lookup by id plans in a tenth of a millisecond; read in a turn the page takes anyway, it
    costs no round trip."""
    objects = list(objects)
    if not objects:
        return objects
    meta = objects[0]._meta
    field = meta.get_field(name)
    if field.concrete:  # a foreign key: the rows its ids point at
        keys = [getattr(obj, field.attname) for obj in objects]
        remote = field.target_field.attname
    else:  # the reverse of a one-to-one: the rows pointing at these
        keys = [getattr(obj, meta.pk.attname) for obj in objects]
        remote = field.field.attname
    ids = sorted(set(keys) - {None})
    rows = []
    if ids:
        (rows,) = yield (read(ids),)
    found = {getattr(row, remote): row for row in rows}
    for obj, key in zip(objects, keys, strict=True):
        row = found.get(key)
        field.set_cached_value(obj, row)
        if row is not None and not field.concrete:  # the one-to-one's own side, as Django's
            field.field.set_cached_value(row, obj)
    return objects


def fill_prefetched(obj, name, rows):
    """Set `obj.<name>.all()` (a reverse foreign key) to `rows`, read apart (in a turn of
    their own choosing), as `prefetch_related(name)` would: each row's own side pointing back
    at `obj`, so that neither asks the database again."""
    manager = getattr(obj, name)
    queryset = manager.get_queryset()
    queryset._result_cache = rows if isinstance(rows, list) else list(rows)
    queryset._prefetch_done = True
    field = manager.field  # the rows' foreign key to `obj`
    for row in queryset._result_cache:
        field.set_cached_value(row, obj)
    obj.__dict__.setdefault("_prefetched_objects_cache", {})[name] = queryset
