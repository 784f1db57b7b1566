"""The caseload's filters by program and by primary clinician: listed as they are named, kept
once chosen, and a choice not listed refused as a model choice is."""

from django.urls import reverse


def rows(client, **filters):
    response = client.get(reverse("patients:caseload"), filters)
    return response, [e.pk for e in response.context["episodes"]]


def test_the_caseload_filters_by_program(client, supervisor, clinician, make_episode, program):
    mine = make_episode(clinician=clinician)
    client.force_login(supervisor)
    response, listed = rows(client, program=program.pk)
    assert listed == [mine.pk]
    assert f'<option value="{program.pk}" selected>{program.name}</option>' in (
        response.content.decode()
    )


def test_the_caseload_filters_by_primary_clinician(
    client, supervisor, clinician, clinician2, make_episode
):
    make_episode(clinician=clinician)
    theirs = make_episode(clinician=clinician2)
    client.force_login(supervisor)
    response, listed = rows(client, clinician=clinician2.pk)
    assert listed == [theirs.pk]
    selected = f'<option value="{clinician2.pk}" selected>{clinician2.display_name}</option>'
    assert selected in response.content.decode()


def test_a_program_not_listed_is_refused_and_nothing_filtered(
    client, supervisor, clinician, make_episode
):
    episode = make_episode(clinician=clinician)
    client.force_login(supervisor)
    response, listed = rows(client, program=999_999, clinician="nobody")
    assert listed == [episode.pk]
    html = response.content.decode()
    assert html.count("That choice is not one of the available choices.") == 2
