"""A page of a list and the list's length in one query."""

from django.core.paginator import Paginator
from django.db.models import Count, F, Value, Window
from django.db.models.functions import Least, RowNumber

TOTAL, ROW = "paged_total", "paged_row"


class CountedPagePaginator(Paginator):
    """`get_page` reads the page's rows with the length of the whole list beside each (window
    functions, taken before the page is cut) instead of a COUNT query and then the rows: one
    query, whatever the page number. A number past the end gives the last page, a number that
    is not one or is below 1 the first, as Django's `Paginator.get_page`.

    For a QuerySet ordered on unique terms (the page is cut by row number in that order),
    without DISTINCT or aggregates, whose joins are to one row each (as `count()` counts it);
    no orphans."""

    def get_page(self, number):
        try:
            wanted = int(number)
        except (TypeError, ValueError):
            wanted = 1
        if self.orphans:
            return super().get_page(number)
        per = self.per_page
        order = [
            F(term[1:]).desc() if term.startswith("-") else F(term).asc()
            for term in self.object_list.query.order_by
        ]
        # The first row of the page asked for, or of the last page when the list is shorter
        # (or the number is below 1, as Django's).
        last = (F(TOTAL) - 1) / per * per
        start = Least(Value((wanted - 1) * per), last) if wanted >= 1 else last
        rows = list(
            self.object_list.annotate(
                **{TOTAL: Window(Count("pk")), ROW: Window(RowNumber(), order_by=order)}
            ).filter(**{f"{ROW}__gt": start, f"{ROW}__lte": start + per})
        )
        total = getattr(rows[0], TOTAL) if rows else 0
        self.__dict__["count"] = total  # the cached property
        number = (getattr(rows[0], ROW) - 1) // per + 1 if rows else 1
        if not rows and not self.allow_empty_first_page:
            return super().get_page(number)
        return self._get_page(rows, number, self)
