"""An objective may target "negative drug screens for N weeks" (optionally of some analytes):
its progress is read from the episode's screens (through `objective_targets`; plans never
imports screens): the weeks since the first clean screen after the last that was not; a
positive (unexpected), a refused or a missed screen starts the count again."""

import re
from datetime import date, datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from plans import services as plan_services
from plans.models import Objective
from plans.views.history import plan_lines
from screens import services
from tests.plans.helpers import activate, at
from tests.queries import query_counts
from tests.screens.conftest import NEW_YORK, negatives


def screen(patient, user, clock, day, **values):
    clock.move_to(at(day.year, day.month, day.day, 12))
    order = services.order_create(patient=patient, due_date=day, user=user)
    order = services.order_collect(
        order=order,
        collected_at=datetime(day.year, day.month, day.day, 9, 0, tzinfo=NEW_YORK),
        observed=False,
        temperature_c="34.0",
        user=user,
    )
    services.results_record(order=order, values=negatives(order, **values), user=user)


def targeted_plan(episode, user, make_plan, weeks=2, options=()):
    plan = make_plan(episode)
    objective = Objective.objects.get(goal__problem__plan=plan)
    plan.refresh_from_db()
    plan_services.item_update(
        item=objective,
        data={
            "target_kind": "screens_negative",
            "target_weeks": weeks,
            "target_options": list(options),
        },
        user=user,
        revision=plan.revision,
    )
    return activate(plan, user)


def progress(client, patient, user):
    client.force_login(user)  # the clock moved past the session's idle timeout
    response = client.get(reverse("plans:patient-plan", args=[patient.pk]))
    assert response.status_code == 200, response.status_code
    html = response.content.decode()
    rows = re.findall(r'data-testid="target-progress">(.*?)</div>', html, re.S)
    return [" ".join(re.sub(r"<[^>]+>", " ", row).split()) for row in rows]


@pytest.fixture
def plan(clock, episode, clinician, make_plan):
    return targeted_plan(episode, clinician, make_plan)


def test_two_clean_weeks_meet_the_target_and_a_positive_starts_again(
    client, clock, episode, plan, clinician
):
    patient = episode.patient
    client.force_login(clinician)
    assert progress(client, patient, clinician) == [
        "Negative drug screens for 2 weeks: 0 of 2 weeks clean no clean screen yet"
    ]
    for day in (2, 9, 15):
        screen(patient, clinician, clock, date(2026, 11, day))
    assert progress(client, patient, clinician) == [  # 13 days: one full week
        "Negative drug screens for 2 weeks: 1 of 2 weeks clean (since 2 Nov 2026, 3 screens) "
        "not yet met"
    ]
    clock.move_to(at(2026, 11, 16, 12))
    assert progress(client, patient, clinician) == [
        "Negative drug screens for 2 weeks: 2 of 2 weeks clean (since 2 Nov 2026, 3 screens) met"
    ]
    screen(patient, clinician, clock, date(2026, 11, 18), FYL="positive")
    assert progress(client, patient, clinician) == [
        "Negative drug screens for 2 weeks: 0 of 2 weeks clean; last reset: FYL positive on "
        "18 Nov 2026 no clean screen yet"
    ]
    screen(patient, clinician, clock, date(2026, 11, 20))
    clock.move_to(at(2026, 11, 27, 12))
    assert progress(client, patient, clinician) == [
        "Negative drug screens for 2 weeks: 1 of 2 weeks clean (since 20 Nov 2026, 1 screen); "
        "last reset: FYL positive on 18 Nov 2026 not yet met"
    ]


def test_a_refused_screen_starts_again(client, clock, episode, plan, clinician):
    patient = episode.patient
    screen(patient, clinician, clock, date(2026, 11, 2))
    screen(patient, clinician, clock, date(2026, 11, 9))
    clock.move_to(at(2026, 11, 16, 12))
    refused = services.order_create(patient=patient, due_date=date(2026, 11, 16), user=clinician)
    services.order_close(order=refused, status="refused", note="Declined", user=clinician)
    client.force_login(clinician)
    assert progress(client, patient, clinician) == [
        "Negative drug screens for 2 weeks: 0 of 2 weeks clean; last reset: screen refused on "
        "16 Nov 2026 no clean screen yet"
    ]


def test_a_target_of_some_analytes_ignores_the_others(client, clock, episode, clinician, make_plan):
    targeted_plan(episode, clinician, make_plan, weeks=1, options=["FYL", "OPI"])
    patient = episode.patient
    screen(patient, clinician, clock, date(2026, 11, 2))
    screen(patient, clinician, clock, date(2026, 11, 9), THC="positive")  # not targeted
    client.force_login(clinician)
    assert progress(client, patient, clinician) == [
        "Negative drug screens (FYL, OPI) for 1 week: 1 of 1 week clean "
        "(since 2 Nov 2026, 2 screens) met"
    ]


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"target_kind": "screens_negative", "target_weeks": 0}, "target_weeks"),
        ({"target_kind": "screens_negative", "target_weeks": 53}, "target_weeks"),
        ({"target_kind": "screens_negative", "target_weeks": "4"}, "target_weeks"),
        ({"target_kind": "screens_negative"}, "target_weeks"),
        (
            {"target_kind": "screens_negative", "target_weeks": 4, "target_options": ["XYZ"]},
            "target_options",
        ),
        ({"target_kind": "", "target_weeks": 4}, "target_kind"),
        ({"target_kind": "steps", "target_weeks": 4}, "target_kind"),
    ],
)
def test_implausible_targets_are_refused(clock, episode, clinician, make_plan, data, field):
    plan = make_plan(episode)
    objective = Objective.objects.get(goal__problem__plan=plan)
    with pytest.raises(ValidationError) as error:
        plan_services.item_update(item=objective, data=data, user=clinician)
    assert field in error.value.message_dict
    objective.refresh_from_db()
    assert objective.target_kind == "" and objective.target_weeks is None


def test_the_editor_form_sets_the_target_and_keeps_what_was_typed_on_error(
    client, clock, episode, clinician, make_plan
):
    plan = make_plan(episode)
    objective = Objective.objects.get(goal__problem__plan=plan)
    plan.refresh_from_db()
    url = reverse("plans:item-edit", args=[plan.pk, "objective", objective.pk])
    client.force_login(clinician)
    data = {
        "description": "Stay clean of fentanyl",
        "target_date": "2027-01-31",
        "target_kind": "screens_negative",
        "target_weeks": "60",
        "target_options": ["FYL"],
        "revision": plan.revision,
    }
    data = {f"edit-objective-{objective.pk}-{key}": value for key, value in data.items()}
    html = client.post(url, data).content.decode()
    assert "Stay clean of fentanyl" in html and 'value="60"' in html
    objective.refresh_from_db()
    assert objective.target_weeks is None
    client.post(url, {**data, f"edit-objective-{objective.pk}-target_weeks": "4"})
    objective.refresh_from_db()
    assert (objective.target_kind, objective.target_weeks, objective.target_options) == (
        "screens_negative",
        4,
        ["FYL"],
    )


@pytest.mark.parametrize(
    ("role", "sees"),
    [("clinician", True), ("supervisor", True), ("director", True), ("intake", False)],
)
def test_the_progress_shows_to_whoever_opens_the_plan(
    client, request, clock, episode, plan, clinician, role, sees
):
    screen(episode.patient, clinician, clock, date(2026, 11, 2))
    client.force_login(request.getfixturevalue(role))
    response = client.get(reverse("plans:patient-plan", args=[episode.patient.pk]))
    assert ("Negative drug screens for 2 weeks" in response.content.decode()) == sees


def test_the_plan_page_reads_the_progress_in_the_same_queries(
    client, clock, make_episode, clinician, make_plan
):
    def plan_with(count):
        clock.move_to(at(2026, 11, 2, 8))
        episode = make_episode(clinician=clinician, is_sud=True)
        targeted_plan(episode, clinician, make_plan)
        for n in range(count):
            screen(
                episode.patient,
                clinician,
                clock,
                date(2026, 11, 2 + n),
                COC="positive" if n else "negative",
            )
        return reverse("plans:patient-plan", args=[episode.patient.pk])

    small, large = plan_with(1), plan_with(4)
    client.force_login(clinician)
    query_counts(client, [small])
    assert query_counts(client, [small]) == query_counts(client, [large])


def test_the_api_sets_the_target_refuses_bad_weeks_and_shows_progress(
    api_client, clock, episode, clinician, make_plan
):
    plan = make_plan(episode)
    objective = Objective.objects.get(goal__problem__plan=plan)
    client = api_client
    client.force_authenticate(clinician)
    url = reverse("objective-detail", args=[objective.pk])
    bad = client.patch(url, {"target_kind": "screens_negative", "target_weeks": 53}, format="json")
    assert bad.status_code == 400 and "target_weeks" in bad.json()
    bad = client.patch(
        url,
        {"target_kind": "screens_negative", "target_weeks": 3, "target_options": ["NOPE"]},
        format="json",
    )
    assert bad.status_code == 400 and "target_options" in bad.json()
    good = client.patch(
        url,
        {"target_kind": "screens_negative", "target_weeks": 3, "target_options": ["FYL"]},
        format="json",
    )
    assert good.status_code == 200, good.json()
    assert good.json()["target_progress"]["label"] == "Negative drug screens (FYL) for 3 weeks"
    assert good.json()["target_progress"]["state"] == "no clean screen yet"


def test_comparing_plan_versions_shows_a_changed_target(client, clock, episode, plan, clinician):
    draft = plan_services.plan_revise(plan=plan, user=clinician)
    objective = Objective.objects.get(goal__problem__plan=draft)
    plan_services.item_update(
        item=objective, data={"target_weeks": 6}, user=clinician, revision=draft.revision
    )
    assert any("Negative drug screens for 2 weeks" in line for line in plan_lines(plan))
    assert any("Negative drug screens for 6 weeks" in line for line in plan_lines(draft))
