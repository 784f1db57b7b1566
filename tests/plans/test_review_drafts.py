"""A plan review's draft is kept while the reviewer types (autosaved), so a logoff or a closed
tab loses nothing; a stale copy or a completed review is refused."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from iop.audit.models import AuditEvent
from iop.errors import ConflictError
from plans import services
from plans.models import PlanReview, StaleEditError


@pytest.fixture
def review(active, clinician):
    return services.review_open(plan=active, user=clinician)


def objective_of(review):
    return review.plan.problems.get().goals.get().objectives.get()


def test_a_draft_keeps_the_reviewers_fields_and_counts_revisions(review, clinician):
    objective = objective_of(review)
    services.review_draft_save(
        review=review,
        user=clinician,
        revision=0,
        data={
            "summary": "Fewer missed groups",
            "decision": "continue",
            f"rating_{objective.pk}": "2",
            f"comment_{objective.pk}": "Walks 3 times a week",
            "rating_999999": "3",  # not an objective of this plan: not kept
            "csrfmiddlewaretoken": "x",
        },
    )
    review.refresh_from_db()
    assert review.draft == {
        "summary": "Fewer missed groups",
        "decision": "continue",
        f"rating_{objective.pk}": "2",
        f"comment_{objective.pk}": "Walks 3 times a week",
    }
    assert review.revision == 1
    assert review.status == PlanReview.Status.OPEN
    assert AuditEvent.objects.filter(
        object_id=str(review.pk), detail="draft saved", patient_id=review.patient_id
    ).exists()


def test_a_save_from_a_stale_copy_is_refused(review, clinician, clinician2):
    services.review_draft_save(review=review, user=clinician, revision=0, data={"summary": "A"})
    with pytest.raises(StaleEditError):
        services.review_draft_save(review=review, user=clinician, revision=0, data={"summary": "B"})
    review.refresh_from_db()
    assert review.draft == {"summary": "A"}


def test_a_completed_review_is_no_longer_a_draft(review, clinician):
    services.review_draft_save(review=review, user=clinician, data={"summary": "Draft"})
    services.review_complete(review=review, decision="continue", summary="Done", user=clinician)
    review.refresh_from_db()
    assert review.draft == {}
    with pytest.raises(ConflictError, match="completed"):
        services.review_draft_save(review=review, user=clinician, data={"summary": "Later"})


def test_an_unknown_decision_is_refused(review, clinician):
    with pytest.raises(ValidationError) as refusal:
        services.review_draft_save(review=review, user=clinician, data={"decision": "maybe"})
    assert refusal.value.message_dict == {"decision": ["Choose a decision."]}


def test_an_intake_coordinator_cannot_write_a_review(review, intake):
    with pytest.raises(ValidationError, match="Only a clinician or supervisor"):
        services.review_draft_save(review=review, user=intake, data={"summary": "x"})


def test_the_page_autosaves_and_shows_the_draft_after_a_reload(client, review, clinician):
    client.force_login(clinician)
    url = reverse("plans:review-autosave", args=[review.pk])
    saved = client.post(url, {"revision": "0", "summary": "Sleeps better", "decision": ""})
    assert saved.status_code == 200
    assert saved.json()["revision"] == 1 and ":" in saved.json()["saved"]
    stale = client.post(url, {"revision": "0", "summary": "Older text"})
    assert stale.status_code == 409
    assert "saved elsewhere" in stale.json()["detail"]
    page = client.get(reverse("plans:review", args=[review.pk])).content.decode()
    assert "Sleeps better" in page
    assert 'name="revision" value="1"' in page


def test_another_clinicians_autosave_is_a_404(client, review, clinician2):
    client.force_login(clinician2)
    response = client.post(
        reverse("plans:review-autosave", args=[review.pk]), {"revision": "0", "summary": "x"}
    )
    assert response.status_code == 404
    review.refresh_from_db()
    assert review.draft == {}
