"""Demo data: the SUD program's two active patients on medication for addiction — Dmitri
Volkov on buprenorphine/naloxone (MOUD), Elena Marsh on extended-release naltrexone — each with
the medications their intake recorded, reconciled at admission and signed by their primary
clinician, through the services."""

from datetime import datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from medications import services
from medications.models import Medication, Reconciliation
from patients.models import Episode
from sessions import services as session_services

VISIT_SECTIONS = {
    "target_symptoms": "Cravings down to twice a week, brief; sleeping six hours.",
    "adherence": "Takes the film every morning; no missed doses by his account and the count.",
    "side_effects": "Mild constipation, managed with fluids.",
    "changes_made": "No change to the buprenorphine dose; docusate as needed added.",
    "plan": "Continue; next visit in two weeks; screens per the program's schedule.",
}

THYROID = {
    "name": "Levothyroxine",
    "rxnorm_code": "966222",
    "strength": "50 mcg",
    "dose": "1 tablet",
    "route": "oral",
    "frequency": "once daily, before breakfast",
    "prescriber_name": "Dr. M. Okafor (primary care)",
    "reason": "Hypothyroidism",
}
SERTRALINE = {
    "name": "Sertraline",
    "rxnorm_code": "312941",
    "strength": "100 mg",
    "dose": "1 tablet",
    "route": "oral",
    "frequency": "once daily",
    "prescriber_name": "Dr. M. Okafor (primary care)",
    "reason": "Depression",
}
ADDICTION = {
    "Volkov": {
        "name": "Buprenorphine/naloxone",
        "rxnorm_code": "1010600",
        "strength": "8 mg/2 mg",
        "dose": "1 film",
        "route": "sublingual",
        "frequency": "once daily",
        "prescriber_name": "Dr. R. Alvarez (office-based opioid treatment)",
        "reason": "Opioid use disorder, in early remission on maintenance therapy",
    },
    "Marsh": {
        "name": "Naltrexone extended-release",
        "rxnorm_code": "1483744",
        "strength": "380 mg",
        "dose": "1 injection",
        "route": "im",
        "frequency": "every 4 weeks",
        "prescriber_name": "Dr. R. Alvarez (addiction medicine)",
        "reason": "Alcohol use disorder, moderate",
        "addiction_treatment": "maud",
    },
}


def seed(*, password, stdout):
    if Medication.objects.exists():
        stdout.write("  medications already present; left as they are")
        return
    episodes = Episode.objects.filter(
        status=Episode.Status.ACTIVE,
        is_sud=True,
        patient__legal_last_name__in=list(ADDICTION),
        primary_clinician__isnull=False,
    ).select_related("patient", "primary_clinician")
    reconciled = 0
    for episode in episodes:
        clinician = episode.primary_clinician
        started = episode.admission_date - timedelta(days=60) if episode.admission_date else None
        reconciliation = services.reconciliation_start(
            episode=episode, occasion="admission", user=clinician
        )
        for entry in (THYROID, SERTRALINE, ADDICTION[episode.patient.legal_last_name]):
            services.medication_add(
                patient=episode.patient, data={**entry, "start_date": started}, user=clinician
            )
        services.reconciliation_update(
            reconciliation=reconciliation,
            notes="Reviewed with the patient against the intake and the pharmacy's fill history.",
            user=clinician,
        )
        services.reconciliation_sign(reconciliation=reconciliation, user=clinician)
        reconciled += 1
    stdout.write(f"  {reconciled} patients on MOUD/MAUD, reconciled at admission")
    _medication_visit(episodes, stdout)


def _medication_visit(episodes, stdout):
    """Dmitri Volkov's medication-management visit with the demo psychiatrist two weekdays ago:
    attended, reconciled at the visit by his clinician, and a signed visit note with 16 minutes
    of psychotherapy (a new patient: 99202 + 90833 on the session page)."""
    prescriber = get_user_model().objects.prescribers().filter(username="prescriber").first()
    episode = next((e for e in episodes if e.patient.legal_last_name == "Volkov"), None)
    if prescriber is None or episode is None or episode.admission_date is None:
        return
    day = timezone.localdate() - timedelta(days=2)
    while day.weekday() > 4:
        day -= timedelta(days=1)
    if day < episode.admission_date:
        return
    # 11:00: before the Recovery Skills Group he attends (Mon, Wed, Fri 13:00-16:00).
    starts_at = timezone.make_aware(datetime.combine(day, time(11, 0)))
    visit = session_services.session_schedule(
        kind="medication_management",
        starts_at=starts_at,
        duration_minutes=40,
        clinicians=[prescriber],
        user=prescriber,
        episode=episode,
    )
    session_services.attendance_mark(
        session=visit, episode=episode, status="present", minutes=40, user=prescriber
    )
    clinician = episode.primary_clinician
    reconciliation = services.reconciliation_start(
        episode=episode,
        occasion=Reconciliation.Occasion.MEDICATION_VISIT,
        session=visit,
        user=clinician,
    )
    services.reconciliation_update(
        reconciliation=reconciliation,
        decisions={
            item.medication_id: {"decision": "continued", "note": ""}
            for item in reconciliation.items.all()
        },
        notes="Reviewed at the visit with Dr. Nair.",
        user=clinician,
    )
    services.reconciliation_sign(reconciliation=reconciliation, user=clinician)
    note = session_services.note_start(session=visit, user=prescriber)
    session_services.note_save(
        note=note,
        user=prescriber,
        shared=VISIT_SECTIONS,
        entries={
            episode.patient_id: {
                "text": "Seen alone; motivational work on returning to work (16 minutes).",
                "risk_level": "low",
                "risk_notes": "No suicidal ideation; no recent use.",
            }
        },
        psychotherapy_minutes=16,
    )
    session_services.note_sign(note=note, user=prescriber)
    stdout.write("  a medication-management visit with its reconciliation and signed note")
