"""A page of a list and the list's length in one query."""

from django.core.paginator import Paginator
from django.db.models import Count, F, Window
from django.db.models.functions import RowNumber

from iop.together import run

TOTAL, ROW = "paged_total", "paged_row"


def counted_rows(queryset, start, size):
    """The rows `start` to `start + size` of an ordered QuerySet, each with the length of the
    whole list (`TOTAL`, a window taken before the cut): what `CountedPagePaginator` reads."""
    return queryset.annotate(**{TOTAL: Window(Count("pk"))})[start : start + size]


class CountedPagePaginator(Paginator):
    """`get_page` reads the page's rows with the length of the whole list beside each (a window
    function, taken before the page is cut) instead of a COUNT query and then the rows: one
    query for a page that exists. A number past the end (or below 1) gives the last page, a
    number that is not one the first, as Django's `Paginator.get_page`: two queries, the
    second finding the last page by row number. `page` (what a ListView asks) reads a page
    that exists in one query too, and refuses any other number as Django's does.

    For a QuerySet ordered on unique terms (the page is cut by row number in that order),
    without DISTINCT or aggregates, whose joins are to one row each (as `count()` counts it);
    no orphans.

    `rows` (optional): a function (start, size) giving what `counted_rows` reads of the list,
    read some other way (a shape's, `iop.shapes`); the list itself (which may then be lazy) is
    read only for a number past the end."""

    def __init__(self, object_list, per_page, *args, rows=None, **kwargs):
        self.rows = rows
        super().__init__(object_list, per_page, *args, **kwargs)

    def _check_object_list_is_ordered(self):
        if self.rows is None:  # a function's rows are ordered as the list (and it is lazy)
            super()._check_object_list_is_ordered()

    def get_page(self, number):
        return run(self.read_page(number))

    def read_page(self, number):
        """`get_page` as a reader (`iop.together`): a page that exists is read with the other
        readers' reads, in one round trip; a number past the end reads the last page after."""
        try:
            wanted = int(number)
        except (TypeError, ValueError):
            wanted = 1
        if self.orphans:
            return super().get_page(number)
        per = self.per_page
        if wanted >= 1:
            (rows,) = yield (self._page_rows(wanted),)
            if rows or wanted == 1:
                return self._counted_page(rows, wanted)
        # Past the end (or below 1): the last page, its first row found by row number.
        order = [
            F(term[1:]).desc() if term.startswith("-") else F(term).asc()
            for term in self.object_list.query.order_by
        ]
        last = (F(TOTAL) - 1) / per * per
        rows = list(
            self.object_list.annotate(
                **{TOTAL: Window(Count("pk")), ROW: Window(RowNumber(), order_by=order)}
            ).filter(**{f"{ROW}__gt": last, f"{ROW}__lte": last + per})
        )
        return self._counted_page(rows, (getattr(rows[0], ROW) - 1) // per + 1 if rows else 1)

    def page(self, number):
        """As `Paginator.page` (InvalidPage for a number past the end or not one: a list
        view's 404), a page that exists read with the list's length in one query."""
        if self.orphans or not self.allow_empty_first_page or not isinstance(number, int):
            return super().page(number)
        rows = self._rows(number) if number >= 1 else []
        if rows or number == 1:
            return self._counted_page(rows, number)
        return super().page(number)  # the count, then EmptyPage

    def _rows(self, number):
        """The page's rows, cut by LIMIT/OFFSET with the list's length beside each row:
        compiled without the subquery that a filter on a window function needs (a chart tab's
        page read, 3.6-4.4 -> 1.6-2.3 ms of CPU)."""
        return list(self._page_rows(number))

    def _page_rows(self, number):
        """The QuerySet `_rows` reads."""
        start = (number - 1) * self.per_page
        if self.rows is not None:
            return self.rows(start, self.per_page)
        return counted_rows(self.object_list, start, self.per_page)

    def _counted_page(self, rows, number):
        self.__dict__["count"] = getattr(rows[0], TOTAL) if rows else 0  # the cached property
        if not rows and not self.allow_empty_first_page:
            return super().get_page(number)
        return self._get_page(rows, number, self)
