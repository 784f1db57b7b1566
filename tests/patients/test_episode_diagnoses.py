"""An admitted episode's diagnoses change on its classification page: a supervisor of its
program, a reason, codes from the bundled ICD-10-CM list (with its lookup on the page)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from iop.audit.models import AuditEvent
from patients import services
from patients.models import EpisodeChange, IntakeAssessment

F41 = [{"code": "F41.1", "description": "Generalized anxiety disorder"}]


def url(episode):
    return reverse("patients:episode-classification", args=[episode.patient_id, episode.pk])


@pytest.mark.parametrize("who", ["intake", "clinician"])
def test_only_a_supervisor_of_the_program_changes_them(request, episode, who):
    with pytest.raises(PermissionDenied):
        services.episode_diagnoses_set(
            episode=episode, diagnoses=F41, reason="Reassessed.", user=request.getfixturevalue(who)
        )
    assert not EpisodeChange.objects.exists()


def test_the_supervisor_changes_them_with_a_reason_kept_out_of_the_trail(episode, supervisor):
    change = services.episode_diagnoses_set(
        episode=episode,
        diagnoses=[*F41, {"code": "F33.1"}],
        reason="Anxiety is the main problem.",
        user=supervisor,
    )
    assert (change.field, change.old_value, change.new_value) == (
        "diagnoses",
        "F32.1",
        "F41.1, F33.1",
    )
    assert IntakeAssessment.objects.get(episode=episode).diagnoses == [
        *F41,
        {"code": "F33.1", "description": "Major depressive disorder, recurrent, moderate"},
    ]
    event = AuditEvent.objects.filter(object_type="patients.episode").last()
    assert "F41.1" in event.detail and "Anxiety" not in event.detail


@pytest.mark.parametrize(
    "diagnoses, reason, field",
    [(F41, " ", "reason"), ([{"code": "F41"}], "x", "diagnoses"), ([], "x", "diagnoses")],
)
def test_refused_without_a_reason_or_a_listed_code(episode, supervisor, diagnoses, reason, field):
    with pytest.raises(ValidationError) as refused:
        services.episode_diagnoses_set(
            episode=episode, diagnoses=diagnoses, reason=reason, user=supervisor
        )
    assert field in refused.value.message_dict


def test_the_page_changes_them_and_keeps_what_was_typed_when_refused(client, episode, supervisor):
    client.force_login(supervisor)
    page = client.get(url(episode)).content.decode()
    assert "F32.1 Major depressive disorder" in page and 'list="icd10-options"' in page
    refused = client.post(
        url(episode),
        {"change": "diagnoses", "dx-diagnoses": "F41.9 Anxiety\nF999", "dx-reason": "x"},
    ).content.decode()
    assert "Not an ICD-10 code: F999" in refused and "F41.9 Anxiety" in refused
    response = client.post(
        url(episode), {"change": "diagnoses", "dx-diagnoses": "F41.9", "dx-reason": "Reassessed."}
    )
    assert response.status_code == 302
    header = client.get(reverse("patients:chart", args=[episode.patient_id])).content.decode()
    assert "<code>F41.9</code> Anxiety disorder, unspecified" in header
