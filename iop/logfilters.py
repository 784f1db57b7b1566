"""Logging filters: what the app's own logs must not hold."""

import logging
import re

_QUERY = re.compile(r"\?[^\s\"]*")


def without_query(text):
    """A request line or URL with its query string taken out (a search is typed as a name)."""
    return _QUERY.sub("", text, count=1)


class StripQueryString(logging.Filter):
    """The development server's request lines ("GET /patients/?q=... HTTP/1.1") without the
    query string. gunicorn's access log has its own format (gunicorn.conf.py)."""

    def filter(self, record):
        if isinstance(record.args, tuple) and record.args and isinstance(record.args[0], str):
            record.args = (without_query(record.args[0]), *record.args[1:])
        return True
