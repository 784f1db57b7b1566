"""Writing the cast (iop.scale.cast): staff with their roles, programs with their supervisors,
groups with their facilitators, patients, episodes with their care teams, intake assessments,
consents, group enrolments and aftercare plans, with the audit events their services write."""

from datetime import datetime, time, timedelta

from django.contrib.auth.models import Group as RoleGroup
from django.utils import timezone

from iop.accounts.roles import Role
from iop.scale.cast import SUPERVISES
from iop.scale.trail import CREATE, UPDATE
from patients.models import Consent, IntakeAssessment
from plans.models import AftercarePlan
from sessions.models import GroupEnrollment, TherapyGroup

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


def at(world, day, hour, minute=0):
    return datetime.combine(day, time(hour, minute), tzinfo=world.tz)


def write_staff(world):
    sink, staff = world.sink, world.staff
    now = world.now
    fields = (
        "id",
        "password",
        "last_login",
        "is_superuser",
        "username",
        "first_name",
        "last_name",
        "email",
        "is_staff",
        "is_active",
        "date_joined",
        "credentials",
        "is_trainee",
        "is_external_integration",
    )
    joined = now - timedelta(days=800)
    sink.write(
        world.User,
        fields,
        [
            (
                s.id,
                world.password_hash,
                None,
                False,
                s.username,
                s.first,
                s.last,
                f"{s.username}@demo.iop.invalid",
                s.is_staff,
                True,
                joined,
                s.credentials,
                s.is_trainee,
                False,
            )
            for s in staff
        ],
    )
    roles = dict(
        RoleGroup.objects.using(sink.using).filter(name__in=Role.ALL).values_list("name", "pk")
    )
    through = world.User.groups.through
    ids = sink.ids(through, len(staff))
    sink.write(
        through,
        ("id", "user_id", "group_id"),
        [(pk, s.id, roles[s.role]) for pk, s in zip(ids, staff, strict=True)],
    )


def write_programs_and_groups(world):
    from patients.models import Program

    sink = world.sink
    fields = (
        "id",
        "name",
        "track",
        "minimum_weekly_hours",
        "initial_plan_days",
        "review_cadence_days",
        "measure_schedule",
        "reminder_lead_hours",
        "pcl5_cutoff",
        "billing_mode",
        "per_diem_threshold_minutes",
        "is_active",
    )
    schedule = [{"instrument": "PHQ9", "every_days": 14}, {"instrument": "GAD7", "every_days": 14}]
    sink.write(
        Program,
        fields,
        [
            (pk, name, track, None, 3, 30, schedule, [24, 2], 33, "per_service", 180, True)
            for pk, (name, track) in zip(world.program_ids, world.programs, strict=True)
        ],
    )
    links = []
    for username, indexes in SUPERVISES.items():
        if username in world.by_username:
            links += [
                (world.by_username[username].id, world.program_ids[i])
                for i in indexes
                if i < len(world.programs)
            ]
    through = Program.supervisors.through
    sink.write(
        through,
        ("id", "program_id", "user_id"),
        [
            (pk, program, user)
            for pk, (user, program) in zip(sink.ids(through, len(links)), links, strict=True)
        ],
    )
    fields = (
        "id",
        "name",
        "program_id",
        "kind",
        "schedule_days",
        "start_time",
        "duration_minutes",
        "capacity",
        "location",
        "delivery",
        "place_of_service",
        "telehealth_modifier",
        "is_active",
    )
    sink.write(
        TherapyGroup,
        fields,
        [
            (
                g.id,
                g.name,
                world.program_ids[g.program],
                g.kind,
                g.days,
                g.start,
                g.minutes,
                15,
                g.location,
                "in_person",
                "",
                "",
                True,
            )
            for g in world.groups
        ],
    )
    pairs = [(g.id, u) for g in world.groups for u in g.facilitators]
    through = TherapyGroup.facilitators.through
    sink.write(
        through,
        ("id", "therapygroup_id", "user_id"),
        [(pk, g, u) for pk, (g, u) in zip(sink.ids(through, len(pairs)), pairs, strict=True)],
    )


def write_patients(world):
    from patients.models import Episode, Patient

    sink, rng, trail = world.sink, world.rng, world.trail
    intake = [s.id for s in world.staff if s.role == Role.INTAKE]
    fields = (
        "id",
        "mrn",
        "legal_first_name",
        "legal_last_name",
        "preferred_name",
        "date_of_birth",
        "pronouns",
        "sex",
        "gender_identity",
        "phone",
        "email",
        "preferred_contact_channel",
        "emergency_contact_name",
        "emergency_contact_relationship",
        "emergency_contact_phone",
        "insurance_payer",
        "insurance_member_id",
        "created_at",
        "created_by_id",
    )
    mrns = rng.sample(range(10**7), len(world.episodes))
    rows = []
    for e, mrn in zip(world.episodes, mrns, strict=True):
        e.intake_user = intake[e.id % len(intake)]
        e.referred_at = at(world, e.referral_date, 10, rng.randint(0, 59))
        pronouns = {"female": "she/her", "male": "he/him"}.get(e.sex, "")
        rows.append(
            (
                e.patient_id,
                f"M{mrn:07d}",
                e.first,
                e.last,
                "",
                e.dob,
                pronouns,
                e.sex,
                "",
                f"555-{rng.randint(1000, 9999)}",
                f"{e.first.lower()}.{e.last.lower().replace(chr(39), '')}{e.patient_id}@example.org",
                rng.choice(["email", "sms", "phone"]),
                f"Pat {e.last}",
                "parent",
                "555-0199",
                rng.choice(["Demo Health Plan", "Acme Medicaid", "Northside Mutual"]),
                f"DHP{rng.randint(100000, 999999)}",
                e.referred_at,
                e.intake_user,
            )
        )
        trail.change(
            e.referred_at,
            e.intake_user,
            CREATE,
            "patients.patient",
            e.patient_id,
            e.patient_id,
            path="/intake/referrals/new/",
        )
        trail.change(
            e.referred_at,
            e.intake_user,
            CREATE,
            "patients.episode",
            e.id,
            e.patient_id,
            path="/intake/referrals/new/",
        )
    sink.write(Patient, fields, rows)
    fields = (
        "id",
        "patient_id",
        "program_id",
        "status",
        "referral_source",
        "referral_date",
        "referral_reason",
        "admission_date",
        "discharge_date",
        "discharge_reason",
        "decline_reason",
        "level_of_care",
        "primary_clinician_id",
        "is_sud",
        "part2_refusal_reason",
        "part2_refusal_at",
        "part2_refusal_by_id",
        "created_at",
        "updated_at",
    )
    rows = []
    for e in world.episodes:
        track = world.programs[e.program][1]
        e.is_sud = track in ("substance_use", "co_occurring")
        changed = at(world, e.discharge_date or e.admission_date or e.referral_date, 16)
        rows.append(
            (
                e.id,
                e.patient_id,
                world.program_ids[e.program],
                e.status,
                rng.choice(
                    ["Primary care", "Emergency department", "Self", "Outpatient therapist"]
                ),
                e.referral_date,
                "Worsening symptoms despite weekly therapy.",
                e.admission_date,
                e.discharge_date,
                e.discharge_reason,
                "Needs a higher level of care (inpatient)." if e.status == "declined" else "",
                "IOP",
                e.primary,
                e.is_sud,
                "",
                None,
                None,
                e.referred_at,
                min(changed, world.now),
            )
        )
    sink.write(Episode, fields, rows)
    pairs = [(e.id, u) for e in world.episodes for u in sorted(e.care_team)]
    through = Episode.care_team.through
    sink.write(
        through,
        ("id", "episode_id", "user_id"),
        [(pk, e, u) for pk, (e, u) in zip(sink.ids(through, len(pairs)), pairs, strict=True)],
    )


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
        if e.group is None:
            continue
        who = e.group.facilitators[0]
        rows.append((e.enrollment_id, e.group.id, e.id, e.enrolled_on, e.discharge_date))
        trail.change(
            at(world, e.enrolled_on, 8, 30),
            who,
            CREATE,
            "therapy_sessions.groupenrollment",
            e.enrollment_id,
            e.patient_id,
            detail=e.group.name,
            path=f"/groups/{e.group.id}/",
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
        if e.group is not None:
            trail.change(
                when,
                e.primary,
                UPDATE,
                "therapy_sessions.groupenrollment",
                e.enrollment_id,
                e.patient_id,
                detail="ended at discharge",
                path=path,
            )
    sink.write(AftercarePlan, fields, rows)


def local_now(world):
    return timezone.localtime(world.now)
