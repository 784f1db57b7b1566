"""`manage.py seed_demo --scale N`: the generated program is consistent the way a user would
notice (logins, caseloads, attendance against the roster, signatures, the audit chain, pages),
and its size follows N."""

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone

from iop.accounts.models import User
from iop.audit.models import AuditEvent
from iop.audit.verification import chain_walk
from patients.models import Episode, Patient
from sessions.models import (
    Attendance,
    GroupEnrollment,
    ProgressNote,
    TherapyGroup,
    TherapySession,
)
from sessions.signatures import signature_check

PASSWORD = "a-demo-password-1"
SMALL = 0.002


def build(scale=SMALL, **options):
    out = io.StringIO()
    call_command(
        "seed_demo", scale=scale, password=PASSWORD, stdout=out, stderr=io.StringIO(), **options
    )
    return out.getvalue()


def sizes():
    return {
        "patients": Patient.objects.count(),
        "individual sessions": TherapySession.objects.filter(group=None).count(),
        "attendance": Attendance.objects.count(),
        "notes": ProgressNote.objects.count(),
        "events": AuditEvent.objects.count(),
    }


def test_the_scale_set_is_consistent(db, settings, client):
    """One build (seconds at this size), checked as a user would notice."""
    settings.DEBUG = True
    output = build()
    check_the_demo_logins_sign_in_with_their_roles(output, client)
    check_patients_are_active_or_discharged_with_a_reason()
    check_every_attendance_is_on_its_session_roster_on_that_day()
    check_a_program_day_is_groups_back_to_back_and_no_one_is_in_two_places()
    check_signatures_and_the_audit_chain_verify()
    check_the_clinicians_pages_answer(client)


def check_the_demo_logins_sign_in_with_their_roles(scale_set, client):
    for username, role in [
        ("clinician", "clinician"),
        ("clinician2", "clinician"),
        ("supervisor", "supervisor"),
        ("director", "director"),
        ("intake", "intake"),
    ]:
        user = User.objects.get(username=username)
        assert role in user.roles
        assert client.login(username=username, password=PASSWORD)
    assert User.objects.get(username="clinician2").is_trainee
    assert "clinician" in scale_set and "Logins" in scale_set


def check_patients_are_active_or_discharged_with_a_reason():
    assert Patient.objects.count() == round(5000 * SMALL)
    assert Episode.objects.filter(status="active").count() == 2
    discharged = Episode.objects.filter(status="discharged")
    assert discharged.exists()
    assert not discharged.filter(discharge_reason="").exists()
    for e in Episode.objects.exclude(admission_date=None):
        assert e.referral_date <= e.admission_date <= timezone.localdate()
        assert e.discharge_date is None or e.admission_date <= e.discharge_date


def check_every_attendance_is_on_its_session_roster_on_that_day():
    records = Attendance.objects.select_related("session", "episode")
    assert records.exists()
    enrolments = list(GroupEnrollment.objects.all())
    for record in records:
        session, episode = record.session, record.episode
        day = timezone.localtime(session.starts_at).date()
        assert record.patient_id == episode.patient_id
        assert session.starts_at <= timezone.now()
        if session.group_id:
            assert any(
                e.group_id == session.group_id
                and e.episode_id == episode.pk
                and e.start_date <= day
                and (e.end_date is None or day <= e.end_date)
                for e in enrolments
            ), f"attendance {record.pk}: not enrolled in the group that day"
        else:
            assert session.episode_id == episode.pk
        assert episode.discharge_date is None or day <= episode.discharge_date
        assert record.session_starts_at == session.starts_at
        if session.kind != "intake_evaluation":
            assert episode.admission_date <= day


def check_a_program_day_is_groups_back_to_back_and_no_one_is_in_two_places():
    """A cohort's day is three groups of 50 minutes, at least the IOP weekly minimum; a
    patient absent from one of them is absent from the day; no clinician or patient is booked
    into two sessions at once."""
    groups = list(TherapyGroup.objects.all())
    assert len(groups) % 3 == 0 and {g.duration_minutes for g in groups} == {50}
    weekly, minimum = {}, {}
    for enrolment in GroupEnrollment.objects.select_related("group__program"):
        group = enrolment.group
        minutes = len(group.schedule_days) * group.duration_minutes
        weekly[enrolment.episode_id] = weekly.get(enrolment.episode_id, 0) + minutes
        minimum[enrolment.episode_id] = 6 * 60 if group.program.track == "adolescent" else 9 * 60
    assert weekly and all(weekly[e] >= minimum[e] for e in weekly)
    absent = {}
    group_records = Attendance.objects.exclude(session__group=None).select_related("session")
    for record in group_records:
        day = timezone.localtime(record.session.starts_at).date()
        absent.setdefault((record.episode_id, day), set()).add(record.status.startswith("absent"))
    assert absent and all(len(flags) == 1 for flags in absent.values())
    booked = {}
    for session in TherapySession.objects.exclude(status="cancelled").prefetch_related(
        "clinicians"
    ):
        ends = session.starts_at + timedelta(minutes=session.duration_minutes)
        people = [("user", u.pk) for u in session.clinicians.all()]
        people += [("episode", session.episode_id)] if session.episode_id else []
        for who in people:
            booked.setdefault(who, []).append((session.starts_at, ends))
    for who, times in booked.items():
        times.sort()
        for (_, end), (start, _) in zip(times, times[1:], strict=False):
            assert end <= start, f"{who} in two sessions at {start}"


def check_signatures_and_the_audit_chain_verify():
    mismatches, counts = signature_check()
    assert mismatches == []
    assert counts["progress notes"] > 0 and counts["treatment plans"] > 0
    result = chain_walk()
    assert result.ok, result.summary
    assert result.events == AuditEvent.objects.count() > 1000
    out = io.StringIO()
    call_command("audit_verify", stdout=out)
    assert "holds" in out.getvalue()


def check_the_clinicians_pages_answer(client):
    clinician = User.objects.get(username="clinician")
    client.force_login(clinician)
    episode = Episode.objects.filter(care_team=clinician, status="active").first()
    assert episode is not None
    group_session = TherapySession.objects.filter(
        group__facilitators=clinician, status="completed"
    ).last()
    pages = [
        reverse("today"),
        reverse("patients:caseload"),
        reverse("sessions:session", args=[group_session.pk]),
        reverse("sessions:chart", args=[episode.patient_id]),
        reverse("plans:patient-plan", args=[episode.patient_id]),
    ]
    pages += [
        reverse(f"patients:{tab}", args=[episode.patient_id])
        for tab in ("chart", "intake", "measures", "consents", "alerts")
    ]
    for page in pages:
        assert client.get(page).status_code == 200, page
    today = timezone.localdate()
    assert TherapySession.objects.filter(
        starts_at__date__gte=today, starts_at__date__lte=today + timedelta(days=14)
    ).exists()


def test_it_refuses_a_database_with_data_unless_flushed_and_grows_with_scale(db, settings):
    settings.DEBUG = True
    build()
    with pytest.raises(CommandError, match="already holds data"):
        build()
    small = sizes()
    build(scale=2 * SMALL, flush=True)
    bigger = sizes()
    assert bigger["patients"] == 2 * small["patients"]
    # Group sessions follow the groups' schedules (at least two groups at any size); the rest
    # follows the number of patients.
    for table in ("individual sessions", "attendance", "notes", "events"):
        assert 1.3 < bigger[table] / small[table] < 3, table
    assert chain_walk().ok


def test_it_refuses_to_run_with_debug_off(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="only runs with DEBUG on"):
        build()
    assert not User.objects.exists()
