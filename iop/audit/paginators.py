"""A paginator for lists over the audit trail, which grows by millions of rows: it never
counts more than CAP rows."""

from django.core.paginator import Paginator
from django.utils.functional import cached_property


class BoundedCountPaginator(Paginator):
    """Counts at most CAP + 1 rows (`SELECT COUNT(*) FROM (... LIMIT CAP + 1)`), so a page
    of an unfiltered trail reads one page of the index, not the whole table. `capped` says
    the count stopped there: the list then says "more than CAP" rather than a number, and
    the pages beyond are reached by narrowing the filters (date, user, patient)."""

    CAP = 10_000

    @cached_property
    def count(self):
        return self.object_list.order_by()[: self.CAP + 1].count()

    @property
    def capped(self):
        return self.count > self.CAP
