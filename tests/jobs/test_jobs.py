"""Each job on hand-built data: who gets an alert or a reminder, who does not, and nothing
doubled on a second run."""

import dataclasses
from datetime import date, datetime, timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from iop.jobs.models import JobRun
from iop.jobs.registry import JOBS, run_job
from patients import services as patient_services
from patients.models import Alert, Episode
from plans import services as plan_services
from plans.jobs import reviews_flag_overdue, reviews_open_due
from plans.models import PlanReview
from sessions import services as ss
from sessions.jobs import documentation_alerts, engagement_alerts
from sessions.models import ReminderDelivery, TherapySession
from sessions.reminders import reminder_text, reminders_plan, reminders_send

TZ = timezone.get_current_timezone()
WEDNESDAY = datetime(2026, 11, 18, 8, 0, tzinfo=TZ)


@pytest.fixture
def clock(time_machine):
    time_machine.move_to(WEDNESDAY, tick=False)
    return time_machine


def consent(patient, user, *, email=True, sms=True):
    return patient_services.consent_record(
        patient=patient,
        user=user,
        data={
            "kind": "communications",
            "allow_email": email,
            "allow_sms": sms,
            "signed_by_name": patient.legal_name,
        },
    )


def contactable(episode, user, channel="email"):
    patient = episode.patient
    patient.preferred_contact_channel = channel
    patient.email = f"{patient.legal_last_name.lower()}@example.org"
    patient.phone = "555-0123"
    patient.save()
    consent(patient, user)
    return patient


def admitted_on(episode, day):
    episode.admission_date = day
    episode.save(update_fields=["admission_date"])


def individual(episode, clinician, starts_at, **extra):
    return ss.session_schedule(
        kind="individual",
        starts_at=starts_at,
        duration_minutes=50,
        clinicians=[clinician],
        episode=episode,
        user=clinician,
        location="Room 2",
        **extra,
    )


# --- reminders -----------------------------------------------------------------------------------


def test_reminders_go_to_consenting_patients_once_per_lead_time(
    clock, make_episode, clinician, intake
):
    yes = make_episode(clinician=clinician, last_name="Yes")
    no_consent = make_episode(clinician=clinician, last_name="Noconsent")
    revoked = make_episode(clinician=clinician, last_name="Revoked")
    phone_only = make_episode(clinician=clinician, last_name="Phone")
    contactable(yes, intake, "sms")
    no_consent.patient.preferred_contact_channel = "email"
    no_consent.patient.email = "n@example.org"
    no_consent.patient.save()
    c = consent(contactable(revoked, intake), intake)
    patient_services.consent_revoke(consent=c, user=intake, note="By phone")
    for consent_ in revoked.patient.consents.all():
        if not consent_.revoked_at:
            patient_services.consent_revoke(consent=consent_, user=intake, note="By phone")
    contactable(phone_only, intake, "phone")
    tomorrow = WEDNESDAY + timedelta(hours=20)
    sessions = [
        individual(e, clinician, tomorrow + timedelta(hours=i))
        for i, e in enumerate([yes, no_consent, revoked, phone_only])
    ]

    assert reminders_plan() == 1  # only `yes` is within 24 h, consenting, by a channel we have
    counts = reminders_send()
    assert counts["sent"] == 1
    delivery = ReminderDelivery.objects.get()
    assert (delivery.patient, delivery.lead_hours, delivery.channel, delivery.to) == (
        yes.patient,
        24,
        "sms",
        "555-0123",
    )
    assert reminders_plan() == 0 and reminders_send()["sent"] == 0  # nothing doubled

    clock.move_to(sessions[0].starts_at - timedelta(hours=1, minutes=50))  # inside 2 h
    assert reminders_plan() == 1
    assert reminders_send()["sent"] == 1
    assert sorted(ReminderDelivery.objects.values_list("lead_hours", flat=True)) == [2, 24]


def test_reminder_text_carries_no_clinical_detail(clock, make_episode, clinician, intake):
    episode = make_episode(clinician=clinician, last_name="Text")
    contactable(episode, intake)
    session = individual(episode, clinician, WEDNESDAY + timedelta(hours=6))
    reminders_plan()
    reminders_send()
    (message,) = mail.outbox
    body = message.body
    assert "Wednesday 18 November at 2:00 PM" in body and "Room 2" in body and "555-0100" in body
    for word in ("individual", "therapy", "IOP", episode.program.name, "depress"):
        assert word.lower() not in body.lower()
    assert body == reminder_text(ReminderDelivery.objects.get(session=session))


def test_a_cancelled_or_moved_session(clock, make_episode, clinician, intake):
    episode = make_episode(clinician=clinician, last_name="Moved")
    contactable(episode, intake)
    cancelled = individual(episode, clinician, WEDNESDAY + timedelta(hours=10))
    moved = individual(episode, clinician, WEDNESDAY + timedelta(hours=12))
    reminders_plan()
    ss.session_cancel(session=cancelled, user=clinician, reason="Snow day")
    ss.session_reschedule(session=moved, starts_at=WEDNESDAY + timedelta(hours=22), user=clinician)
    counts = reminders_send()
    assert (counts["sent"], counts["cancelled"]) == (0, 2)
    assert reminders_plan() == 1  # the new time is reminded
    assert reminders_send()["sent"] == 1
    sent = ReminderDelivery.objects.get(status="sent")
    assert sent.starts_at == WEDNESDAY + timedelta(hours=22)
    assert "Wednesday 18 November" not in mail.outbox[0].body


def test_failures_retry_with_backoff_then_show_as_failed(
    clock, make_episode, clinician, intake, settings
):
    settings.REMINDER_MAX_ATTEMPTS = 2
    episode = make_episode(clinician=clinician, last_name="Flaky")
    contactable(episode, intake)
    individual(episode, clinician, WEDNESDAY + timedelta(hours=20))
    reminders_plan()

    def broken(row):
        raise ConnectionError("SMTP down")

    assert reminders_send(send_hook=broken)["retrying"] == 1
    row = ReminderDelivery.objects.get()
    assert (row.status, row.attempts, row.last_error) == (
        "pending",
        1,
        "ConnectionError: SMTP down",
    )
    assert row.next_attempt_at == WEDNESDAY + timedelta(minutes=2)
    assert reminders_send(send_hook=broken)["sent"] == 0  # not due yet
    clock.move_to(WEDNESDAY + timedelta(minutes=3))
    assert reminders_send(send_hook=broken)["failed"] == 1
    assert ReminderDelivery.objects.get().status == "failed"


def test_a_claim_left_by_a_dead_worker_is_released_and_sent(clock, make_episode, clinician, intake):
    episode = make_episode(clinician=clinician, last_name="Claimed")
    contactable(episode, intake)
    individual(episode, clinician, WEDNESDAY + timedelta(hours=20))
    reminders_plan()
    ReminderDelivery.objects.update(status="sending", claimed_at=WEDNESDAY, claimed_by="dead")
    assert reminders_send()["sent"] == 0  # still within the claim timeout
    clock.move_to(WEDNESDAY + timedelta(minutes=11))
    counts = reminders_send()
    assert (counts["released"], counts["sent"]) == (1, 1)


def test_sending_is_audited_per_patient(clock, make_episode, clinician, intake):
    from iop.audit.models import AuditEvent

    episode = make_episode(clinician=clinician, last_name="Audited")
    contactable(episode, intake)
    individual(episode, clinician, WEDNESDAY + timedelta(hours=20))
    reminders_plan()
    reminders_send(task_id="task-1")
    event = AuditEvent.objects.get(action="export")
    assert (event.patient_id, event.request_id) == (episode.patient_id, "task-1")


# --- reviews and measures ------------------------------------------------------------------------


def test_reviews_open_ahead_and_overdue_ones_are_flagged(
    clock, episode, clinician, make_plan, settings
):
    settings.REVIEW_OPEN_DAYS_AHEAD = 7
    plan = plan_services.plan_activate(
        plan=make_plan(episode), user=clinician, patient_ack_name="Pat"
    )
    assert plan.next_review_due == date(2026, 12, 18)
    assert reviews_open_due() == {"opened": 0, "alerts": 0}
    clock.move_to(datetime(2026, 12, 11, 8, tzinfo=TZ))  # 7 days ahead
    assert reviews_open_due() == {"opened": 1, "alerts": 1}
    assert reviews_open_due() == {"opened": 0, "alerts": 0}
    review = PlanReview.objects.get()
    alert = Alert.objects.get(kind="review_due")
    assert (alert.assigned_to, alert.action_url) == (clinician, review.get_absolute_url())
    clock.move_to(datetime(2026, 12, 19, 8, tzinfo=TZ))
    assert reviews_flag_overdue() == {"overdue": 1, "alerts": 1}
    assert reviews_flag_overdue() == {"overdue": 1, "alerts": 0}
    assert Alert.objects.get(kind="review_overdue").priority == Alert.Priority.HIGH


def test_measure_due_alerts_follow_the_schedule(clock, make_episode, clinician):
    from patients.jobs import measures_due_alerts

    given = make_episode(clinician=clinician, last_name="Given")
    fresh = make_episode(clinician=clinician, last_name="Fresh")
    Episode.objects.filter(pk__in=[given.pk, fresh.pk]).update(admission_date=date(2026, 11, 1))
    for code, n in (("PHQ9", 9), ("GAD7", 7)):
        patient_services.measure_record(
            patient=given.patient,
            instrument_code=code,
            responses=[0] * n,
            user=clinician,
            administered_at=datetime(2026, 11, 10, 9, tzinfo=TZ),
        )
    counts = measures_due_alerts()
    # `fresh` never had PHQ-9 or GAD-7 since admission: both due; `given` is due on 24 Nov.
    assert counts == {"due": 2, "alerts": 2}
    assert set(Alert.objects.values_list("patient__legal_last_name", "title")) == {
        ("Fresh", "PHQ-9 due (every 14 days)"),
        ("Fresh", "GAD-7 due (every 14 days)"),
    }
    assert measures_due_alerts()["alerts"] == 0
    clock.move_to(datetime(2026, 11, 24, 8, tzinfo=TZ))
    assert measures_due_alerts()["alerts"] == 2  # `given` now due


# --- engagement and documentation ---------------------------------------------------------------


def test_engagement_alerts_for_low_hours_and_no_shows(clock, group, make_episode, clinician):
    people = {
        n: make_episode(clinician=clinician, last_name=n)
        for n in ("Full", "Low", "Stepdown", "Noshow")
    }
    Episode.objects.filter(pk__in=[e.pk for e in people.values()]).update(
        admission_date=date(2026, 11, 1)
    )
    for e in people.values():
        e.refresh_from_db()
        ss.group_enroll(group=group, episode=e, user=clinician, start_date=date(2026, 11, 2))
    ss.group_schedule_generate(start=date(2026, 11, 9), weeks=2)
    ss.step_down_record(
        episode=people["Stepdown"],
        starts_on=date(2026, 11, 9),
        ends_on=date(2026, 11, 15),
        reason="Planned",
        user=clinician,
    )
    plan = {
        "Full": ["present"] * 3,
        "Low": ["present", "absent_excused", "present"],
        "Stepdown": ["present", "absent_excused", "absent_excused"],
        "Noshow": ["present", "absent_unexcused", "absent_unexcused"],
    }
    sessions = list(TherapySession.objects.filter(starts_at__lt=WEDNESDAY - timedelta(days=2)))
    assert len(sessions) == 3  # Mon, Wed, Fri of the week of 9 Nov
    for i, session in enumerate(sessions):
        for name, statuses in plan.items():
            ss.attendance_mark(
                session=session, episode=people[name], status=statuses[i], user=clinician
            )
    counts = engagement_alerts()
    assert counts == {"below_hours": 2, "no_shows": 1}
    low = Alert.objects.filter(kind="low_attendance").values_list(
        "patient__legal_last_name", flat=True
    )
    assert sorted(low) == ["Low", "Noshow"]  # 6 h and 3 h; the step-down week is not flagged
    assert Alert.objects.get(kind="no_shows").patient == people["Noshow"].patient
    assert engagement_alerts() == {"below_hours": 0, "no_shows": 0}


def test_documentation_alerts_at_24_and_72_hours(clock, group, make_episode, clinician):
    episode = make_episode(clinician=clinician, last_name="Doc")
    admitted_on(episode, date(2026, 11, 1))  # in care on the days attendance is taken
    ss.group_enroll(group=group, episode=episode, user=clinician, start_date=date(2026, 11, 1))
    ss.group_schedule_generate(start=date(2026, 11, 13), weeks=1)
    friday = TherapySession.objects.get(starts_at__date=date(2026, 11, 13))
    monday = TherapySession.objects.get(starts_at__date=date(2026, 11, 16))
    for session in (friday, monday):
        ss.attendance_mark(session=session, episode=episode, status="present", user=clinician)
    counts = documentation_alerts()
    # Monday's session ended 44 h ago: the author; Friday's 116 h ago: author and supervisors.
    assert counts == {"author_alerts": 2, "supervisor_alerts": 1, "resolved": 0}
    assert documentation_alerts() == {"author_alerts": 0, "supervisor_alerts": 0, "resolved": 0}
    staff = Alert.objects.filter(kind="note_unsigned", patient__isnull=True)
    assert staff.count() == 3  # group notes are about no single patient
    assert set(staff.values_list("assigned_to", flat=True)) == {clinician.pk, None}
    note = ss.note_start(session=monday, user=clinician)
    ss.note_save(
        note=note,
        user=clinician,
        shared={"data": "d", "assessment": "a", "plan": "p"},
        entries={episode.patient_id: {"text": "Did well.", "risk_level": "none"}},
    )
    ss.note_sign(note=note, user=clinician)
    assert documentation_alerts()["resolved"] == 1


def test_staff_alerts_reach_the_author_and_supervisors_on_today(
    clock, client, group, make_episode, clinician, supervisor, clinician2
):
    episode = make_episode(clinician=clinician, last_name="Doc")
    admitted_on(episode, date(2026, 11, 1))  # in care on the days attendance is taken
    ss.group_enroll(group=group, episode=episode, user=clinician, start_date=date(2026, 11, 1))
    ss.group_schedule_generate(start=date(2026, 11, 16), weeks=1)
    monday = TherapySession.objects.get(starts_at__date=date(2026, 11, 16))
    ss.attendance_mark(session=monday, episode=episode, status="present", user=clinician)
    documentation_alerts()
    for user, sees in ((clinician, True), (supervisor, True), (clinician2, False)):
        client.force_login(user)
        html = client.get("/today/").content.decode()
        assert ("Note unsigned 24 h" in html) is sees, user


# --- by hand and on schedule ---------------------------------------------------------------------


def test_every_job_runs_by_hand_and_records_its_run(db, capsys):
    call_command("run_job", "all")
    out = capsys.readouterr().out
    assert "Session reminders: planned 0, sent 0" in out
    assert set(JobRun.objects.values_list("job", flat=True)) == set(JOBS) - {"heartbeat"}
    assert JobRun.objects.filter(outcome="success").count() == len(JOBS) - 1


def test_an_unknown_job_is_named(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="Unknown job 'nope'"):
        call_command("run_job", "nope")


def test_a_failing_job_is_recorded_as_failed(db, monkeypatch):
    failing = dataclasses.replace(JOBS["heartbeat"], function="tests.jobs.test_jobs.explode")
    monkeypatch.setitem(JOBS, "heartbeat", failing)
    with pytest.raises(RuntimeError):
        run_job("heartbeat")
    assert JobRun.objects.get().outcome == "failed"


def explode(*, task_id=""):
    raise RuntimeError("boom")


def test_one_beat_schedule_covers_every_job():
    from iop.celery import app

    scheduled = {entry["task"] for entry in app.conf.beat_schedule.values()}
    assert scheduled == {
        "iop.jobs.heartbeat",
        "iop.jobs.pending_tasks",
        "sessions.reminders",
        "plans.reviews",
        "plans.initial_plans",
        "sessions.documentation",
        "sessions.cosignature",
        "sessions.engagement",
        "patients.measures_due",
        "sessions.group_schedule",
        "audit.verify",
        "billing.authorization_alerts",
        "screens.weekly_draw",
    }
    app.loader.import_default_modules()
    registered = set(app.tasks)
    assert scheduled <= registered


def test_reminder_runs_cost_a_fixed_number_of_queries_per_batch(db, program, clinician):
    """Planning and sending grow with the number of batches, never with the number of rows."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.jobs.load import build_due_reminders

    build_due_reminders(program, clinician, 60, per_session=20)
    per_run = []
    for batch_size in (60, 20):  # one batch, then three
        ReminderDelivery.objects.all().delete()
        with CaptureQueriesContext(connection) as plan_queries:
            assert reminders_plan(batch_size=batch_size) == 60
        with CaptureQueriesContext(connection) as send_queries:
            assert reminders_send(batch_size=batch_size)["sent"] == 60
        per_run.append((len(plan_queries), len(send_queries)))
    (plan_one, send_one), (plan_three, send_three) = per_run
    # Two more batches cost a few more queries each, not one per reminder. A batch's audit
    # events are one chained INSERT after locking its rows: the chain's lock and head, the rows'
    # lock and flag, a savepoint in a test (PostgreSQL: 13 a batch).
    assert (plan_three - plan_one) % 2 == 0 and (plan_three - plan_one) // 2 <= 6
    assert (send_three - send_one) % 2 == 0 and (send_three - send_one) // 2 <= 14


def test_each_reminder_costs_a_fixed_few_queries(db, program, clinician):
    """Each reminder's outcome is committed before the next is sent: one statement marks it
    `sending` before its backend call, one `sent` after; nothing else grows with the rows."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.jobs.load import build_due_reminders

    build_due_reminders(program, clinician, 60, per_session=20)
    costs = []
    for count in (20, 40, 60):  # one batch each
        ReminderDelivery.objects.all().delete()
        reminders_plan()
        ReminderDelivery.objects.filter(
            pk__in=ReminderDelivery.objects.order_by("pk").values("pk")[count:]
        ).update(status="cancelled")
        with CaptureQueriesContext(connection) as send_queries:
            assert reminders_send(batch_size=60)["sent"] == count
        costs.append(len(send_queries))
    assert costs[1] - costs[0] == costs[2] - costs[1] == 20 * 2


def test_a_group_nobody_came_to_needs_no_note(clock, client, group, make_episode, clinician):
    episode = make_episode(clinician=clinician, last_name="Away")
    admitted_on(episode, date(2026, 11, 1))  # in care on the days attendance is taken
    ss.group_enroll(group=group, episode=episode, user=clinician, start_date=date(2026, 11, 1))
    ss.group_schedule_generate(start=date(2026, 11, 11), weeks=1)
    empty = TherapySession.objects.get(starts_at__date=date(2026, 11, 11))
    ss.attendance_mark(session=empty, episode=episode, status="absent_excused", user=clinician)
    assert documentation_alerts() == {"author_alerts": 0, "supervisor_alerts": 0, "resolved": 0}
    client.force_login(clinician)
    assert "is signed." in client.get("/today/notes/").content.decode()
