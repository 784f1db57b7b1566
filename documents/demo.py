"""Demo data: a signed discharge summary for each discharged demo patient (Hana Kim), written
by their primary clinician through the services."""

from documents import services
from documents.models import DischargeSummary
from patients.models import Episode

NARRATIVE = (
    "Admitted to the IOP for a recurrent depressive episode with low activation and poor sleep. "
    "Attended groups three days a week and weekly individual CBT; completed behavioural "
    "activation and a sleep routine. PHQ-9 fell from the severe to the minimal range. She "
    "completed the program and steps down to weekly outpatient therapy."
)


def seed(*, password, stdout):
    if DischargeSummary.objects.exists():
        stdout.write("  discharge summaries already present; left as they are")
        return
    episodes = Episode.objects.filter(
        status=Episode.Status.DISCHARGED, primary_clinician__isnull=False
    ).select_related("patient", "primary_clinician")
    signed = 0
    for episode in episodes:
        clinician = episode.primary_clinician
        summary = services.discharge_summary_prepare(episode=episode, user=clinician)
        summary = services.discharge_summary_update(
            summary=summary,
            data={
                "narrative": NARRATIVE,
                "medications": summary.medications,
                "referrals": summary.referrals,
            },
            user=clinician,
        )
        services.discharge_summary_sign(summary=summary, user=clinician)
        signed += 1
    stdout.write(f"  {signed} signed discharge summar{'y' if signed == 1 else 'ies'}")
