"""The scanned card: its type read from its bytes, its size limited, served only through the
audited, permission-checked view."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from iop.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.7\n" + b"x" * 64
EXECUTABLE = b"MZ\x90\x00\x03" + b"\x00" * 64


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def upload(client, coverage, name, content, content_type="image/png"):
    url = reverse("billing:coverage", args=[coverage.episode.patient_id, coverage.pk])
    return client.post(
        url, {"action": "card", "card": SimpleUploadedFile(name, content, content_type)}
    )


def test_a_png_card_is_stored_under_an_unguessable_name(client, biller, coverage, media):
    client.force_login(biller)
    assert upload(client, coverage, "front.png", PNG).status_code == 302
    coverage.refresh_from_db()
    assert coverage.card_content_type == "image/png"
    assert coverage.card.name.startswith("coverage-cards/")
    assert "front" not in coverage.card.name
    assert (media / coverage.card.name).read_bytes() == PNG


def test_a_renamed_executable_is_refused(client, biller, coverage):
    client.force_login(biller)
    response = upload(client, coverage, "card.jpg", EXECUTABLE, "image/jpeg")
    assert response.status_code == 400
    assert "JPEG or PNG image, or a PDF" in response.text
    coverage.refresh_from_db()
    assert not coverage.card


def test_a_text_file_is_refused_whatever_its_name(client, biller, coverage):
    client.force_login(biller)
    response = upload(client, coverage, "card.pdf", b"hello, not a pdf", "application/pdf")
    assert response.status_code == 400


def test_an_oversized_card_is_refused(client, biller, coverage):
    client.force_login(biller)
    big = b"\xff\xd8\xff" + b"\x00" * (5 * 1024 * 1024)
    response = upload(client, coverage, "card.jpg", big, "image/jpeg")
    assert response.status_code == 400
    assert "the limit is 5 MB" in response.text


def test_the_card_is_served_with_nosniff_and_audited(client, biller, coverage):
    client.force_login(biller)
    upload(client, coverage, "scan.pdf", PDF, "application/pdf")
    url = reverse("billing:card", args=[coverage.episode.patient_id, coverage.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert b"".join(response.streaming_content) == PDF
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.VIEW, object_id=str(coverage.pk), detail__contains="card"
    ).exists()


def test_a_clinician_of_another_caseload_gets_404_for_the_card(
    client, biller, clinician2, coverage
):
    client.force_login(biller)
    upload(client, coverage, "front.png", PNG)
    client.force_login(clinician2)
    url = reverse("billing:card", args=[coverage.episode.patient_id, coverage.pk])
    assert client.get(url).status_code == 404


def test_a_clinician_may_not_upload_a_card(client, clinician, coverage):
    client.force_login(clinician)
    assert upload(client, coverage, "front.png", PNG).status_code == 403
