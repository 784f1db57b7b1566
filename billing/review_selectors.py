"""Reads for utilization reviews: an authorization's reviews and packets for a user, the
consents a UR packet could go under, and what a UR packet says (CLINICAL.md: the current
plan, attendance and hours since the last review or the admission, measure trends, risk events
and the clinician's justification for continued stay).

A packet is a list of `disclosures.selectors.Section` (a heading and (subheading, lines)
blocks): the disclosures app lays it out under its header and footer (the redisclosure
notice, the consent's scope). A fixed number of queries however long the episode."""

from collections import Counter

from django.utils import timezone

from billing.models import Authorization
from billing.review_models import UrPacket, UtilizationReview
from disclosures.selectors import Section, plan_section, release_consents
from disclosures.services.releases import normalise
from documents.selectors import measure_changes
from patients.models import Alert, Consent
from plans.models import DocumentStatus, SafetyPlan
from sessions.models import Attendance

# What a UR packet holds, as a consent's `covers` names it: the risk events and the safety
# plan travel with the plan, the hours with the attendance.
UR_COVERS = [Consent.Covers.PLAN, Consent.Covers.MEASURES, Consent.Covers.ATTENDANCE]
UR_PURPOSE = Consent.Purpose.PAYMENT
UR_TITLE = "Utilization review packet"


def _day(d):
    return f"{d:%-d %b %Y}" if d else "—"


def reviews_of(authorization):
    return (
        UtilizationReview.objects.filter(authorization=authorization)
        .select_related("recorded_by")
        .order_by("-review_date", "-pk")
    )


def packets_of(authorization):
    """The UR packets sent for `authorization` (their metadata: the PDF stays in the
    disclosure, which only the care team and supervisors download)."""
    return (
        UrPacket.objects.filter(authorization=authorization)
        .select_related("prepared_by", "disclosure")
        .defer("disclosure__packet")
        .order_by("-prepared_at", "-pk")
    )


def authorization_for_user(user, pk):
    """The authorization `user` may read (billing.querysets), with its episode and payer; or
    None."""
    return (
        Authorization.objects.for_user(user)
        .select_related("episode__patient", "episode__program", "coverage__payer")
        .filter(pk=pk)
        .first()
    )


def payer_name(authorization):
    payer = authorization.coverage.payer
    return payer.name if payer is not None else ""


def ur_consents(authorization):
    """The patient's consents in force that name the payer and allow payment (the ones a UR
    packet may go under), newest first."""
    name = normalise(payer_name(authorization))
    if not name:
        return []
    return [
        c
        for c in release_consents(authorization.episode.patient).exclude(
            kind=Consent.Kind.COUNSELING_NOTES
        )
        if normalise(c.recipient) == name and UR_PURPOSE in (c.purposes or [])
    ]


def ur_period(authorization, today=None):
    """(from, to): since the episode's last utilization review, else its admission (else the
    authorization's first date), to today."""
    today = today or timezone.localdate()
    episode = authorization.episode
    last = (
        UtilizationReview.objects.filter(authorization__episode=episode, review_date__lte=today)
        .order_by("-review_date")
        .values_list("review_date", flat=True)
        .first()
    )
    start = last or episode.admission_date or authorization.first_date
    return min(start, today), today


def authorization_section(authorization):
    coverage = authorization.coverage
    lines = [
        f"Payer: {payer_name(authorization)}; plan {coverage.plan_name or '—'}; member id "
        f"{coverage.member_id or '—'}; group id {coverage.group_id or '—'}.",
        f"Reference: {authorization.reference_number or '—'}. Level of care: "
        f"{authorization.get_level_of_care_display()}. Codes: {authorization.service_codes}.",
        f"Authorized: {authorization.number_authorized} "
        f"{authorization.get_unit_display().lower()}, {_day(authorization.first_date)} to "
        f"{_day(authorization.last_date)}; next review {_day(authorization.next_review_date)}.",
    ]
    section = Section("authorization", "Authorization under review", [("", lines)])
    reviews = [
        f"{_day(r.review_date)} {r.get_kind_display().lower()}: {r.get_outcome_display()}, "
        f"{r.granted} granted" + (f", last date {_day(r.new_last_date)}" if r.new_last_date else "")
        for r in authorization.reviews.order_by("review_date", "pk")
    ]
    section.blocks.append(("Earlier reviews", reviews or ["None: this is the first review."]))
    return section


def attendance_since(episode, start, end):
    records = list(
        Attendance.objects.filter(
            episode=episode,
            session__starts_at__date__gte=start,
            session__starts_at__date__lte=end,
        )
        .select_related("session__group")
        .order_by("session__starts_at", "pk")
    )
    attended = [r for r in records if r.attended]
    counts = Counter(r.status for r in records)
    days = {timezone.localtime(r.session.starts_at).date() for r in attended}
    minutes = sum(r.minutes_attended for r in attended)
    summary = [
        f"Sessions recorded: {len(records)}; attended: {len(attended)} on {len(days)} "
        f"day{'s' if len(days) != 1 else ''}; hours attended: {minutes / 60:.1f}."
    ]
    summary += [f"{Attendance.Status(s).label}: {n}" for s, n in sorted(counts.items())]
    section = Section(
        Consent.Covers.ATTENDANCE,
        f"Attendance and hours, {_day(start)} to {_day(end)}",
        [("", summary)],
    )
    rows = [
        f"{timezone.localtime(r.session.starts_at):%-d %b %Y} "
        f"{r.session.group.name if r.session.group_id else r.session.get_kind_display()}: "
        f"{r.get_status_display()} ({r.minutes_attended} min)"
        for r in records
    ]
    if rows:
        section.blocks.append(("By session", rows))
    return section


def measures_trend(episode, end):
    start = episode.admission_date or episode.referral_date or end
    rows = measure_changes(episode, start, end)
    lines = [
        f"{row['measure']}: first {row['first']}; latest {row['last']}; change "
        f"{row['change']}; {row['reliable_change']}."
        for row in rows
    ]
    return Section(
        Consent.Covers.MEASURES,
        "Measure trends since admission",
        [("", lines or ["No scored measures during this episode."])],
    )


def risk_section(episode, end):
    start = episode.admission_date or episode.referral_date or end
    alerts = Alert.objects.filter(
        patient_id=episode.patient_id,
        kind=Alert.Kind.RISK,
        raised_at__date__gte=start,
        raised_at__date__lte=end,
    ).order_by("raised_at", "pk")
    lines = [
        f"{timezone.localtime(a.raised_at):%-d %b %Y}: {a.title}"
        + (f" ({a.risk_level} risk)" if a.risk_level else "")
        + (
            f"; closed {timezone.localtime(a.closed_at):%-d %b %Y}"
            if a.closed_at
            else "; still open"
        )
        for a in alerts
    ]
    section = Section(
        "risk", "Risk events", [("Risk alerts", lines or ["No risk alerts this episode."])]
    )
    plan = SafetyPlan.objects.filter(
        patient_id=episode.patient_id, status=DocumentStatus.ACTIVE
    ).first()
    if plan is None:
        section.blocks.append(("Safety plan", ["No safety plan in force."]))
    else:
        signed = _day(timezone.localtime(plan.signed_at).date()) if plan.signed_at else "—"
        lines = [f"Version {plan.version}, signed {signed}."]
        lines += [
            f"{SafetyPlan._meta.get_field(f).verbose_name}: {getattr(plan, f)}"
            for f in ("warning_signs", "coping_strategies", "environment_safety")
            if getattr(plan, f)
        ]
        section.blocks.append(("Safety plan", lines))
    return section


def justification_section(justification, clinician):
    return Section(
        "justification",
        "Justification for continued stay",
        [(f"By {clinician.display_name}", [justification])],
    )


def ur_packet_sections(authorization, *, period_from, period_to, justification, clinician):
    """Everything the packet says, in order."""
    episode = authorization.episode
    return [
        authorization_section(authorization),
        plan_section(episode),
        attendance_since(episode, period_from, period_to),
        measures_trend(episode, period_to),
        risk_section(episode, period_to),
        justification_section(justification, clinician),
    ]
