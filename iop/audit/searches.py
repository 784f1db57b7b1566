"""What a list's query string says on the audit trail: never the search text itself.

A search for a patient is typed as their name, so the trail keeps a keyed digest of the term
(HMAC-SHA256 under SECRET_KEY, truncated): an investigator can ask "was `Robin Smith` searched,
by whom, when" (`manage.py audit_searched "Robin Smith"`) without the trail holding names.
Other parameters are recorded by name only (`filters: program, status`), since any value may
be typed by the user. Paths are stored without their query string (`AuditContext`).
"""

import re
import unicodedata

from django.utils.crypto import salted_hmac

# The query parameters that carry a search typed by the user: the pages' `q`, the API's `search`.
SEARCH_PARAMS = ("q", "search")
DIGEST_LENGTH = 16  # hex characters: 64 bits, enough to test a term, too few to be a fingerprint
_SALT = "iop.audit.search"
_SPACES = re.compile(r"\s+")
_PARAM_NAME = re.compile(r"[a-z][a-z0-9_]{0,29}")


def normalise_search(term):
    """The term as the searches read it: Unicode-normalised, case-folded, spaces collapsed."""
    text = unicodedata.normalize("NFKC", term or "")
    return _SPACES.sub(" ", text).strip().casefold()


def search_digest(term):
    """The keyed digest the trail records for a search term ("" for an empty search)."""
    text = normalise_search(term)
    if not text:
        return ""
    return salted_hmac(_SALT, text, algorithm="sha256").hexdigest()[:DIGEST_LENGTH]


def search_marker(term):
    """How a search appears in an event's detail, for `detail__contains` lookups."""
    digest = search_digest(term)
    return f"search={digest}" if digest else ""


def describe_query(query):
    """A PHI-free summary of a request's query parameters (a QueryDict): the names of the
    filters used, and the digest of any search term."""
    parts = []
    names = {name for name in query if name not in SEARCH_PARAMS}
    known = sorted(name for name in names if _PARAM_NAME.fullmatch(name))
    if len(known) < len(names):
        known.append("(other)")  # a name no filter has may be anything the user typed
    if known:
        parts.append("filters: " + ", ".join(known))
    for name in SEARCH_PARAMS:
        marker = search_marker(query.get(name, ""))
        if marker:
            parts.append(marker)
    return "; ".join(parts)
