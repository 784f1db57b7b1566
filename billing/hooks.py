"""What the billing app shows elsewhere, through `patients/extensions.py`: the chart's Billing
tab (billers see only it), the current authorization's burn-down in the chart header and on
the caseload (with flags when it runs low or ends soon), and a flag on a session's billing
suggestion for a day attended outside any approved authorization."""

from django.utils import timezone

from patients import extensions
from patients.links import patient_url

TAB = extensions.ChartTab("billing", "Billing", "billing:chart", clinical_only=False, billing=True)


def _short(burn):
    return f"{burn.used}/{burn.authorized} {burn.unit_label}"


def authorization_header_facts(patient, episode):
    """The current authorization's burn-down (one to three queries, the first with the other
    facts' as a reader, `extensions.header_facts`; none without an episode). The header's
    episode comes with its program: the authorizations are read alone."""
    from billing.burndown import read_current_burndown

    if episode is None:
        return []
    burn = yield from read_current_burndown(episode)
    url = patient_url("billing:chart", patient.pk)
    if burn is None:
        return [extensions.HeaderFact("Authorization", "none", url=url, non_clinical=True)]
    value = burn.label
    if burn.ending():
        value += f", ends {burn.authorization.last_date:%-d %b}"
    return [
        extensions.HeaderFact("Authorization", value, badge=burn.badge, url=url, non_clinical=True)
    ]


def authorization_column(episodes):
    """The caseload's Authorization column: used of authorized, flags when 80 % is used or it
    ends within 3 days. Three queries at most, whatever the page's size."""
    from billing.burndown import current_burndowns

    today = timezone.localdate()
    # The page's episodes (with their programs) set on the authorizations, not joined again.
    found = current_burndowns(
        [e.pk for e in episodes], today=today, episodes={e.pk: e for e in episodes}
    )
    values, flags = {}, {}
    for episode in episodes:
        burn = found.get(episode.pk)
        if burn is None:
            continue
        values[episode.pk] = _short(burn)
        url = patient_url("billing:chart", episode.patient_id)
        raised = []
        if burn.low:
            raised.append(extensions.CaseloadFlag(f"Auth {burn.percent} % used", "warning", url))
        if burn.ending(today):
            last = burn.authorization.last_date
            raised.append(extensions.CaseloadFlag(f"Auth ends {last:%-d %b}", "warning", url))
        if raised:
            flags[episode.pk] = raised
    return extensions.CaseloadColumn("Authorization", values, flags)


def attendance_flags(rows):
    """{(session id, episode id): [text]} for attendance on a day outside every approved
    authorization of the episode (self-pay days excepted). Two queries."""
    from billing.burndown import days_outside_episodes, flag_text

    outside = days_outside_episodes({(episode.pk, day) for _, episode, day in rows})
    return {
        (session.pk, episode.pk): [flag_text(day)]
        for session, episode, day in rows
        if (episode.pk, day) in outside
    }


def register():
    if TAB not in extensions.chart_tabs:
        extensions.chart_tabs.append(TAB)
    if authorization_header_facts not in extensions.header_facts:
        extensions.header_facts.append(authorization_header_facts)
    if authorization_column not in extensions.caseload_columns:
        extensions.caseload_columns.append(authorization_column)
    if attendance_flags not in extensions.attendance_flags:
        extensions.attendance_flags.append(attendance_flags)
