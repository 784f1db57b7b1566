"""The intake's steps: ✓ only on steps with answers, required fields marked, a step that saves
itself while the coordinator types, and moving between steps without a page load (htmx)."""

import re

import pytest
from django.urls import reverse

from iop.audit.models import AuditEvent
from patients.models import IntakeAssessment

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def step_url(episode, slug):
    return reverse("patients:intake-step", args=[episode.pk, slug])


def filled_marks(html):
    """The steps the navigation marks ✓, by slug."""
    return set(re.findall(r'data-step="([\w-]+)"[^>]*>[^<]*<span class="visually-hidden">', html))


def test_no_step_is_marked_filled_before_it_has_answers(client, intake, make_episode):
    episode = make_episode(status="intake")
    client.force_login(intake)
    html = client.get(step_url(episode, "presenting")).content.decode()
    assert "(filled)" not in html and "✓</span>" not in html
    client.post(step_url(episode, "presenting"), {"presenting_problem": "Panic at work."})
    # The optional history step, only passed through, is still not filled.
    client.post(step_url(episode, "history"), {})
    html = client.get(step_url(episode, "trauma")).content.decode()
    assert filled_marks(html) == {"presenting"}
    client.post(step_url(episode, "history"), {"medications": "Sertraline 50 mg"})
    html = client.get(step_url(episode, "trauma")).content.decode()
    assert filled_marks(html) == {"presenting", "history"}


def test_a_step_with_a_required_field_empty_is_not_filled(intake, make_episode):
    episode = make_episode(status="intake")
    assessment = IntakeAssessment.objects.get(episode=episode)
    assessment.risk_level = "low"  # the risk step also needs the assessment's text
    assessment.strengths = "Humour"  # strengths-goals needs the client's goals
    assessment.save()
    assert assessment.filled_steps() == set()
    assessment.risk_assessment = "No thoughts of harm."
    assert assessment.filled_steps() == {"risk"}


def test_required_fields_are_marked_for_eyes_and_screen_readers(client, intake, make_episode):
    episode = make_episode(status="intake")
    client.force_login(intake)
    html = client.get(step_url(episode, "risk")).content.decode()
    for name in ("risk_level", "risk_assessment"):
        tag = re.search(rf'<(?:select|textarea)[^>]*name="{name}"[^>]*>', html).group(0)
        assert "required" in tag and 'aria-required="true"' in tag
    assert html.count('<span class="required-mark">') >= 3  # 2 labels, the step
    # Drafts still save without them; completion is what needs them (checked on the server).
    client.post(step_url(episode, "risk"), {"risk_level": "", "risk_assessment": ""})
    assert IntakeAssessment.objects.get(episode=episode).current_step == "diagnoses"
    response = client.post(reverse("patients:intake-review", args=[episode.pk]))
    assert response.status_code == 400 and "Risk assessment" in response.content.decode()


def test_a_step_saves_itself_as_a_draft_without_moving_on(client, intake, make_episode):
    episode = make_episode(status="intake")
    client.force_login(intake)
    url = reverse("patients:intake-autosave", args=[episode.pk, "presenting"])
    response = client.post(url, {"presenting_problem": "Not sleeping."}, **HTMX)
    html = response.content.decode()
    assert response.status_code == 200 and "Draft saved" in html
    assert 'id="intake-nav" hx-swap-oob="true"' in html and filled_marks(html) == {"presenting"}
    assessment = IntakeAssessment.objects.get(episode=episode)
    assert (assessment.presenting_problem, assessment.current_step) == (
        "Not sleeping.",
        "presenting",
    )
    assert AuditEvent.objects.filter(detail="step presenting (autosave)").count() == 1


def test_an_autosave_refused_says_why_and_keeps_the_draft(client, intake, make_episode):
    episode = make_episode(status="intake")
    client.force_login(intake)
    url = reverse("patients:intake-autosave", args=[episode.pk, "diagnoses"])
    html = client.post(url, {"diagnoses": "NOTACODE oops"}, **HTMX).content.decode()
    assert "Not saved: Not an ICD-10 code: NOTACODE" in html
    assert IntakeAssessment.objects.get(episode=episode).diagnoses == []


def test_moving_on_with_htmx_swaps_in_the_next_step(client, intake, make_episode):
    episode = make_episode(status="intake")
    client.force_login(intake)
    response = client.post(
        step_url(episode, "presenting"), {"presenting_problem": "Low mood."}, **HTMX
    )
    html = response.content.decode()
    assert response.status_code == 200 and response["HX-Push-Url"] == step_url(episode, "history")
    assert "Step 2 of 9: Psychiatric, medical and medication history" in html
    assert "<html" not in html  # the form only, not the page
    # Saving the step and reading the next are both on the audit trail.
    events = AuditEvent.objects.filter(object_type="patients.intakeassessment").order_by("pk")
    assert [(e.action, e.detail) for e in events][-2:] == [
        ("update", "step presenting"),
        ("view", "step history"),
    ]
    response = client.post(
        step_url(episode, "history"), {"medications": "None", "goto": "review"}, **HTMX
    )
    assert response["HX-Redirect"] == reverse("patients:intake-review", args=[episode.pk])
    assert IntakeAssessment.objects.get(episode=episode).medications == "None"


def test_a_step_refused_with_htmx_shows_the_errors_in_place(client, intake, make_episode):
    episode = make_episode(status="intake")
    client.force_login(intake)
    response = client.post(step_url(episode, "diagnoses"), {"diagnoses": "F33.1 X\nBAD"}, **HTMX)
    html = response.content.decode()
    assert "Step 8 of 9: Diagnoses" in html and "Not an ICD-10 code: BAD" in html
    assert "F33.1 X" in html and "HX-Push-Url" not in response


def test_clinicians_off_the_episode_cannot_autosave(client, clinician2, make_episode):
    episode = make_episode(status="intake")
    client.force_login(clinician2)
    url = reverse("patients:intake-autosave", args=[episode.pk, "presenting"])
    response = client.post(url, {"presenting_problem": "x"}, **HTMX)
    assert response.status_code in (403, 404)
    assert IntakeAssessment.objects.get(episode=episode).presenting_problem == ""
