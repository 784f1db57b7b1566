"""Build the claim lines of a range of dates of service (`claims_build`).

Every session of the range in the user's programs is read with its roster and billing
suggestion (`sessions.selectors.sessions_with_rosters`, which applies the program's billing
mode: per diem or per service, never both). Each billable code of each attendee becomes a line;
a line the record does not support yet is HELD with its reasons (`rules`). Lines not exported
are derived data: a build replaces them with what the record says now. Exported lines are never
touched; a voided line's service is issued again as a new line that `replaces` it.
"""

from collections import defaultdict
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone

from billing.claim_models import ClaimLine
from billing.claims import rules
from billing.claims.access import require_program
from billing.models import Authorization, Coverage
from iop.audit.models import AuditEvent
from iop.audit.services import audit_record
from patients.models import IntakeAssessment
from sessions.billing import BUNDLED_KINDS
from sessions.models import Addendum, AttendanceCorrection, TherapySession
from sessions.selectors import sessions_with_rosters


@dataclass(frozen=True)
class BuildResult:
    issued: int
    held: int
    exported_kept: int  # services already exported: not built again


def range_sessions(programs, first, last):
    """The range's sessions (not cancelled) of these programs, with their notes."""
    return (
        TherapySession.objects.between_days(first, last)
        .exclude(status=TherapySession.Status.CANCELLED)
        .filter(
            Q(group__program__in=programs) | Q(group__isnull=True, episode__program__in=programs)
        )
        .select_related("note", "group", "episode__program")
        .order_by("starts_at", "pk")
    )


def _day(session):
    return timezone.localtime(session.starts_at).date()


def _candidates(sessions, program_ids):
    """Every line the sessions' suggestions bill, before the record is checked."""
    out = []
    for session in sessions:
        for episode, suggestion in getattr(session, "billing_rows", []):
            if episode.program_id not in program_ids:
                continue
            # The day's per diem carries the components it bundles; other lines bundle none.
            per_diem = bool(suggestion.bundled) and bool(suggestion.billable)
            for code, label in suggestion.billable:
                out.append(
                    rules.Candidate(
                        episode=episode,
                        session=session,
                        day=_day(session),
                        code=code,
                        description=label[:120],
                        per_diem=per_diem,
                        bundled=[c for c, _ in suggestion.bundled] if per_diem else [],
                        basis=suggestion.note[:120],
                    )
                )
    return out


def _day_components(sessions):
    """{(patient id, day): [sessions]}: the sessions a per diem of that day bundles."""
    components = defaultdict(list)
    for session in sessions:
        if session.kind not in BUNDLED_KINDS:
            continue
        for episode, record in session.rows:
            if (record is not None and record.attended) or session.without_patient:
                components[episode.patient_id, _day(session)].append(session)
    return components


def _record_around(sessions, episode_ids):
    """What the checks need, read once each: corrections and addenda per session and patient,
    coverage, approved authorizations and diagnoses per episode."""
    session_ids = [s.pk for s in sessions]
    corrections = defaultdict(list)
    for session_id, patient_id, at in AttendanceCorrection.objects.filter(
        attendance__session_id__in=session_ids
    ).values_list("attendance__session_id", "attendance__patient_id", "corrected_at"):
        corrections[session_id, patient_id].append(at)
    addenda = dict(
        Addendum.objects.filter(note__session_id__in=session_ids)
        .values("note__session_id")
        .annotate(last=Max("created_at"))
        .values_list("note__session_id", "last")
    )
    coverages = defaultdict(list)
    for coverage in Coverage.objects.filter(episode_id__in=episode_ids).select_related("payer"):
        coverages[coverage.episode_id].append(coverage)
    authorizations = defaultdict(list)
    for authorization in Authorization.objects.approved().filter(episode_id__in=episode_ids):
        authorizations[authorization.episode_id].append(authorization)
    diagnoses = {
        episode_id: [d.get("code", "") for d in (value or []) if isinstance(d, dict)][:12]
        for episode_id, value in IntakeAssessment.objects.filter(
            episode_id__in=episode_ids
        ).values_list("episode_id", "diagnoses")
    }
    return corrections, addenda, coverages, authorizations, diagnoses


def _check(candidate, components, record):
    corrections, addenda, coverages, authorizations, _ = record
    patient_id = candidate.episode.patient_id
    sessions = (
        components.get((patient_id, candidate.day), [candidate.session])
        if candidate.per_diem
        else [candidate.session]
    )
    reasons = []
    for session in sessions:
        note = getattr(session, "note", None)
        for reason in rules.note_reasons(
            note, corrections.get((session.pk, patient_id)), addenda.get(session.pk)
        ):
            if reason not in reasons:
                reasons.append(reason)
    candidate.coverage = rules.coverage_on(coverages[candidate.episode.pk], candidate.day)
    if candidate.coverage is None:
        reasons.append(rules.NO_COVERAGE)
    elif not candidate.coverage.self_pay:
        candidate.authorization = rules.authorization_for(
            authorizations[candidate.episode.pk], candidate.code, candidate.day
        )
        if candidate.authorization is None:
            reasons.append(rules.no_authorization(candidate.code, candidate.day))
    candidate.reasons = reasons
    return candidate


def _line(candidate, diagnoses, replaces):
    session, coverage = candidate.session, candidate.coverage
    note = getattr(session, "note", None)
    place, modifiers = rules.place_and_modifiers(session)
    signed = note is not None and not candidate.reasons
    return ClaimLine(
        episode=candidate.episode,
        patient_id=candidate.episode.patient_id,
        session=session,
        service_date=candidate.day,
        code=candidate.code,
        description=candidate.description,
        modifiers=modifiers,
        units=1,
        place_of_service=place,
        diagnosis_codes=diagnoses.get(candidate.episode.pk, []),
        per_diem=candidate.per_diem,
        bundled=candidate.bundled,
        basis=candidate.basis,
        rendering_id=note.signed_by_id if note is not None else None,
        supervising_id=note.cosigned_by_id if signed else None,
        authorization=candidate.authorization,
        authorization_reference=(
            candidate.authorization.reference_number if candidate.authorization else ""
        ),
        coverage=coverage,
        payer_name=(
            "Self-pay"
            if coverage and coverage.self_pay
            else (str(coverage.payer) if coverage else "")
        ),
        member_id=coverage.member_id if coverage else "",
        status=ClaimLine.Status.HELD if candidate.reasons else ClaimLine.Status.ISSUED,
        held_reasons=candidate.reasons,
        replaces=replaces,
    )


@transaction.atomic
def claims_build(*, user, first_date, last_date, program=None, context=None):
    """Build (or rebuild) the claim lines of services from `first_date` to `last_date` in
    `program` (None: every program the user works with). Returns a BuildResult."""
    rules.check_range(first_date, last_date)
    programs = require_program(user, program)
    # One build of a program at a time: two at once would race on the same services.
    program_ids = list(programs.select_for_update().order_by("pk").values_list("pk", flat=True))
    sessions = sessions_with_rosters(range_sessions(programs, first_date, last_date), billing=True)
    session_ids = [s.pk for s in sessions]
    candidates = _candidates(sessions, set(program_ids))
    episode_ids = {c.episode.pk for c in candidates}
    record = _record_around(sessions, episode_ids)
    components = _day_components(sessions)
    existing = ClaimLine.objects.filter(
        session_id__in=session_ids, episode__program_id__in=program_ids
    )
    # Lines not exported are rebuilt from the record as it is now.
    existing.filter(status__in=[ClaimLine.Status.HELD, ClaimLine.Status.ISSUED]).delete()
    exported = set(
        existing.filter(status=ClaimLine.Status.EXPORTED).values_list(
            "patient_id", "session_id", "code"
        )
    )
    voided = {
        (line.patient_id, line.session_id, line.code): line
        for line in existing.filter(status=ClaimLine.Status.VOIDED).order_by("voided_at", "pk")
    }
    lines, kept = [], 0
    for candidate in candidates:
        key = (candidate.episode.patient_id, candidate.session.pk, candidate.code)
        if key in exported:
            kept += 1
            continue
        _check(candidate, components, record)
        lines.append(_line(candidate, record[4], voided.get(key)))
    ClaimLine.objects.bulk_create(lines)
    held = sum(line.status == ClaimLine.Status.HELD for line in lines)
    for patient_id in sorted({line.patient_id for line in lines}):
        audit_record(
            action=AuditEvent.Action.CREATE,
            context=context,
            user=user,
            object_type="billing.claimline",
            patient_id=patient_id,
            detail=f"claim lines built for {first_date} to {last_date}",
        )
    return BuildResult(issued=len(lines) - held, held=held, exported_kept=kept)
