"""The plan editor's summary saves itself while the clinician writes: only a status is
redrawn ("Saved hh:mm"), never the text being typed; a stale save is refused and says so."""

import pytest
from django.urls import reverse

from plans import services

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def draft(clock, make_plan, make_episode, clinician, client):
    client.force_login(clinician)
    return make_plan(make_episode(clinician=clinician))


def autosave(client, plan, text, revision):
    return client.post(
        reverse("plans:edit", args=[plan.pk]),
        {"summary-summary": text, "summary-revision": revision, "autosave": "1"},
        **HTMX,
    )


def test_the_summary_saves_itself_and_says_when(client, draft):
    response = autosave(client, draft, "Supportive sister; wants to return to work.", 4)

    html = response.content.decode()
    assert html.startswith("Saved 08:00")  # the `clock` fixture's time
    assert 'id="plan-revision" value="5" hx-swap-oob="true"' in html
    draft.refresh_from_db()
    assert draft.summary == "Supportive sister; wants to return to work."


def test_a_stale_autosave_is_refused_and_keeps_the_saved_text(client, draft, supervisor):
    services.plan_update(plan=draft, data={"summary": "Saved by a colleague."}, user=supervisor)

    response = autosave(client, draft, "Typed over it.", 4)

    assert response.content.decode().startswith("Not saved:")
    draft.refresh_from_db()
    assert draft.summary == "Saved by a colleague."


def test_the_editor_offers_the_summary_autosave(client, draft):
    page = client.get(reverse("plans:edit", args=[draft.pk])).content.decode()

    assert 'hx-trigger="input delay:20s from:#id_summary-summary"' in page
