"""Links to a patient's pages for the lists that draw one per row (the caseload and its flags):
the URL pattern is reversed once per page name and script prefix, with a stand-in for the
patient's id, and each row's id is set into it (the same URL as `reverse`, without resolving
the pattern for every row)."""

from django.urls import get_script_prefix, reverse

STAND_IN = "999999937"
_parts = {}


def url_with_id(name, pk):
    """`reverse(name, args=[pk])` for a URL whose only argument is an id (a patient's, a
    session's on Today's cards)."""
    key = (get_script_prefix(), name)
    parts = _parts.get(key)
    if parts is None:
        parts = _parts[key] = tuple(reverse(name, args=[int(STAND_IN)]).split(STAND_IN, 1))
    head, tail = parts
    return f"{head}{int(pk)}{tail}"


def patient_url(name, patient_id):
    """`reverse(name, args=[patient_id])` for a URL whose only argument is the patient's id."""
    return url_with_id(name, patient_id)
