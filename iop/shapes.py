"""QuerySets built and compiled once per process, then read with each request's values.

Building a QuerySet (`filter`, `annotate`: resolving every lookup and expression) and compiling
it to SQL is Python work that gives the same SQL every time for a given page and role; only
the values change (the user's id, today's times). On Today that work was a third of the
request's CPU, more than PostgreSQL's own time. A *shape* is a function building a QuerySet
from keyword values (ints, strings, dates, aware datetimes; booleans and None choose between
shapes, as they may change the SQL):

    @shape
    def todays_sessions(user_id, start, end):
        return TherapySession.objects.filter(clinicians=user_id, starts_at__range=(start, end))

    todays_sessions(user_id=user.pk, start=..., end=...)   # a QuerySet, to read as any other

The first call for a combination of value types (and booleans and Nones) builds the QuerySet
twice with two sets of stand-in values and compiles both: each SQL parameter is then either
one of the values (it is the stand-in in both compilations) or a constant (the same in both).
Every later call builds nothing: it hands back a QuerySet whose compiler answers that SQL
with the call's values in their places, and whose rows, values, related objects and
annotations are turned into Python exactly as the built QuerySet's would be (the compiler is
the built one's, its state shared). It also reads together with others (`iop.together`).

A shaped QuerySet is read as it is: filtering, counting, slicing or any other change before it
is read raises `ShapeError` (build that into the shape instead). After it is read, `len`,
`count()`, `exists()` and indexing answer from its rows as for any QuerySet.

A shape must build from its values only. A parameter computed from a value (`start +
timedelta(days=1)`, `"%" + text + "%"`) makes the shape refuse to be cached (`ShapeError`
under `settings.QUERY_SHAPES_VERIFY`, otherwise it is built on every call); so does a value
that changes the SQL (the stand-ins' two compilations differ). What no stand-in can reveal is a
value taken from elsewhere (`timezone.now()` inside the shape: it would be kept from the first
call) or a branch taken on a value's size: under `QUERY_SHAPES_VERIFY` (on in the test suite)
every call also builds and compiles the QuerySet as the shape is written and raises
`ShapeError` if its SQL or parameters differ from what the cache sent.

A list of ids (ints) is a value too, as one array parameter: the shape puts it in with
`iop.ids.in_ids` or `id_set` (`= ANY(%s::bigint[])`), whose SQL is the same however many ids
there are. An empty list and a list of some are two kinds (a shape may read nothing for none);
a shape must not otherwise branch on how many ids it is given, nor put them in any other way (a
list in an `__in` lookup is one parameter per id: refused).

Only on PostgreSQL with client-side binding (Django's default), whose driver sends datetimes,
dates, ints and strings as given; elsewhere a shape is its function, called every time.
`settings.QUERY_SHAPES = False` turns every shape back into its function.
"""

import copy
import datetime
import functools
import inspect
import itertools

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import EmptyResultSet
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models.sql.query import Query

from iop.pgarrays import int_array

# A shape keeps at most this many compilations (kinds of values): past them, a new kind is
# built every call, so that values chosen by a request (a page number) cannot grow it forever.
MAX_KINDS = 64


class ShapeError(Exception):
    """A shape used or written in a way its cache cannot honour."""


def enabled():
    """Whether shapes are cached here (PostgreSQL with client-side binding, `QUERY_SHAPES`)."""
    if not getattr(settings, "QUERY_SHAPES", True):
        return False
    connection = connections[DEFAULT_DB_ALIAS]
    return connection.vendor == "postgresql" and not connection.settings_dict.get(
        "OPTIONS", {}
    ).get("server_side_binding")


def _verify():
    return getattr(settings, "QUERY_SHAPES_VERIFY", False)


_UTC = datetime.UTC
# Stand-ins: two sets, each value its own (a parameter is a value's only if it is that value's
# stand-in in both compilations). Small enough for a SmallIntegerField, far from real values.
_STAND_INS = {
    int: lambda n, i: 20011 + 1009 * n + i,
    str: lambda n, i: f"\ue000shape{n}.{i}\ue000",
    datetime.datetime: lambda n, i: datetime.datetime(1911 + n, 2, 3, 4, 5, 6, 1 + i, tzinfo=_UTC),
    datetime.date: lambda n, i: datetime.date(1911 + n, 3, 1) + datetime.timedelta(days=i),
}


def _kind(value):
    """What a value is to the cache: the key itself (None, a boolean), the type of a value
    sent as a parameter, a list of ids (by whether it has any), or a user (by what a read may
    ask of them besides their id: their roles, prescriber credential, active and superuser
    flags); None for a value the cache cannot stand in for."""
    if value is None or isinstance(value, bool):
        return ("is", value)
    if type(value) is list:
        if all(type(v) is int for v in value):
            return ("ids", bool(value))
        return None
    kind = type(value)
    if kind in _STAND_INS:
        if kind is datetime.datetime and value.tzinfo is None:
            return None  # naive: Django would convert it, the stand-in would not tell
        return kind
    if isinstance(value, get_user_model()) and value.pk is not None:
        return (
            "user",
            get_user_model(),  # the class, not a request's lazy user's wrapper
            value.roles,
            value.prescriber_credential,
            value.is_active,
            value.is_superuser,
        )
    return None


def _stand_in(kind, n, i):
    """A stand-in for a value of this kind: the nth set's ith."""
    if not isinstance(kind, tuple):
        return _STAND_INS[kind](n, i)
    if kind[0] == "ids":  # two ids, far from the other values' stand-ins; none for none
        return [_STAND_INS[int](n, i), _STAND_INS[int](n, i) + 977] if kind[1] else []
    _, model, roles, credential, active, superuser = kind
    user = model(
        pk=_STAND_INS[int](n, i),
        prescriber_credential=credential,
        is_active=active,
        is_superuser=superuser,
    )
    user.__dict__["roles"] = roles  # the cached property, as the user's own
    return user


def _sent(value):
    """How a value is sent, and the parameter: a user as their id, ids as one array."""
    if isinstance(value, get_user_model()):
        return "pk", value.pk
    if type(value) is list:
        return "ids", int_array(value)
    return "value", value


def _same(a, b):
    """The same parameter: equal values of one type (a driver's wrapper, as a JSON value is
    sent, by what it wraps)."""
    if type(a) is not type(b):
        return False
    return a == b or (hasattr(a, "obj") and a.obj == b.obj)


class _Compiled:
    """One shape's SQL for one combination of value kinds: the built QuerySet, its compiler
    (state set up by compiling), the SQL, and where each parameter comes from."""

    __slots__ = ("queryset", "compiler", "sql", "slots")

    def __init__(self, queryset, compiler, sql, slots):
        self.queryset, self.compiler, self.sql, self.slots = queryset, compiler, sql, slots

    def params(self, values):
        return tuple(_param(values, how, what, wrap) for how, what, wrap in self.slots)

    def queryset_for(self, values):
        query = ShapedQuery.__new__(ShapedQuery)
        query.__dict__.update(self.queryset.query.__dict__)
        query.shaped = (self.compiler, self.sql, self.params(values))
        queryset = self.queryset.__class__.__new__(self.queryset.__class__)
        queryset.__dict__.update(self.queryset.__dict__)
        queryset._query = query
        queryset._result_cache = None
        queryset._prefetch_done = False
        return queryset


class ShapedQuery(Query):
    """A compiled shape's query with one call's parameters: its compiler sends that SQL."""

    def get_compiler(self, using=None, connection=None, elide_empty=True):
        template, sql, params = self.shaped
        compiler = copy.copy(template)
        compiler.connection = connection or connections[using or DEFAULT_DB_ALIAS]
        compiler.as_sql = lambda *args, **kwargs: (sql, params)
        return compiler

    def chain(self, klass=None):
        raise ShapeError(
            "A shaped QuerySet is read as it is: filter, order, slice or count it in its shape."
        )

    def clone(self):
        return self.chain()


class Shape:
    """A function building a QuerySet from values, its compiled SQL kept per kind of values."""

    def __init__(self, build, key=()):
        self.build = build
        self.key = frozenset(key)  # values that choose a shape as booleans do (a page's offset)
        self.signature = inspect.signature(build)
        self.compiled = {}  # key -> _Compiled, or None: not cacheable, built every call
        functools.update_wrapper(self, build)

    def __call__(self, *args, **kwargs):
        if not enabled():
            return self.build(*args, **kwargs)
        bound = self.signature.bind(*args, **kwargs)
        bound.apply_defaults()
        values = bound.arguments
        kinds = tuple(
            (name, ("is", value) if name in self.key else _kind(value))
            for name, value in values.items()
        )
        if any(kind is None for _, kind in kinds):
            if _verify():
                raise ShapeError(f"{self.__qualname__}: a value of a type it cannot stand in for")
            return self.build(**values)
        compiled = self.compiled.get(kinds, False)
        if compiled is False:
            if len(self.compiled) >= MAX_KINDS:  # e.g. every page number of a list asked for
                return self.build(**values)
            compiled = self.compiled[kinds] = self._compile(values, kinds)
        if compiled is None:
            return self.build(**values)
        if _verify():
            self._check(compiled, values)
        return compiled.queryset_for(values)

    def _stand_ins(self, values, kinds, n):
        counter = itertools.count()
        return {
            name: value
            if isinstance(kind, tuple) and kind[0] == "is"
            else _stand_in(kind, n, next(counter))
            for (name, kind), value in zip(kinds, values.values(), strict=True)
        }

    def _compile(self, values, kinds):
        """The shape compiled with two sets of stand-ins; None (or ShapeError when verifying)
        if the two differ otherwise than in the stand-ins' places."""
        ones, others = self._stand_ins(values, kinds, 0), self._stand_ins(values, kinds, 1)
        try:
            built, compiler, sql, params = _build_and_compile(self.build, ones)
            _, _, other_sql, other_params = _build_and_compile(self.build, others)
        except EmptyResultSet:  # it reads nothing (`none()`): nothing to compile, nor to cache
            return None
        if sql != other_sql or len(params) != len(other_params):
            return self._refuse("its SQL depends on its values")
        named, other_named = _named(ones, kinds), _named(others, kinds)
        slots = []
        for one, other in zip(params, other_params, strict=True):
            name = _lookup(named, one)
            if name is not None and name == _lookup(other_named, other):
                # (how, the value's name, the driver's type Django sent it as, if not its own)
                slots.append((*name, type(one) if type(one) not in _PLAIN else None))
            elif _same(one, other) and name is None:
                slots.append((None, one, None))  # a constant
            else:
                return self._refuse(f"a parameter is computed from a value ({one!r})")
        return _Compiled(built, compiler, sql, tuple(slots))

    def _refuse(self, why):
        if _verify():
            raise ShapeError(f"{self.__qualname__} cannot be cached: {why}")
        return None

    def _check(self, compiled, values):
        """The call's SQL and parameters as the shape builds them, against the cache's."""
        _, _, sql, params = _build_and_compile(self.build, values)
        sent = compiled.params(values)
        if sql != compiled.sql or len(params) != len(sent):
            raise ShapeError(f"{self.__qualname__}: the cached SQL is not the shape's for {values}")
        for built, cached in zip(params, sent, strict=True):
            if not _same(built, cached):
                raise ShapeError(
                    f"{self.__qualname__}: parameter {built!r} sent as {cached!r} for {values}"
                )


def _named(values, kinds):
    """{(type, parameter): (how it is sent, name)} of the stand-ins sent as parameters."""
    named = {}
    for (name, kind), value in zip(kinds, values.values(), strict=True):
        if isinstance(kind, tuple) and kind[0] == "is":
            continue
        how, sent = _sent(value)
        if how != "ids" or value:  # none: '{}' in both compilations, a constant
            named[(type(sent), sent)] = (how, name)
    return named


def _lookup(named, param):
    """The value whose stand-in `param` is: by type and value, a driver's int type (Django
    sends a `Value(int)` as psycopg's `Int4`) as an int."""
    kind = int if isinstance(param, int) and not isinstance(param, bool) else type(param)
    try:
        return named.get((kind, param))
    except TypeError:  # unhashable: no value's stand-in
        return None


_PLAIN = frozenset((int, str, datetime.datetime, datetime.date))


def _param(values, how, what, wrap):
    if how is None:
        return what  # a constant
    if how == "ids":
        return int_array(values[what])
    value = values[what] if how == "value" else values[what].pk
    return value if wrap is None else wrap(value)


def _build_and_compile(build, values):
    queryset = build(**values)
    compiler = queryset.query.get_compiler(using=queryset.db)
    sql, params = compiler.as_sql()
    return queryset, compiler, sql, tuple(params)


def shape(build=None, *, key=()):
    """Decorate a function building a QuerySet from keyword values (see the module). Values
    named in `key` are not parameters but choose a shape each, as booleans do: a value that
    Django writes into the SQL itself (a slice's bounds) or that changes it."""
    if build is None:
        return functools.partial(Shape, key=key)
    return Shape(build, key)
