"""Demo data: four weeks of random screens for the SUD program's two patients on medication for
addiction (medications/demo.py) — Dmitri Volkov on buprenorphine, Elena Marsh on naltrexone —
drawn with a recorded seed, collected observed and resulted through the services. Volkov's last
screen before today is fentanyl positive (unexpected: his clinician has the alert on Today), so
he has a screen for cause today; Marsh missed one and is negative otherwise. The SUD program
draws each week's screens automatically (the weekly draw job orders the coming week's)."""

from datetime import datetime, time, timedelta

from django.utils import timezone

from iop.accounts.models import User
from patients.models import Episode, Program
from screens import services
from screens.models import ScreenOrder

SEEDS = {"Volkov": 20261101, "Marsh": 20261102}


def seed(*, password, stdout):
    director = User.objects.filter(username="director").first()
    for program in Program.objects.filter(track=Program.Track.SUBSTANCE_USE):
        if director and not services.settings_for(program).auto_weekly_draw:
            services.settings_update(
                program=program, data={"auto_weekly_draw": True}, user=director
            )
            stdout.write(f"  {program}: each week's screens drawn automatically")
    if ScreenOrder.objects.exists():
        stdout.write("  screens already present; left as they are")
        return
    episodes = Episode.objects.filter(
        status=Episode.Status.ACTIVE,
        is_sud=True,
        patient__legal_last_name__in=list(SEEDS),
        primary_clinician__isnull=False,
    ).select_related("patient", "primary_clinician")
    today = timezone.localdate()
    made = 0
    for episode in episodes:
        name, clinician = episode.patient.legal_last_name, episode.primary_clinician
        first_day = max(today - timedelta(days=28), episode.admission_date or today)
        orders = services.screens_schedule(
            patient=episode.patient,
            first_day=first_day,
            last_day=today - timedelta(days=1),
            seed=SEEDS[name],
            user=clinician,
        )
        for n, order in enumerate(orders):
            if name == "Marsh" and n == 1:
                services.order_close(
                    order=order, status="missed", note="Absent that day (ill).", user=clinician
                )
                continue
            at = datetime.combine(
                order.due_date, time(9, 15), tzinfo=timezone.get_current_timezone()
            )
            services.order_collect(
                order=order, collected_at=at, observed=True, temperature_c="34.5", user=clinician
            )
            values = dict.fromkeys(order.panel, "negative")
            if name == "Volkov":
                values["BUP"] = "positive"
                if order is orders[-1]:
                    values["FYL"] = "positive"
            services.results_record(order=order, values=values, user=clinician)
        made += len(orders)
        if name == "Volkov":
            services.order_create(
                patient=episode.patient, due_date=today, observed=True, user=clinician
            )
            made += 1
    stdout.write(f"  {made} drug screens (one unexpected fentanyl positive)")
