"""A signed note's attendees' parts, drawn in Python: a group's note has a part per attendee,
each with a link reversed and a handful of filters through the template language (issue 14).
The HTML is `_note.html`'s loop's before it, byte for byte."""

from django import template
from django.template.defaultfilters import linebreaksbr

from iop.markup import format_safe
from patients.links import url_with_ids

register = template.Library()

ENTRY = (
    '\n    <article class="border rounded p-2 mb-2" data-testid="note-entry">'
    '<h3 class="h6">{name}</h3>'
    '\n      <p class="mb-1">{text}</p>'
    '\n      <a class="small d-print-none" href="{pdf}" data-testid="note-pdf">'
    "PDF of this patient's note</a>"
    '\n      <p class="small mb-0 text-body-secondary">Risk re-check: {risk}{notes}{objectives}'
    "</p></article>\n  "
)


def _entry(entry, session):
    objectives = ""
    if entry.objectives_addressed:
        count = len(entry.objectives_addressed)
        objectives = f" · {count} objective{'' if count == 1 else 's'} addressed"
    return format_safe(
        ENTRY,
        name=entry.patient.display_name,
        text=linebreaksbr(entry.text),
        pdf=url_with_ids("documents:note-pdf", entry.patient_id, session.pk),
        risk=entry.get_risk_level_display(),
        notes=f" — {entry.risk_notes}" if entry.risk_notes else "",
        objectives=objectives,
    )


@register.simple_tag
def note_entries(entries, session):
    """Each part of a signed note: its patient, text, PDF link, risk re-check and how many
    objectives it addressed."""
    return format_safe("{}" * len(entries), *(_entry(entry, session) for entry in entries))
