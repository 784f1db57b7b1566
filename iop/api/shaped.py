"""A list's page and count read by shapes (`iop.shapes`): nothing built or compiled per request.

An API list built its QuerySet on every request (the caller's visible patients, the list's
filters, its page's values) and compiled it twice, once counted and once cut to the page:
for a list of 200 assessments that was ~15 % of the request's CPU, for the same SQL each time
but for the user's id and the time. A viewset listing with `ShapedListModelMixin`
(`iop.api.viewsets`) has its list's page and count read by two shapes built from the viewset
itself: a stand-in of the view (`stand_in`), asked as a request would ask it
(`get_queryset`, `filter_queryset`, `list_source`) for a stand-in user at a stand-in time, so
that the rule of what a list shows stays in the viewset alone. Both are read in one round
trip (`iop.together`).

Only for a plain list: no filter, no ordering (any query parameter but the page's number and
size), a page asked for by its number, not an external integration's (whose list audits what
it leaves out while it is built). Anything else is built as before. A viewset's list must read
the time from `view.now` (the request's, `IOPViewSet.initial`), never the clock: a shape keeps
what it is built with (`QUERY_SHAPES_VERIFY`, on in the tests, refuses a shape that reads it).
"""

from django.db.models import Count, Value, Window
from django.http import QueryDict

from iop.api.counted import COUNT_KEY, LAST_PAGE_READ_WITH_COUNT, PageWithCount
from iop.api.pagination import StandardPagination
from iop.api.rows import CountedValues
from iop.shapes import Shape, enabled
from iop.together import read_together

PLAIN_LIST_PARAMS = frozenset(("page", "page_size"))


class _StandInRequest:
    """What a list's building reads of its request: the user, and no query parameters."""

    method = "GET"

    def __init__(self, user):
        self.user = user
        self.query_params = self.GET = QueryDict()


def stand_in(view_class, user, now):
    """A `view_class` view asked for its list by `user` at `now`, as a request would."""
    view = view_class()
    view.request = _StandInRequest(user)
    view.action, view.args, view.kwargs, view.format_kwarg = "list", (), {}, None
    view.now = now
    return view


def count_rows(queryset):
    """`queryset.count()` as a QuerySet (`SELECT COUNT(*) ...`, one row), to read in a shape."""
    query = queryset.query
    if query.distinct or query.combinator or query.is_sliced:
        raise ValueError("count_rows counts a plain list: no DISTINCT, union or slice")
    counted = queryset.order_by().annotate(_counted=Value(1)).values("_counted")
    return counted.annotate(count=Count("*")).values_list("count", flat=True)


def _source(view_class, user, now):
    view = stand_in(view_class, user, now)
    return view.list_source(view.filter_queryset(view.get_queryset()))


class ListShapes:
    """A viewset's list page and count shapes (made once per viewset class)."""

    def __init__(self, view_class):
        name = view_class.__qualname__

        def page(user, now, start, size):
            source = _source(view_class, user, now)
            if isinstance(source, PageWithCount):  # a clinician's: the count with the page
                return source.values.annotate(**{COUNT_KEY: Window(Count("*"))})[
                    start : start + size
                ]
            rows = source.values if isinstance(source, CountedValues) else source
            return rows[start : start + size]

        def count(user, now):
            source = _source(view_class, user, now)
            if isinstance(source, CountedValues | PageWithCount):
                source = source.counted
            return count_rows(source)

        page.__qualname__, count.__qualname__ = f"{name}.list_page", f"{name}.list_count"
        self.page, self.count = Shape(page, key=("start", "size")), Shape(count)


class ShapedSource:
    """A list's rows for its paginator (`PageNumberPagination`), read by the viewset's
    `ListShapes` for the page asked for (`bounds`, its rows' [bottom, top)): `count()`
    reads the page with the count in one round trip; a page past the last reads the count
    alone (the paginator's 404)."""

    ordered = True

    def __init__(self, shapes, *, user, now, bounds):
        self.shapes, self.user, self.now, self.bounds = shapes, user, now, bounds
        self.rows = None

    def _page(self, start, stop):
        return self.shapes.page(user=self.user, now=self.now, start=start, size=stop - start)

    def count(self):
        page = self._page(*self.bounds)
        if COUNT_KEY in page.query.annotations:  # the count beside each row (`PageWithCount`)
            (rows,) = read_together([page])
            if not rows:  # an empty list (its first page: no rows to read again), or past it
                self.rows = rows
                return self._count_alone()
            total = rows[0][COUNT_KEY]
            for row in rows:
                del row[COUNT_KEY]
        else:
            rows, counted = read_together([page, self.shapes.count(user=self.user, now=self.now)])
            total = counted[0] if counted else 0
        self.rows = rows
        return total

    def _count_alone(self):
        counted = list(self.shapes.count(user=self.user, now=self.now))
        return counted[0] if counted else 0

    def __getitem__(self, key):
        if self.rows is not None and isinstance(key, slice) and key.start == self.bounds[0]:
            return self.rows[: key.stop - key.start]
        return list(self._page(key.start, key.stop))


def shaped_source(view):
    """The `ShapedSource` of `view`'s list, or None when it is to be built as before (see the
    module: shapes off, a filtered or ordered list, a page
    not asked for by its number, an external integration)."""
    from patients.part2 import withholds_part2

    request, user = view.request, view.request.user
    if not enabled():
        return None
    if not isinstance(view.paginator, StandardPagination):
        return None
    if not PLAIN_LIST_PARAMS.issuperset(request.query_params.keys()):
        return None
    number = request.query_params.get("page", "1")
    if not (number.isascii() and number.isdigit()):
        return None
    if not 1 <= int(number) <= LAST_PAGE_READ_WITH_COUNT or withholds_part2(user):
        return None
    shapes = type(view).__dict__.get("_list_shapes")
    if shapes is None:
        shapes = ListShapes(type(view))
        type(view)._list_shapes = shapes
    size = view.paginator.get_page_size(request)
    bottom = (int(number) - 1) * size
    return ShapedSource(shapes, user=user, now=view.now, bounds=(bottom, bottom + size))
