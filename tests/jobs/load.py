"""Many due reminders at once, built in bulk: for the worker tests and the query budget."""

from datetime import date, time, timedelta

from django.utils import timezone

from patients.models import Consent, Episode, Patient
from sessions.models import GroupEnrollment, TherapyGroup, TherapySession


def build_due_reminders(program, clinician, count, *, per_session=500, hours_ahead=3):
    """`count` patients consenting to SMS, in group sessions `hours_ahead` from now."""
    patients = Patient.objects.bulk_create(
        Patient(
            mrn=f"L{n:07d}",
            legal_first_name=f"P{n}",
            legal_last_name="Load",
            date_of_birth=date(1990, 1, 1),
            phone=f"555-{n:05d}",
            preferred_contact_channel="sms",
        )
        for n in range(count)
    )
    episodes = Episode.objects.bulk_create(
        Episode(
            patient=p,
            program=program,
            status="active",
            referral_source="load",
            admission_date=date.today() - timedelta(days=7),
            primary_clinician=clinician,
        )
        for p in patients
    )
    Consent.objects.bulk_create(
        Consent(patient=p, kind="communications", allow_sms=True, signed_by_name=p.legal_name)
        for p in patients
    )
    starts = timezone.localtime() + timedelta(hours=hours_ahead)
    for n, first in enumerate(range(0, count, per_session)):
        begin = starts + timedelta(minutes=n)
        group = TherapyGroup.objects.create(
            name=f"Load group {n}",
            program=program,
            kind="process",
            schedule_days=[begin.weekday()],
            start_time=time(begin.hour, begin.minute),
            duration_minutes=60,
            capacity=per_session,
        )
        GroupEnrollment.objects.bulk_create(
            GroupEnrollment(group=group, episode=e, start_date=date.today() - timedelta(days=7))
            for e in episodes[first : first + per_session]
        )
        TherapySession.objects.create(
            kind="group", group=group, starts_at=begin, duration_minutes=60
        )
