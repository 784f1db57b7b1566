"""Demo programs and patients in every state, with measures over time. Part of seed_demo."""

import random
from datetime import date, datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from patients import services
from patients.models import Consent, Episode, IntakeAssessment, Patient, Program
from patients.models.intake import steps_for

PROGRAMS = [
    ("Adult Mental Health IOP", Program.Track.MENTAL_HEALTH),
    ("Substance Use IOP", Program.Track.SUBSTANCE_USE),
    ("Adolescent IOP", Program.Track.ADOLESCENT),
]

# Who supervises which demo program (the director supervises every program unlisted).
PROGRAM_SUPERVISORS = {
    "Adult Mental Health IOP": ["supervisor"],
    "Substance Use IOP": ["supervisor2"],
    "Adolescent IOP": ["supervisor"],
}

# first, last, born, sex, program index, status, clinician username, PHQ-9 totals by fortnight
PATIENTS = [
    ("Avery", "Nguyen", date(1988, 3, 14), "female", 0, "active", "clinician", [19, 16, 14, 11, 8]),
    ("Blake", "Okafor", date(1975, 9, 2), "male", 0, "active", "clinician", [22, 21, 20, 18]),
    ("Carmen", "Silva", date(1993, 1, 27), "female", 0, "active", "clinician", [15, 12, 12, 9, 7]),
    ("Dmitri", "Volkov", date(1969, 6, 30), "male", 1, "active", "clinician", [12, 10, 9]),
    ("Elena", "Marsh", date(1990, 11, 5), "female", 1, "active", "clinician2", [17, 15, 16]),
    ("Farah", "Haddad", date(2009, 4, 18), "female", 2, "active", "clinician2", [14, 11, 9]),
    ("Gabriel", "Stone", date(1984, 8, 8), "male", 0, "active", "clinician2", [10, 9, 6, 4]),
    ("Hana", "Kim", date(1998, 2, 11), "female", 0, "discharged", "clinician", [18, 13, 9, 6, 4]),
    ("Isaac", "Reyes", date(1979, 12, 1), "male", 1, "intake", None, []),
    ("Jordan", "Price", date(2001, 7, 23), "unknown", 0, "referred", None, []),
    ("Keiko", "Tanaka", date(1987, 5, 9), "female", 0, "referred", None, []),
    ("Luis", "Ortega", date(1972, 10, 16), "male", 1, "declined", None, []),
]

# PCL-5 totals by fortnight of the patients whose care addresses trauma (the intake names a car
# accident): the outcome report's PCL-5 figures.
PCL5 = {"Nguyen": [44, 36, 30], "Stone": [30, 26], "Kim": [50, 41, 35, 28]}

INTAKE_TEXT = {
    "presenting_problem": "Low mood for several months, withdrawal from friends, missed work.",
    "psychiatric_history": "One prior episode of depression treated in outpatient therapy.",
    "medical_history": "Hypothyroidism, controlled.",
    "medications": "Levothyroxine 50 mcg daily; sertraline 100 mg daily.",
    "substance_use": "Alcohol 2–3 drinks most evenings; no other substances.",
    "trauma_history": "Car accident in 2019; intrusive memories at times.",
    "family_social": "Lives with partner; two adult siblings nearby.",
    "support_system": "Partner and one close friend; attends church occasionally.",
    "strengths": "Insightful, motivated, steady employment history.",
    "barriers": "Shift work makes evening sessions hard; transport on weekends.",
    "client_goals": "“I want to get up in the morning and feel like going to work again.”",
    "risk_level": "low",
    "risk_assessment": (
        "Passive thoughts of death in the past; no plan or intent; no history of attempts."
    ),
    "diagnoses": [
        {"code": "F33.1", "description": "Major depressive disorder, recurrent, moderate"}
    ],
    "recommended_level_of_care": "IOP",
    "level_of_care_rationale": "Needs more structure than weekly therapy; safe at home.",
    "asam_d1": 0,
    "asam_d2": 1,
    "asam_d3": 2,
    "asam_d4": 2,
    "asam_d5": 2,
    "asam_d6": 1,
}


def _answers_for(total, items, top=3):
    """A plausible answer list with this total (spread over the items, item 9 kept at 0)."""
    answers = [0] * items
    spread = list(range(items - 1)) if items == 9 else list(range(items))
    i = 0
    while total > 0:
        slot = spread[i % len(spread)]
        if answers[slot] < top:
            answers[slot] += 1
            total -= 1
        i += 1
    return answers


def seed(*, password, stdout):
    users = {u.username: u for u in get_user_model().objects.all()}
    intake_user = users.get("intake")
    programs = []
    for name, track in PROGRAMS:
        program, _ = Program.objects.get_or_create(name=name, defaults={"track": track})
        programs.append(program)
        wanted = [users[u] for u in PROGRAM_SUPERVISORS.get(name, ()) if u in users]
        if set(program.supervisors.all()) != set(wanted):
            services.program_supervisors_set(program=program, supervisors=wanted, user=None)
    stdout.write(f"  {len(programs)} programs, with their supervisors")
    if Patient.objects.exists():
        stdout.write("  patients already present; left as they are")
        return
    rng = random.Random(2026)  # noqa: S311 - repeatable demo data, not security
    today = timezone.localdate()
    for first, last, born, sex, program_index, status, clinician, phq9 in PATIENTS:
        program = programs[program_index]
        weeks = max(len(phq9) * 2, 1)
        episode = services.referral_register(
            user=intake_user,
            patient_data={
                "legal_first_name": first,
                "legal_last_name": last,
                "date_of_birth": born,
                "sex": sex,
                "phone": f"555-01{rng.randint(10, 99)}",
                "email": f"{first.lower()}.{last.lower()}@example.org",
                "preferred_contact_channel": rng.choice(["email", "sms"]),
                "emergency_contact_name": "Pat " + last,
                "emergency_contact_relationship": "parent",
                "emergency_contact_phone": "555-0199",
                "insurance_payer": "Demo Health Plan",
                "insurance_member_id": f"DHP{rng.randint(100000, 999999)}",
            },
            episode_data={
                "program": program,
                "referral_source": rng.choice(
                    ["Primary care", "Emergency department", "Self", "Outpatient therapist"]
                ),
                "referral_date": today - timedelta(weeks=weeks, days=3),
                "referral_reason": "Worsening symptoms despite weekly therapy.",
                "is_sud": program.is_substance_use,
                "level_of_care": Episode.LevelOfCare.IOP,
            },
        )
        if status == Episode.Status.DECLINED:
            services.episode_transition(
                episode=episode,
                to_status=Episode.Status.DECLINED,
                user=intake_user,
                decline_reason="Needs a higher level of care (inpatient).",
            )
            continue
        if status == Episode.Status.REFERRED:
            continue
        assessment = services.intake_start(episode=episode, user=intake_user)
        if status == Episode.Status.INTAKE:
            for step in steps_for(episode)[:4]:
                services.intake_save_step(
                    assessment=assessment, step=step, data=INTAKE_TEXT, user=intake_user
                )
            continue
        data = {**INTAKE_TEXT, "primary_clinician": users[clinician]}
        for step in steps_for(episode):
            services.intake_save_step(assessment=assessment, step=step, data=data, user=intake_user)
        patient = episode.patient
        # Admitted `weeks` ago: consents signed and the clinician's confirmation made that day.
        admitted_at = timezone.now() - timedelta(weeks=weeks)
        services.consent_record(
            patient=patient,
            user=intake_user,
            data={
                "kind": Consent.Kind.TREATMENT,
                "signed_by_name": patient.legal_name,
                "signed_at": admitted_at,
            },
        )
        services.consent_record(
            patient=patient,
            user=intake_user,
            data={
                "kind": Consent.Kind.COMMUNICATIONS,
                "allow_email": True,
                "allow_sms": True,
                "signed_by_name": patient.legal_name,
                "signed_at": admitted_at,
            },
        )
        if episode.is_sud:
            services.consent_record(
                patient=patient,
                user=intake_user,
                data={
                    "kind": Consent.Kind.PART2,
                    "recipient": "Dr. Lee, primary care",
                    "purpose": "Care coordination",
                    "purposes": [Consent.Purpose.TREATMENT],
                    "covers": [
                        Consent.Covers.PLAN,
                        Consent.Covers.NOTES,
                        Consent.Covers.ATTENDANCE,
                    ],
                    "scope": "Diagnosis, treatment plan, progress notes and attendance",
                    "expires_on": today + timedelta(days=365),
                    "signed_by_name": patient.legal_name,
                    "signed_at": admitted_at,
                },
            )
            # Progress notes of SUD care leave only with their own, separate consent: with
            # this one a demo release of notes to Dr. Lee goes through.
            services.consent_record(
                patient=patient,
                user=intake_user,
                data={
                    "kind": Consent.Kind.COUNSELING_NOTES,
                    "recipient": "Dr. Lee, primary care",
                    "purpose": "Care coordination",
                    "purposes": [Consent.Purpose.TREATMENT],
                    "covers": [Consent.Covers.NOTES],
                    "scope": "Counseling notes of group and individual sessions",
                    "expires_on": today + timedelta(days=365),
                    "signed_by_name": patient.legal_name,
                    "signed_at": admitted_at,
                },
            )
        # Admission: the consents above, the clinician's confirmation, then completion.
        services.intake_confirm(assessment=assessment, user=users[clinician])
        services.intake_complete(assessment=assessment, user=intake_user)
        Episode.objects.filter(pk=episode.pk).update(admission_date=timezone.localdate(admitted_at))
        IntakeAssessment.objects.filter(pk=assessment.pk).update(
            completed_at=admitted_at, confirmed_at=admitted_at
        )
        # The first scores are the intake's: never before the day of admission, whatever the
        # hour the demo is loaded (a few hours back from 03:00 would be the day before, and the
        # discharge summary and the outcome report read scores from the admission day on).
        admission_day = datetime.combine(
            timezone.localdate(admitted_at), time.min, tzinfo=timezone.get_current_timezone()
        )
        for n, total in enumerate(phq9):
            when = timezone.now() - timedelta(weeks=weeks - 2 * n, hours=rng.randint(0, 5))
            when = max(when, admission_day)
            services.measure_record(
                patient=patient,
                instrument_code="PHQ9",
                responses=_answers_for(total, 9),
                user=users[clinician],
                administered_at=when,
            )
            services.measure_record(
                patient=patient,
                instrument_code="GAD7",
                responses=_answers_for(max(total - 3, 0), 7),
                user=users[clinician],
                administered_at=when,
            )
            pcl5 = PCL5.get(last, [])
            if n < len(pcl5):
                services.measure_record(
                    patient=patient,
                    instrument_code="PCL5",
                    responses=_answers_for(pcl5[n], 20, top=4),
                    user=users[clinician],
                    administered_at=when,
                )
        # "discharged" patients stay active here: discharge needs an aftercare plan, which the
        # plans app's demo writes before discharging them (plans.demo).
    # One patient answers item 9 above 0 this morning: a risk alert for Casey on Today.
    blake = Patient.objects.get(legal_last_name="Okafor")
    services.measure_record(
        patient=blake,
        instrument_code="PHQ9",
        responses=[2, 3, 2, 2, 2, 2, 2, 2, 1],
        user=users["clinician"],
    )
    stdout.write(f"  {Patient.objects.count()} patients in every episode state, with measures")
