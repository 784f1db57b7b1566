"""The attendance sheet's status buttons, drawn in Python: Today draws a row for every attendee
of each of the day's sessions, and five buttons a row through the template language cost more
than the rest of the page (issue 14). The HTML is the loop's it replaces, byte for byte."""

from django import template
from django.template.defaulttags import CsrfTokenNode
from django.utils.html import format_html_join

from iop.markup import format_safe
from patients.links import url_with_ids

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
                format_safe(
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


@register.simple_tag
def attendance_url(sid, pk):
    """`{% url 'sessions:attendance' sid pk %}` without resolving the pattern for each row."""
    return url_with_ids("sessions:attendance", sid, pk)


# A row of the attendance sheet, drawn in Python for the same reason as its buttons (a row per
# attendee); the HTML is `_attendance_row.html`'s before it, its parts in the same order.
ROW = (
    '<tr id="attendance-{sid}-{pk}" data-attendance-row tabindex="0" '
    'data-testid="attendance-row" aria-label="{name}">\n  <th scope="row" class="fw-normal">{name}'
    "{badge}\n    {error}</th>\n  <td>\n    {marks}\n  </td>\n  <td>\n    {minutes}\n  </td>\n</tr>"
)
STATUS_BADGE = ' <span class="badge text-bg-{style}" data-testid="attendance-status">{label}</span>'
ROW_ERROR = '<div class="small text-danger" role="alert">{}</div>'
WITHOUT_PATIENT = '<span class="small text-body-secondary">{}</span>'
MARK_FORM = (
    '<form method="post" action="{url}" hx-post="{url}" hx-target="#attendance-{sid}-{pk}" '
    'hx-swap="outerHTML" class="{css}">\n      {csrf}'
)
BILLING_FIELD = '<input type="hidden" name="billing" value="{}">'
MINUTES_FIELDS = (
    '<input type="hidden" name="status" value="{status}">{billing}\n      '
    '<label class="visually-hidden" for="minutes-{sid}-{pk}">Minutes attended by {name}</label>\n'
    '      <input class="form-control form-control-sm minutes-input" type="number" min="1" '
    'max="{max}" name="minutes" id="minutes-{sid}-{pk}" value="{minutes}">\n'
    '      <button class="btn btn-sm btn-outline-primary py-0" type="submit">Set</button>\n'
    "    </form>"
)
CORRECTION_FORM = (
    '<details class="mt-1"{open}><summary class="small">Correct attendance</summary>\n'
    '    <form method="post" action="{url}" class="small mt-1" data-testid="correction-form" '
    "novalidate>\n      {csrf}\n      {errors}"
    '<label class="form-label mb-0" for="correct-status-{pk}">Attendance</label>\n'
    '      <select class="form-select form-select-sm mb-1" name="status" '
    'id="correct-status-{pk}">\n        {options}\n      </select>\n'
    '      <label class="form-label mb-0" for="correct-minutes-{pk}">Minutes attended (blank: '
    "from the status)</label>\n"
    '      <input class="form-control form-control-sm mb-1" type="number" min="0" max="{max}" '
    'name="minutes" id="correct-minutes-{pk}" value="{minutes}">\n'
    '      <label class="form-label mb-0" for="correct-reason-{pk}">Reason for the correction'
    "</label>\n"
    '      <textarea class="form-control form-control-sm mb-1" name="reason" '
    'id="correct-reason-{pk}" rows="2">{reason}</textarea>\n'
    '      <button class="btn btn-sm btn-outline-primary py-0" type="submit">Save correction'
    "</button>\n    </form></details>"
)
# Open with the typed correction (a refused one) or closed.
CORRECTION_FORMS = {
    typed: CORRECTION_FORM.replace("{open}", " open" if typed else "") for typed in (True, False)
}
OPTIONS = {True: '<option value="{}" selected>{}</option>', False: '<option value="{}">{}</option>'}


def _drawn_once(context, key, draw):
    """A part of the sheet that many rows share (a status's buttons or options, the same for
    every row marked so), drawn once per page: five `format_html` a row were a third of the
    sheet's time."""
    parts = context.render_context.setdefault("attendance_parts", {})
    if key not in parts:
        parts[key] = draw()
    return parts[key]


def _correction_form(context, session, pk, status, csrf):
    correction = context.get("correction") or {}
    typed = correction.get("episode") == pk
    errors = ""
    if typed and correction.get("errors"):
        messages = format_html_join(
            "", "<div>{}</div>", ((e,) for errs in correction["errors"].values() for e in errs)
        )
        errors = format_safe(
            '<div class="alert alert-danger py-1 mb-1" role="alert">{}</div>\n      ', messages
        )
    chosen = correction.get("status") if typed else status
    statuses = context["statuses"]
    options = _drawn_once(
        context,
        ("options", chosen),
        lambda: format_html_join(
            "",
            "{}",
            (
                (format_safe(OPTIONS[chosen == value], value, label),)
                for value, label, _ in statuses
            ),
        ),
    )
    return format_safe(
        CORRECTION_FORMS[typed],
        url=url_with_ids("sessions:attendance-correct", session.pk, pk),
        csrf=csrf,
        errors=errors,
        pk=pk,
        options=options,
        max=session.duration_minutes,
        minutes=correction.get("minutes", "") if typed else "",
        reason=correction.get("reason", "") if typed else "",
    )


@register.simple_tag(takes_context=True)
def attendance_row(context, episode, record):
    """One attendee's row of the sheet (`_attendance_row.html` draws the same for one row)."""
    session = context["session"]
    runner, locked = context.get("runner"), context.get("locked")
    sid, pk = session.pk, episode.pk
    name = episode.patient.display_name
    status = record.status if record else ""
    label = record.get_status_display() if record else ""
    csrf = CsrfTokenNode().render(context)
    billing = format_safe(BILLING_FIELD, 1) if context.get("billing_shown") else ""
    mark_url = attendance_url(sid, pk) if runner and not locked else ""
    if session.without_patient:
        marks = format_safe(WITHOUT_PATIENT, "Not attending: family therapy without the patient")
    elif runner and locked:
        marks = format_safe(
            "{}\n    {}", label or "—", _correction_form(context, session, pk, status, csrf)
        )
    elif runner:
        marks = format_safe(
            MARK_FORM + "{billing}\n      {buttons}\n    </form>",
            url=mark_url,
            sid=sid,
            pk=pk,
            css="d-flex flex-wrap gap-1",
            csrf=csrf,
            billing=billing,
            buttons=_drawn_once(
                context,
                ("buttons", sid, status),
                lambda: attendance_buttons(
                    context["statuses"], status, session.attendance_refusal, sid
                ),
            ),
        )
    else:
        marks = label or "—"
    if runner and record and record.attended and not locked:
        minutes = format_safe(
            MARK_FORM + MINUTES_FIELDS,
            url=mark_url,
            css="d-flex gap-1 align-items-center",
            csrf=csrf,
            status=status,
            billing=billing,
            sid=sid,
            pk=pk,
            name=name,
            max=session.duration_minutes,
            minutes=record.minutes_attended,
        )
    else:
        minutes = record.minutes_attended if record else "—"
    badge = ""
    if record:
        style = "success" if record.attended else "secondary"
        badge = format_safe(STATUS_BADGE, style=style, label=label)
    error = format_safe(ROW_ERROR, context["row_error"]) if context.get("row_error") else ""
    return format_safe(
        ROW, sid=sid, pk=pk, name=name, badge=badge, error=error, marks=marks, minutes=minutes
    )
