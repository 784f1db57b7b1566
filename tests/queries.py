"""Query counts for the "does not grow with the data" tests."""

import re

from django.db import connection
from django.test.utils import CaptureQueriesContext


def query_counts(client, paths):
    """The number of queries each GET runs, in order; each answer must be a 200."""
    counts = []
    for path in paths:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        assert response.status_code == 200, path
        counts.append(len(queries))
    return counts


def statements(queries):
    """Each statement of captured `queries`, the round trips of `iop.together` (statements
    joined by "; ") taken apart."""
    return [sql for query in queries for sql in re.split(r"; (?=SELECT )", query["sql"])]
