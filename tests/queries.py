"""Query counts for the "does not grow with the data" tests."""

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
