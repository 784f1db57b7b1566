"""A list's page and its count in one statement, for the lists that read every visible row
anyway.

A clinician's lists (their few patients' alerts, consents, plans) are found by joining the
patients they may open to the list's table and sorting what that gives; the paginator's COUNT
made the same join a second time. `PageWithCount` reads the page with `COUNT(*) OVER ()`: the
total, from the rows the sort had in hand (a clinician's 200 alerts: page and count 13-15 ms of
SQL, page with its count 9 ms). A list read in an index's order and stopped when the page is
full (a supervisor's, an intake coordinator's) must not use it: the window would read every
row (the same alerts of a supervisor: 15 -> 30 ms).
"""

from django.db.models import Count, Window

from iop.accounts.roles import Role
from iop.api.rows import CountedValues

# The window's column in a row of values, taken out again once read.
COUNT_KEY = "_page_with_count"
# Past this page number the page is counted on its own: a number beyond the last page is a
# 404 found by the count, never an OFFSET too large for the database.
LAST_PAGE_READ_WITH_COUNT = 10_000


def finds_few(user):
    """Whether `user`'s lists are their own few patients' rows, found by a join: a clinician's
    (not a supervisor's, nor an intake coordinator's, whose lists walk an index or read
    every patient's rows)."""
    return user.has_role(Role.CLINICIAN) and not user.has_role(Role.SUPERVISOR, Role.INTAKE)


class PageWithCount:
    """A list's values for its paginator (`PageNumberPagination`) when the page asked for is
    known (`bounds`, its rows' [bottom, top)): counting reads that page with the total of
    every row beside each one. A page past the last, or of an empty list, is counted on its
    own (`counted`, as `CountedValues`)."""

    def __init__(self, values, *, counted, bounds):
        self.values, self.counted, self.bounds = values, counted, bounds
        self.ordered = values.ordered
        self.rows = None

    def count(self):
        bottom, top = self.bounds
        rows = list(self.values.annotate(**{COUNT_KEY: Window(Count("*"))})[bottom:top])
        if not rows:
            return self.counted.count()
        total = rows[0][COUNT_KEY]
        for row in rows:
            del row[COUNT_KEY]
        self.rows = rows
        return total

    def __getitem__(self, key):
        if self.rows is not None and isinstance(key, slice) and key.start == self.bounds[0]:
            return self.rows[: key.stop - key.start]
        return self.values[key]


def page_values(view, values, *, counted):
    """What `view`'s paginator pages: `values` with their count in the page's statement
    (`PageWithCount`) for a user whose lists find few rows (`finds_few`) and a page asked for
    by its number; otherwise the page and a count of `counted` (`CountedValues`)."""
    paginator, request = view.paginator, view.request
    number = request.query_params.get(paginator.page_query_param, "1")
    numbered = number.isascii() and number.isdigit()
    if not (numbered and 1 <= int(number) <= LAST_PAGE_READ_WITH_COUNT):
        return CountedValues(values, counted=counted)
    if not finds_few(request.user):
        return CountedValues(values, counted=counted)
    size = paginator.get_page_size(request)
    bottom = (int(number) - 1) * size
    return PageWithCount(values, counted=counted, bounds=(bottom, bottom + size))
