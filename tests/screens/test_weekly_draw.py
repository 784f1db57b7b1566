"""The weekly draw job (`screens_weekly_draw`): for the programs whose screening settings draw
each week's screens automatically, every admitted episode gets the coming week's screens —
drawn (random, seed recorded) or ordered (fixed weekdays) — once, by no one, audited under the
job's task id. The clock stands at Monday 2 November 2026: the coming week is 3–9 November."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from iop.audit.models import AuditEvent
from iop.jobs.models import JobRun
from iop.jobs.registry import run_job
from screens import services
from screens.models import ScreenDraw, ScreenOrder
from screens.services import weekly

pytestmark = pytest.mark.django_db

WEEK = [date(2026, 11, d) for d in (3, 4, 5, 6, 9)]  # the program days of 3–9 November


@pytest.fixture
def drawing(program, director):
    return services.settings_update(program=program, data={"auto_weekly_draw": True}, user=director)


def job(task_id="task-1"):
    return run_job("screens_weekly_draw", task_id=task_id)


def test_admitted_episodes_get_the_coming_weeks_draw(drawing, episode, make_episode, clinician):
    other = make_episode(clinician=clinician)
    counts = job()
    assert counts == {"episodes": 2, "scheduled": 2, "orders": 4, "skipped": 0, "errors": 0}
    for each in (episode, other):
        draw = ScreenDraw.objects.get(episode=each)
        assert (draw.first_day, draw.last_day) == (date(2026, 11, 3), date(2026, 11, 9))
        assert draw.candidates == [d.isoformat() for d in WEEK]
        assert len(draw.days) == 2  # 30 % of five program days
        assert draw.drawn_by is None
        orders = ScreenOrder.objects.filter(episode=each)
        assert sorted(o.due_date.isoformat() for o in orders) == sorted(draw.days)
        assert {(o.reason, o.ordered_by) for o in orders} == {("random", None)}
    assert JobRun.objects.get().counts == counts


def test_the_draws_seed_is_recorded_and_replays(drawing, episode):
    job()
    draw = ScreenDraw.objects.get()
    assert draw.replay() == draw.days
    assert ScreenDraw.pick(draw.seed, draw.candidates, draw.percent) == draw.days


def test_a_second_run_adds_nothing(drawing, episode):
    job()
    before = list(ScreenOrder.objects.values_list("pk", flat=True))
    counts = job("task-2")
    assert counts == {"episodes": 1, "scheduled": 0, "orders": 0, "skipped": 1, "errors": 0}
    assert list(ScreenOrder.objects.values_list("pk", flat=True)) == before
    assert ScreenDraw.objects.count() == 1


def test_the_next_week_is_drawn_once_the_last_draw_runs_out(drawing, episode, clock):
    job()
    clock.move_to("2026-11-05 05:15-05:00")  # Thursday: tomorrow is still covered
    assert job("task-2")["orders"] == 0
    clock.move_to("2026-11-09 05:15-05:00")  # Monday: tomorrow is not
    job("task-3")
    periods = list(ScreenDraw.objects.order_by("pk").values_list("first_day", "last_day"))
    assert periods == [
        (date(2026, 11, 3), date(2026, 11, 9)),
        (date(2026, 11, 10), date(2026, 11, 16)),
    ]


def test_a_hand_made_draw_covering_tomorrow_is_left_alone(drawing, episode, patient, clinician):
    services.screens_schedule(
        patient=patient, first_day=date(2026, 11, 2), last_day=date(2026, 11, 20), user=clinician
    )
    assert job()["skipped"] == 1
    assert ScreenDraw.objects.count() == 1


def test_every_day_already_drawn_or_ordered_is_skipped_not_raised(
    drawing, episode, patient, clinician
):
    for day in WEEK:
        services.order_create(patient=patient, due_date=day, user=clinician)
    counts = job()
    assert (counts["skipped"], counts["errors"]) == (1, 0)
    assert not ScreenDraw.objects.exists()


def test_discharged_episodes_and_programs_drawing_by_hand_get_nothing(
    drawing, make_episode, clinician, sud_program
):
    discharged = make_episode(clinician=clinician)
    discharged.status = "discharged"
    discharged.save(update_fields=["status"])
    make_episode(clinician=clinician, program_=sud_program)  # its settings: the defaults (off)
    assert job()["episodes"] == 0
    assert not ScreenOrder.objects.exists()


def test_a_program_with_the_setting_off_gets_nothing(program, director, episode):
    services.settings_update(program=program, data={"auto_weekly_draw": False}, user=director)
    job()
    assert not ScreenOrder.objects.exists()


def test_a_fixed_weekday_program_gets_its_weekdays(program, director, episode):
    services.settings_update(
        program=program,
        data={"auto_weekly_draw": True, "schedule": "fixed", "fixed_weekdays": [0, 3]},
        user=director,
    )
    job()
    orders = ScreenOrder.objects.order_by("due_date")
    assert [o.due_date for o in orders] == [date(2026, 11, 5), date(2026, 11, 9)]
    assert {o.reason for o in orders} == {"scheduled"}
    assert not ScreenDraw.objects.exists()
    assert job("task-2")["orders"] == 0
    assert ScreenOrder.objects.count() == 2


def test_the_job_writes_audit_events_under_its_task_id(drawing, episode, patient):
    job("task-42")
    events = AuditEvent.objects.filter(request_id="task-42")
    kinds = sorted(events.values_list("object_type", flat=True))
    assert kinds == ["screens.screendraw", "screens.screenorder", "screens.screenorder"]
    assert {(e.action, e.patient_id, e.user_id) for e in events} == {
        (AuditEvent.Action.CREATE, patient.pk, None)
    }


def test_one_failing_episode_does_not_stop_the_others(
    drawing, episode, make_episode, clinician, monkeypatch
):
    other = make_episode(clinician=clinician)
    real = weekly.episode_screens_schedule

    def failing(*, episode, **kwargs):
        if episode.pk == other.pk:
            raise RuntimeError("boom")
        return real(episode=episode, **kwargs)

    monkeypatch.setattr(weekly, "episode_screens_schedule", failing)
    counts = job()
    assert (counts["scheduled"], counts["errors"]) == (1, 1)
    assert set(ScreenOrder.objects.values_list("episode", flat=True)) == {episode.pk}


def test_the_screen_page_says_the_weekly_draw_ordered_it(
    drawing, episode, patient, clinician, client
):
    job()
    order = ScreenOrder.objects.first()
    client.force_login(clinician)
    html = client.get(reverse("screens:order", args=[patient.pk, order.pk])).text
    assert "The weekly draw" in html


def test_the_api_gives_no_orderer_for_the_weekly_draw(
    drawing, episode, patient, clinician, api_client
):
    job()
    api_client.force_authenticate(clinician)
    rows = api_client.get("/api/v1/screens/", {"patient": patient.pk}).json()["results"]
    assert rows and {r["ordered_by"] for r in rows} == {None}


def test_the_setting_is_yes_or_no(program, director):
    with pytest.raises(ValidationError, match="Yes or no"):
        services.settings_update(program=program, data={"auto_weekly_draw": "yes"}, user=director)
    assert not services.settings_for(program).auto_weekly_draw
