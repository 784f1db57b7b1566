"""On the demo data, the dashboard shows every section (those installed and the sample) for
each demo supervisor and clinician, and every figure that counts patients drills down to as
many as it says: the page, the API and the figure agree."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from iop.accounts.models import User
from reports import selectors
from reports.scope import default_scope

pytestmark = pytest.mark.usefixtures("sample_section")
LOGINS = ("director", "supervisor", "supervisor2", "clinician")


def test_every_figure_on_the_demo_drills_to_its_count(db, settings, client):
    settings.DEBUG = True
    call_command("seed_demo", password="a-demo-password-1", stdout=io.StringIO())
    for username in LOGINS:
        user = User.objects.get(username=username)
        client.force_login(user)
        response = client.get(reverse("reports:dashboard"))
        assert response.status_code == 200
        shown = [item["section"] for item in response.context["sections"]]
        assert [s.slug for s in shown] == [s.slug for s in selectors.available_sections(user)]
        scope = default_scope(user)
        for section in shown:
            module = selectors.section_module(section.slug)
            for figure in section.figures:
                if figure.drill_key is None:
                    continue
                drill = selectors.find_drill(module, scope, figure.drill_key)
                assert drill is not None, (username, section.slug, figure.key)
                assert len(drill.rows) == figure.patients, (username, section.slug, figure.key)
    sample = selectors.section_module("sample").build(
        default_scope(User.objects.get(username="supervisor"))
    )
    assert {f.key: f.value for f in sample.figures}["active"] > 0  # the demo has patients to count
