"""The intake queue's rows, drawn in Python: 25 rows of six cells, four links, two dates and a
form each cost more through the template language than the rest of the page (issue 14). A
row is the template's it replaces byte for byte."""

from django import template
from django.template.defaultfilters import date, timesince_filter
from django.urls import get_script_prefix, reverse
from django.utils.safestring import SafeString

from iop.markup import format_safe
from patients.links import STAND_INS, url_with_id
from patients.models import Episode, IntakeAssessment

register = template.Library()

ROW = (
    '\n    <tr data-testid="queue-row">'
    '\n      <td><a href="{chart}">{name}</a><div class="small text-body-secondary">MRN {mrn}'
    "</div></td>"
    "\n      <td>{program}{part2}</td>"
    '\n      <td>{referred} <span class="small text-body-secondary">({since} ago) from {source}'
    "</span></td>"
    "\n      <td>{status}</td>"
    "\n      <td>{intake}</td>"
    '\n      <td class="text-end text-nowrap">'
    "\n        {actions}"
    '\n        <a class="btn btn-sm btn-outline-secondary" href="{decline}">Decline</a>'
    "\n      </td>"
    "\n    </tr>\n  "
)
PART2 = SafeString(' <span class="badge text-bg-warning">Part 2</span>')
INTAKE = "{status}, at “{step}”"
RESUME = (
    '\n          <a class="btn btn-sm btn-primary" href="{step}">Resume intake</a>'
    '\n          <a class="btn btn-sm btn-outline-primary" href="{review}">Review</a>'
    "\n        "
)
START = (
    '\n          <form method="post" action="{start}" class="d-inline">{csrf}<button '
    'class="btn btn-sm btn-primary" type="submit">Start intake</button></form>'
    "\n        "
)
CSRF = '<input type="hidden" name="csrfmiddlewaretoken" value="{}">'
# `get_status_display` without its per-call dict.
EPISODE_STATUS = dict(Episode.Status.choices)
INTAKE_STATUS = dict(IntakeAssessment.Status.choices)


def _csrf(context):
    """What `{% csrf_token %}` draws in this context."""
    token = context.get("csrf_token")
    if not token or token == "NOTPROVIDED":
        return ""
    return format_safe(CSRF, token)


_step_parts = {}


def _step_url(pk, step):
    """`reverse("patients:intake-step", args=[pk, step])`, the pattern reversed once per step
    (and script prefix), as `patients.links` does for ids."""
    key = (get_script_prefix(), step)
    parts = _step_parts.get(key)
    if parts is None:
        url = reverse("patients:intake-step", args=[int(STAND_INS[0]), step])
        parts = _step_parts[key] = url.split(STAND_INS[0], 1)
    return f"{parts[0]}{int(pk)}{parts[1]}"


def _actions(episode, intake, csrf):
    if intake:
        step = _step_url(episode.pk, intake.current_step)
        review = url_with_id("patients:intake-review", episode.pk)
        return format_safe(RESUME, step=step, review=review)
    start = url_with_id("patients:intake-start", episode.pk)
    return format_safe(START, start=start, csrf=csrf)


@register.simple_tag(takes_context=True)
def queue_rows(context, episodes):
    """The queue's rows (`IntakeQueue`'s page: each episode with its patient, program and
    `started_intake`, the intake begun or None)."""
    csrf = _csrf(context)
    rows, dates = [], {}  # a referral date's two texts, once per date
    for episode in episodes:
        referred = episode.referral_date
        if referred not in dates:
            dates[referred] = (date(referred, "j M"), timesince_filter(referred))
        patient, intake = episode.patient, episode.started_intake
        status = INTAKE_STATUS.get(intake.status, intake.status) if intake else ""
        rows.append(
            format_safe(
                ROW,
                chart=url_with_id("patients:chart", episode.patient_id),
                name=patient.display_name,
                mrn=patient.mrn,
                program=episode.program,
                part2=PART2 if episode.is_sud else "",
                referred=dates[referred][0],
                since=dates[referred][1],
                source=episode.referral_source,
                status=EPISODE_STATUS.get(episode.status, episode.status),
                intake=format_safe(INTAKE, status=status, step=intake.current_step_title)
                if intake
                else "not started",
                actions=_actions(episode, intake, csrf),
                decline=url_with_id("patients:referral-decline", episode.pk),
            )
        )
    # Safe: each row format_safe.
    return SafeString("".join(rows))  # nosec B703 B308
