"""The assessments list reads its page as plain values (`patients.api.assessments`): each row
as the detail gives it, the count of the assessments alone."""

from django.urls import reverse

from patients.models import Consent, Episode
from tests.queries import statements


def as_user(api_client, user):
    api_client.force_authenticate(user)
    return api_client


def detail(name, pk):
    return reverse(f"{name}-detail", args=[pk])


def test_a_listed_assessment_reads_as_its_detail(
    api_client, supervisor, clinician, intake, make_episode
):
    """The list reads its page as plain values (`list_values`, `row_getters`): each row is
    the detail's answer, field for field, whatever the intake's state (at intake with needs
    left or a consent in force, SUD care with a refusal recorded, admitted and confirmed)."""
    bare = make_episode(status="intake")
    consented = make_episode(status="intake", is_sud=True)
    Consent.objects.create(
        patient=consented.patient, kind="treatment", signed_by_name="Pat", recorded_by=intake
    )
    Episode.objects.filter(pk=consented.pk).update(
        primary_clinician=clinician, part2_refusal_reason="Declines for now."
    )
    consented.intake.confirmed_by, consented.intake.confirmed_at = clinician, consented.created_at
    consented.intake.diagnoses = [{"code": "F10.20"}]
    consented.intake.save()
    clinician.credentials = "LCSW"
    clinician.save()
    admitted = make_episode(status="active", clinician=clinician, is_sud=True)
    client = as_user(api_client, supervisor)

    rows = client.get(reverse("assessment-list"), {"page_size": 10}).json()["results"]

    assert len(rows) == 3
    for row in rows:
        assert row == client.get(detail("assessment", row["id"])).json()
    by_episode = {row["episode"]: row for row in rows}
    assert by_episode[admitted.pk]["confirmed_by"]["display_name"].endswith(", LCSW")
    assert by_episode[bare.pk]["admission_needs"] and not by_episode[admitted.pk]["admission_needs"]
    assert "consent_to_treatment" not in by_episode[consented.pk]["admission_needs"]


def test_the_assessments_list_counts_its_rows_without_the_joins_of_its_values(
    api_client, supervisor, make_episode
):
    """The page reads its episodes' and users' columns through joins (`list_values`); the
    count is of the assessments alone (`CountedValues`), not through those joins."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    make_episode(status="intake")
    client = as_user(api_client, supervisor)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("assessment-list")).json()["count"] == 1
    (count,) = [sql for sql in statements(queries) if sql.startswith("SELECT COUNT(*)")]
    assert "patients_intakeassessment" in count and "JOIN" not in count.split("WHERE")[0]
