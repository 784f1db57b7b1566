"""The screening settings on a program's settings page (a section screens registers through
`program_settings_sections`), saved through `settings_update`: clinical directors change them;
a supervisor sees them, read-only; the Django admin keeps its own form."""

import re

import pytest
from django.urls import reverse

from iop.audit.models import AuditEvent
from screens.models import ScreeningSettings


def url(program):
    return reverse("patients:program-settings", args=[program.pk])


def screening(**extra):
    data = {
        "section": "screening",
        "screening-panel": ["FYL", "BUP", "COC"],
        "screening-specimen": "oral_fluid",
        "screening-method": "instrument",
        "screening-schedule": "fixed",
        "screening-random_percent": "25",
        "screening-program_weekdays": ["0", "1", "2", "3"],
        "screening-fixed_weekdays": ["1", "3"],
    }
    data.update(extra)
    return data


def test_a_director_saves_the_screening_settings(client, program, director):
    client.force_login(director)
    response = client.post(url(program), screening())
    assert response.status_code == 302
    saved = ScreeningSettings.objects.get(program=program)
    assert saved.panel == ["BUP", "COC", "FYL"]  # in the panel's order
    assert (saved.specimen, saved.method, saved.schedule) == ("oral_fluid", "instrument", "fixed")
    assert (saved.random_percent, saved.program_weekdays, saved.fixed_weekdays) == (
        25,
        [0, 1, 2, 3],
        [1, 3],
    )
    assert saved.updated_by == director
    assert AuditEvent.objects.filter(object_type__icontains="screeningsettings").exists()
    html = client.get(url(program)).content.decode()
    assert 'name="screening-panel" value="FYL"' in html
    assert 'value="oral_fluid" selected' in html


def test_the_page_shows_the_defaults_before_anything_is_saved(client, program, director):
    client.force_login(director)
    html = client.get(url(program)).content.decode()
    assert "Drug screening" in html and "Save drug screening" in html
    assert 'value="30"' in html  # the random share
    assert not ScreeningSettings.objects.exists()


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"screening-fixed_weekdays": []}, "A fixed schedule needs at least one weekday."),
        ({"screening-random_percent": "0"}, "Ensure this value is greater than or equal to 1."),
        ({"screening-random_percent": "101"}, "Ensure this value is less than or equal to 100."),
        ({"screening-panel": []}, "This field is required."),
        ({"screening-program_weekdays": ["9"]}, "Select a valid choice."),
    ],
)
def test_bad_settings_are_refused_and_what_was_typed_is_kept(
    client, program, director, extra, message
):
    client.force_login(director)
    response = client.post(url(program), screening(**extra))
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert 'value="instrument" selected' in html  # kept as typed
    assert not ScreeningSettings.objects.exists()


def test_a_supervisor_sees_them_read_only_and_may_not_post(client, program, supervisor):
    client.force_login(supervisor)
    html = client.get(url(program)).content.decode()
    assert "Only clinical directors and admins change a program&#x27;s screening." in html
    assert "Save drug screening" not in html
    assert client.post(url(program), screening()).status_code == 403
    assert not ScreeningSettings.objects.exists()


@pytest.mark.parametrize("who", ["clinician", "intake"])
def test_others_are_refused(client, program, request, who):
    client.force_login(request.getfixturevalue(who))
    assert client.post(url(program), screening()).status_code == 403
    assert not ScreeningSettings.objects.exists()


def test_the_programs_own_settings_still_save_beside_it(client, program, director):
    client.force_login(director)
    response = client.post(
        url(program),
        {
            "minimum_weekly_hours": "",
            "initial_plan_days": "3",
            "review_cadence_days": "30",
            "measure_schedule_PHQ9": "7",
            "reminder_lead_hours": ["48"],
        },
    )
    assert response.status_code == 302
    program.refresh_from_db()
    assert program.reminder_lead_hours == [48]
    assert not ScreeningSettings.objects.exists()


def test_a_director_turns_the_weekly_draw_on_and_off(client, program, director):
    client.force_login(director)
    assert "Draw each week&#x27;s screens automatically" in client.get(url(program)).text
    client.post(url(program), screening(**{"screening-auto_weekly_draw": "on"}))
    assert ScreeningSettings.objects.get(program=program).auto_weekly_draw
    html = client.get(url(program)).text
    assert re.search(r'name="screening-auto_weekly_draw"[^>]* checked', html)
    client.post(url(program), screening())  # an unchecked box is not sent
    assert not ScreeningSettings.objects.get(program=program).auto_weekly_draw


@pytest.mark.parametrize("who", ["supervisor", "clinician"])
def test_only_directors_turn_the_weekly_draw_on(client, program, request, who):
    client.force_login(request.getfixturevalue(who))
    response = client.post(url(program), screening(**{"screening-auto_weekly_draw": "on"}))
    assert response.status_code == 403
    assert not ScreeningSettings.objects.filter(auto_weekly_draw=True).exists()
