"""The session page's suggested billing codes, a line per attendee, drawn in Python: a group's
dozen lines with their nested loops through the template language cost more than their text
(issue 14). The HTML is `_billing.html`'s loop's before it, byte for byte."""

from django import template
from django.utils.safestring import SafeString

from iop.markup import esc, format_safe

register = template.Library()

ROW = "\n    <li>{name}: {billable}{bundled}{note}{flags}</li>\n  "
CODE = '<span class="badge text-bg-light border" title="{}">{}</span> '
BUNDLED = '<span class="text-body-secondary">bundled: {}</span>'
NOTE = ' <span class="text-body-secondary">({})</span>'
FLAG = ' <span class="badge text-bg-warning" data-testid="attendance-flag">{}</span>'


def _joined(parts, separator=""):
    """Escaped parts (each `format_safe` or `esc`) as one."""
    # Safe: every part escaped, the separators plain text.
    return SafeString(separator.join(parts))  # nosec B703 B308


def _row(episode, suggestion):
    bundled = suggestion.bundled
    return format_safe(
        ROW,
        name=episode.patient.display_name,
        billable=_joined(format_safe(CODE, label, code) for code, label in suggestion.billable)
        or "none",
        bundled=format_safe(BUNDLED, _joined((esc(code) for code, _ in bundled), ", "))
        if bundled
        else "",
        note=format_safe(NOTE, suggestion.note) if suggestion.note else "",
        flags=_joined(format_safe(FLAG, flag) for flag in suggestion.flags),
    )


@register.simple_tag
def billing_rows(rows):
    """Each (episode, suggestion) of `rows`: the patient, the billable codes (or "none"), the
    bundled components, why, and the other apps' flags."""
    return _joined(_row(episode, suggestion) for episode, suggestion in rows)
