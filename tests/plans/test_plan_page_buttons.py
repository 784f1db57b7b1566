"""The plan page's buttons (the open review, the safety plan, the versions) and comparing
two versions."""

import pytest
from django.urls import reverse

from plans import services
from tests.factories import TreatmentPlanFactory
from tests.plans.test_pages import build
from tests.plans.test_safety_plans import SAFETY


@pytest.fixture
def active(episode, clinician):
    draft = build(services.plan_start(episode=episode, user=clinician), clinician)
    return services.plan_activate(plan=draft, user=clinician, patient_ack_name="Pat Doe")


def test_compare_with_another_patients_version_is_a_404(client, clinician, active):
    other = TreatmentPlanFactory()
    client.force_login(clinician)
    url = reverse("plans:compare", args=[active.patient_id, active.pk, other.pk])
    assert client.get(url).status_code == 404


def test_the_plan_page_links_the_open_review_the_safety_plan_and_the_versions(
    client, clinician, active
):
    review = services.review_open(plan=active, user=clinician)
    safety = services.safety_plan_start(patient=active.patient, user=clinician)
    safety = services.safety_plan_update(plan=safety, data=SAFETY, user=clinician)
    services.safety_plan_activate(plan=safety, user=clinician, patient_ack_name="Pat")
    client.force_login(clinician)
    html = client.get(reverse("plans:patient-plan", args=[active.patient_id])).content.decode()
    assert f'href="{reverse("plans:review", args=[review.pk])}">Continue review (due ' in html
    assert "Safety plan (v1)</a>" in html
    assert "Version history</a>" in html
