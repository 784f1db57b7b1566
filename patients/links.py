"""Links to a patient's pages for the lists that draw one per row (the caseload and its flags,
a session's attendees): the URL pattern is reversed once per page name and script prefix,
with stand-ins for the ids, and each row's ids are set into it (the same URL as `reverse`,
without resolving the pattern for every row)."""

from django.urls import get_script_prefix, reverse

# Stand-ins for a URL's ids, in the order of its arguments.
STAND_INS = ("999999937", "999999938", "999999939")
_parts = {}


def url_with_ids(name, *ids):
    """`reverse(name, args=ids)` for a URL whose arguments are all ids (a patient's, a
    session's, an attendee's episode)."""
    key = (get_script_prefix(), name, len(ids))
    parts = _parts.get(key)
    if parts is None:
        rest, heads = reverse(name, args=[int(s) for s in STAND_INS[: len(ids)]]), []
        for stand_in in STAND_INS[: len(ids)]:
            head, rest = rest.split(stand_in, 1)
            heads.append(head)
        parts = _parts[key] = (*heads, rest)
    url = [parts[0]]
    for pk, part in zip(ids, parts[1:], strict=True):
        url += (str(int(pk)), part)
    return "".join(url)


def url_with_id(name, pk):
    """`reverse(name, args=[pk])` for a URL whose only argument is an id (a patient's, a
    session's on Today's cards)."""
    return url_with_ids(name, pk)


def patient_url(name, patient_id):
    """`reverse(name, args=[patient_id])` for a URL whose only argument is the patient's id."""
    return url_with_id(name, patient_id)
