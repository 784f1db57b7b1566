"""The caseload's rows and filters, drawn in Python: fifty rows of a dozen cells and crispy's
templates for six filters cost more through the template language than the rest of the page
(issue 14). A row is the template's it replaces byte for byte; a filter is crispy's HTML but
for the whitespace between tags."""

from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field
from django import forms, template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from iop.markup import esc, format_safe
from iop.widgets import Select
from patients.links import patient_url
from patients.models import Episode

register = template.Library()

ROW = (
    '\n    <tr data-testid="caseload-row">'
    '\n      <td><a href="{chart}">{name}</a>'
    "\n        {risk}"
    "\n        {part2}"
    '\n        <div class="small text-body-secondary">MRN {mrn}</div>'
    "\n        {flags}</td>"
    "\n      <td>{program}</td>"
    "\n      <td>{status}</td>"
    "\n      <td>{level}</td>"
    "\n      <td>{clinician}</td>"
    "\n      <td>{phq9}</td>"
    "\n      <td>{alerts}</td>"
    "\n      {extra}"
    "\n    </tr>\n  "
)
STATUS = dict(Episode.Status.choices)  # `get_status_display` without its per-call dict
RISK = format_html('<span class="badge text-bg-{}">Risk</span>', "danger")
PART2 = format_html('<span class="badge text-bg-{}">Part 2</span>', "warning")
ARROW = '<span title="{way} from {previous}" aria-label="{way} from {previous}">{arrow}</span>'
UNCHANGED = format_html('<span aria-label="{}">→</span>', "unchanged")
FLAGS = (
    '<ul class="list-inline mb-0 caseload-flags" aria-label="Needs attention" '
    'data-testid="caseload-flags">{}</ul>'
)
LINKED_FLAG = (
    '<li class="list-inline-item"><a href="{url}" class="badge text-bg-{badge} '
    'text-decoration-none">{label}</a></li>'
)
FLAG = '<li class="list-inline-item"><span class="badge text-bg-{badge}">{label}</span></li>'


def _flags(flags):
    if not flags:
        return ""
    items = "".join(
        format_safe(LINKED_FLAG if f.url else FLAG, url=f.url, badge=f.badge, label=f.label)
        for f in flags
    )
    # Safe: each flag format_safe.
    return format_safe(FLAGS, SafeString(items))  # nosec B703 B308


def _phq9(latest, previous):
    """The latest PHQ-9 total and which way it moved since the one before (totals: numbers)."""
    if latest is None:
        return "—"
    if previous is None:
        arrow = ""
    elif latest < previous:
        arrow = ARROW.format(way="down", arrow="↓", previous=int(previous))
    elif latest > previous:
        arrow = ARROW.format(way="up", arrow="↑", previous=int(previous))
    else:
        arrow = UNCHANGED
    return f"{int(latest)}\n        {arrow}\n        "


@register.simple_tag
def caseload_rows(episodes):
    """The page's rows (`caseload_row` each), as one tag: not a template node per row."""
    # Safe: each row drawn (and its texts escaped) by caseload_row.
    return SafeString("".join(caseload_row(e) for e in episodes))  # nosec B703 B308


def caseload_row(e):
    """One episode's row: the patient (linked to the chart, with the risk and Part 2 badges,
    the MRN and the flags raised), program, status, level, primary clinician, the latest PHQ-9,
    open alerts (linked) and the other apps' columns (`extra_values`). Texts are escaped;
    numbers and the drawn parts (badges, links to ids, flags) go in as they are."""
    clinician = e.primary_clinician.display_name if e.primary_clinician_id else ""
    alerts = e.open_alert_count
    # Safe: every text escaped (`esc`); the rest is numbers and markup drawn here.
    return SafeString(  # nosec B703 B308
        ROW.format(
            chart=esc(patient_url("patients:chart", e.patient_id)),
            name=esc(e.patient.display_name),
            risk=RISK if e.has_open_risk else "",
            part2=PART2 if e.is_sud else "",
            mrn=esc(e.patient.mrn),
            flags=_flags(e.flags),
            program=esc(e.program),
            status=esc(STATUS.get(e.status, e.status)),
            level=esc(e.level_of_care),
            clinician=esc(clinician or "—"),
            phq9=_phq9(e.phq9_latest, e.phq9_previous),
            alerts=(
                f'<a href="{esc(patient_url("patients:alerts", e.patient_id))}">{int(alerts)}</a>'
                if alerts
                else "0"
            ),
            extra="".join(f"<td>{esc(v)}</td>" for v in e.extra_values),
        )
    )


FIELD = '<div id="div_{}" class="mb-3"><label for="{}" class="form-label">{}</label>{}</div>'


@register.simple_tag
def filter_field(field):
    """A filter as crispy-forms' bootstrap5 field draws it (`as_crispy_field`: a label over a
    text box or a select, the widget's class name among its classes), without crispy's nest
    of templates when there is nothing else to draw; crispy draws a field with an error, help
    text or another kind of widget."""
    widget = field.field.widget
    plain = not (field.errors or field.help_text or field.field.required)
    if not plain or type(widget) not in (forms.TextInput, Select):
        return as_crispy_field(field)
    kind = "form-select" if isinstance(widget, Select) else "form-control"
    attrs = {"class": f"{type(widget).__name__.lower()} {kind}"}
    return format_html(
        FIELD, field.auto_id, field.id_for_label, field.label, field.as_widget(attrs=attrs)
    )
