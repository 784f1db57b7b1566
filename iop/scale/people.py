"""Writing the cast (iop.scale.cast): staff with their roles, programs with their supervisors,
groups with their facilitators, patients and episodes with their care teams, with the audit
events their services write."""

from datetime import datetime, time, timedelta

from django.contrib.auth.models import Group as RoleGroup

from iop.accounts.roles import Role
from iop.scale.cast import SUPERVISES
from iop.scale.trail import CREATE
from sessions.models import TherapyGroup


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
        "prescriber_credential",
    )
    joined = now - timedelta(days=800)
    prescribers = set(world.prescribers.values())
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
                # Each program's prescriber holds the credential (medication management).
                "psychiatrist" if s.id in prescribers else "",
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
                f"{e.first.lower()}.{e.last.lower().replace(chr(39), '')}{e.patient_id}"
                "@example.org",
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
