"""What the releases tests share: a release's form data, a notes range, a packet's text."""

from datetime import timedelta
from io import BytesIO

from pypdf import PdfReader

from tests.sessions.helpers import MON_2

RECIPIENT = "Riverside Primary Care"
ALL_PARTS = ["plan", "notes", "measures", "attendance", "discharge"]


def release_data(**overrides):
    data = {
        "recipient_kind": "organisation",
        "recipient_name": RECIPIENT,
        "recipient_address": "1 Main St, Springfield",
        "recipient_contact": "fax 555-0100",
        "purpose": "treatment",
        "purpose_note": "",
        "sections": ["plan", "attendance"],
        "notes_from": None,
        "notes_to": None,
        "consent": None,
        "counseling_consent": None,
    }
    data.update(overrides)
    return data


def notes_range():
    return {"notes_from": MON_2 - timedelta(days=1), "notes_to": MON_2 + timedelta(days=1)}


def pdf_pages(data):
    """Each page's text, its whitespace collapsed (wrapped lines joined)."""
    return [" ".join((p.extract_text() or "").split()) for p in PdfReader(BytesIO(data)).pages]
