"""The attendance sheet's status buttons, drawn in Python: Today draws a row for every attendee
of each of the day's sessions, and five buttons a row through the template language cost more
than the rest of the page (issue 14). The HTML is the loop's it replaces, byte for byte."""

from django import template
from django.urls import get_script_prefix, reverse
from django.utils.html import format_html, format_html_join

register = template.Library()

BUTTON = (
    '\n        <button type="submit" name="status" value="{value}" data-key="{key}" '
    'aria-keyshortcuts="{upper}" class="btn btn-sm {style} py-0"{pressed}{disabled}>{label}'
    "</button>\n      "
)
STYLES = {
    (True, True): ("btn-primary", ' aria-pressed="true"', ' disabled aria-describedby="{closed}"'),
    (True, False): ("btn-primary", ' aria-pressed="true"', ""),
    (False, True): ("btn-outline-secondary", "", ' disabled aria-describedby="{closed}"'),
    (False, False): ("btn-outline-secondary", "", ""),
}
# The four shapes a button takes (pressed or not, disabled or not), each a format string.
FORMATS = {
    shape: BUTTON.replace("{style}", style)
    .replace("{pressed}", pressed)
    .replace("{disabled}", disabled)
    for shape, (style, pressed, disabled) in STYLES.items()
}


@register.simple_tag
def attendance_buttons(statuses, status, closed, sid):
    """A row's buttons: one per (value, label, key) of `statuses`, the row's `status` pressed,
    all disabled with the sheet's reason (`closed`, described by its element) when closed."""
    return format_html_join(
        "",
        "{}",
        (
            (
                format_html(
                    FORMATS[(status == value, bool(closed))],
                    value=value,
                    key=key,
                    upper=key.upper(),
                    label=label,
                    closed=f"attendance-closed-{sid}",
                ),
            )
            for value, label, key in statuses
        ),
    )


# Stand-ins for a row's ids in the one URL reversed per script prefix (`attendance_url`).
SID, PK = "999999901", "999999902"
_mark_urls = {}


@register.simple_tag
def attendance_url(sid, pk):
    """`{% url 'sessions:attendance' sid pk %}` without resolving the pattern for each row:
    the URL is reversed once (per script prefix) with stand-ins, and a row's ids set in it."""
    prefix = get_script_prefix()
    parts = _mark_urls.get(prefix)
    if parts is None:
        url = reverse("sessions:attendance", args=(int(SID), int(PK)))
        head, rest = url.split(SID, 1)
        parts = _mark_urls[prefix] = (head, *rest.split(PK, 1))
    head, middle, tail = parts
    return f"{head}{int(sid)}{middle}{int(pk)}{tail}"
