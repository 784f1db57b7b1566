"""Intake of the scale program's patients: intake assessments, the consents signed on
admission, the moves of the episode, group enrolments, and at discharge the aftercare plan,
with the audit events their services write."""

from datetime import timedelta

from iop.scale.people import at
from iop.scale.trail import CREATE, UPDATE
from patients.models import Consent, IntakeAssessment
from plans.models import AftercarePlan
from sessions.models import GroupEnrollment

INTAKE_TEXT = {
    "presenting_problem": "Low mood for several months, withdrawal from friends, missed work.",
    "psychiatric_history": "One prior episode of depression treated in outpatient therapy.",
    "medical_history": "No significant medical history.",
    "medications": "Sertraline 100 mg daily.",
    "substance_use": "Alcohol 2–3 drinks most evenings; no other substances.",
    "trauma_history": "None reported.",
    "family_social": "Lives with family; employed part time.",
    "support_system": "Partner and one close friend.",
    "strengths": "Insightful, motivated, steady employment history.",
    "barriers": "Shift work makes some sessions hard to attend.",
    "client_goals": "“I want to feel like myself again and get back to work.”",
    "risk_assessment": "Passive thoughts of death in the past; no plan or intent.",
    "level_of_care_rationale": "Needs more structure than weekly therapy; safe at home.",
}
DIAGNOSES = {
    "mental_health": [
        {"code": "F33.1", "description": "Major depressive disorder, recurrent, moderate"}
    ],
    "substance_use": [{"code": "F10.20", "description": "Alcohol use disorder, moderate"}],
    "co_occurring": [
        {"code": "F10.20", "description": "Alcohol use disorder, moderate"},
        {"code": "F41.1", "description": "Generalized anxiety disorder"},
    ],
    "adolescent": [
        {"code": "F32.1", "description": "Major depressive disorder, single episode, moderate"}
    ],
    "trauma": [{"code": "F43.10", "description": "Post-traumatic stress disorder, unspecified"}],
}


def write_intake(world):
    """Intake assessments (completed for the admitted, a draft for those in intake), consents
    signed on admission, the episode's moves, and the group enrolments."""
    sink, rng, trail = world.sink, world.rng, world.trail
    started = [e for e in world.episodes if e.status in ("intake", "active", "discharged")]
    ids = sink.ids(IntakeAssessment, len(started))
    fields = (
        "id",
        "episode_id",
        "patient_id",
        "status",
        "current_step",
        *INTAKE_TEXT,
        "risk_level",
        "diagnoses",
        "asam_d1",
        "asam_d2",
        "asam_d3",
        "asam_d4",
        "asam_d5",
        "asam_d6",
        "recommended_level_of_care",
        "started_by_id",
        "started_at",
        "updated_at",
        "completed_by_id",
        "completed_at",
        "confirmed_by_id",
        "confirmed_at",
    )
    rows, consents = [], []
    for pk, e in zip(ids, started, strict=True):
        start_at = e.referred_at + timedelta(days=rng.randint(1, 3))
        if e.status == "intake":
            start_at = min(start_at, world.now - timedelta(hours=2))
            text = {k: (v if i < 6 else "") for i, (k, v) in enumerate(INTAKE_TEXT.items())}
            rows.append(
                (
                    pk,
                    e.id,
                    e.patient_id,
                    "draft",
                    "trauma",
                    *text.values(),
                    "",
                    [],
                    *([None] * 6),
                    "",
                    e.intake_user,
                    start_at,
                    start_at,
                    None,
                    None,
                    None,
                    None,
                )
            )
            trail.change(
                start_at,
                e.intake_user,
                CREATE,
                "patients.intakeassessment",
                pk,
                e.patient_id,
                path=f"/intake/{e.id}/",
            )
            continue
        admitted = at(world, e.admission_date, 11, rng.randint(0, 59))
        e.admitted_at = admitted
        asam = [rng.randint(0, 3) for _ in range(6)] if e.is_sud else [None] * 6
        rows.append(
            (
                pk,
                e.id,
                e.patient_id,
                "completed",
                "recommendation",
                *INTAKE_TEXT.values(),
                rng.choice(["none", "low", "low", "moderate"]),
                DIAGNOSES[world.programs[e.program][1]],
                *asam,
                "IOP",
                e.intake_user,
                start_at,
                admitted,
                e.intake_user,
                admitted,
                e.primary,
                admitted - timedelta(minutes=20),
            )
        )
        trail.change(
            start_at,
            e.intake_user,
            CREATE,
            "patients.intakeassessment",
            pk,
            e.patient_id,
            path=f"/intake/{e.id}/",
        )
        trail.change(
            start_at,
            e.intake_user,
            UPDATE,
            "patients.episode",
            e.id,
            e.patient_id,
            detail="status → intake",
            path=f"/intake/{e.id}/",
        )
        trail.change(
            admitted,
            e.intake_user,
            UPDATE,
            "patients.intakeassessment",
            pk,
            e.patient_id,
            detail="completed",
            path=f"/intake/{e.id}/complete/",
        )
        trail.change(
            admitted,
            e.intake_user,
            UPDATE,
            "patients.episode",
            e.id,
            e.patient_id,
            detail="status → active",
            path=f"/intake/{e.id}/complete/",
        )
        signed = admitted - timedelta(minutes=40)
        kinds = ["treatment", "communications"] + (
            ["part2", "counseling_notes"] if e.is_sud else []
        )
        for kind in kinds:
            consents.append((e, kind, signed))
    sink.write(IntakeAssessment, fields, rows)
    _write_consents(world, consents)
    _write_enrollments(world)


def _write_consents(world, consents):
    sink, trail = world.sink, world.trail
    fields = (
        "id",
        "patient_id",
        "episode_id",
        "kind",
        "allow_email",
        "allow_sms",
        "recipient",
        "purpose",
        "purposes",
        "covers",
        "scope",
        "expires_on",
        "expiry_event",
        "signed_by_name",
        "signer_relationship",
        "signed_at",
        "recorded_by_id",
        "revoked_at",
        "revoked_by_id",
        "revocation_note",
    )
    rows = []
    for pk, (e, kind, signed) in zip(sink.ids(Consent, len(consents)), consents, strict=True):
        release = kind in ("part2", "counseling_notes")
        covers = ["plan", "notes", "attendance"] if kind == "part2" else ["notes"]
        rows.append(
            (
                pk,
                e.patient_id,
                e.id,
                kind,
                kind == "communications",
                kind == "communications",
                "Primary care physician" if release else "",
                "Care coordination" if release else "",
                ["treatment"] if release else [],
                covers if release else [],
                "Diagnosis, treatment plan, progress notes and attendance" if release else "",
                signed.date() + timedelta(days=365) if release else None,
                "",
                e.name,
                "parent" if e.dob > world.today - timedelta(days=18 * 365) else "self",
                signed,
                e.intake_user,
                None,
                None,
                "",
            )
        )
        trail.change(
            signed,
            e.intake_user,
            CREATE,
            "patients.consent",
            pk,
            e.patient_id,
            path=f"/patients/{e.patient_id}/consents/new/",
        )
    sink.write(Consent, fields, rows)


def _write_enrollments(world):
    trail = world.trail
    rows = []
    for e in world.admitted:
        for group, pk in zip(e.groups, e.enrollment_ids, strict=True):
            rows.append((pk, group.id, e.id, e.enrolled_on, e.discharge_date))
            trail.change(
                at(world, e.enrolled_on, 8, 30),
                group.facilitators[0],
                CREATE,
                "therapy_sessions.groupenrollment",
                pk,
                e.patient_id,
                detail=group.name,
                path=f"/groups/{group.id}/",
            )
    world.sink.write(
        GroupEnrollment, ("id", "group_id", "episode_id", "start_date", "end_date"), rows
    )


def write_discharges(world):
    """Aftercare plans (discharge needs one) and the discharge itself, with the events of its
    hooks: the enrolment ended, the plan closed (iop.scale.plans closes the plan rows)."""
    sink, trail = world.sink, world.trail
    gone = [e for e in world.admitted if e.discharge_date]
    fields = (
        "id",
        "episode_id",
        "patient_id",
        "step_down_level",
        "follow_up_appointments",
        "support_groups",
        "relapse_prevention",
        "medications",
        "crisis_resources",
        "created_by_id",
        "updated_at",
    )
    rows = []
    for pk, e in zip(sink.ids(AftercarePlan, len(gone)), gone, strict=True):
        when = at(world, e.discharge_date, 16)
        level = {"stepped_down": "OP", "higher_level": "PHP"}.get(e.discharge_reason, "community")
        rows.append(
            (
                pk,
                e.id,
                e.patient_id,
                level,
                "Weekly therapy at the Main St clinic; first visit within 7 days.",
                "Peer support group, Thursdays 7 pm.",
                "Early signs: sleeping in, skipping meals. Plan: call the therapist, restart "
                "the activation schedule, tell a support person.",
                "As prescribed; prescriber review in 6 weeks.",
                "988 Suicide & Crisis Lifeline: call or text 988\nEmergency: 911",
                e.primary,
                when,
            )
        )
        path = f"/patients/{e.patient_id}/discharge/"
        trail.change(when, e.primary, CREATE, "plans.aftercareplan", pk, e.patient_id, path=path)
        trail.change(
            when,
            e.primary,
            UPDATE,
            "patients.episode",
            e.id,
            e.patient_id,
            detail="status → discharged",
            path=path,
        )
        for pk in e.enrollment_ids:
            trail.change(
                when,
                e.primary,
                UPDATE,
                "therapy_sessions.groupenrollment",
                pk,
                e.patient_id,
                detail="ended at discharge",
                path=path,
            )
    sink.write(AftercarePlan, fields, rows)
