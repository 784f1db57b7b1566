"""Demo data: the SUD program's two active patients on medication for addiction — Dmitri
Volkov on buprenorphine/naloxone (MOUD), Elena Marsh on extended-release naltrexone — each with
the medications their intake recorded, reconciled at admission and signed by their primary
clinician, through the services."""

from datetime import timedelta

from medications import services
from medications.models import Medication
from patients.models import Episode

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
