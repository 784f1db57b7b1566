"""The frame of a patient's document: the patient under the letterhead on every page, and the
footer that says how the record may be used — for a patient Part 2 protects (any SUD episode,
`patients.part2`), the 42 CFR Part 2 redisclosure notice on every page."""

from xml.sax.saxutils import escape

from django.utils import timezone

from iop.pdf import Document
from patients.part2 import REDISCLOSURE_NOTICE, is_part2_protected

CONFIDENTIAL = (
    "Confidential health information from the patient's record: do not redisclose except as "
    "the law allows."
)
PART2_TITLE = "42 CFR Part 2 redisclosure notice:"


def local(dt, fmt="%-d %b %Y %H:%M"):
    return timezone.localtime(dt).strftime(fmt) if dt else ""


def day(d):
    return f"{d:%-d %b %Y}" if d else "—"


def footer_notes(is_part2):
    if is_part2:
        return [f"<b>{PART2_TITLE}</b> {escape(REDISCLOSURE_NOTICE)}"]
    return [escape(CONFIDENTIAL)]


def patient_frame(patient, title, *, subtitle="", draft=False, episodes=None):
    """The `iop.pdf.Document` of a patient's document titled `title`; `draft` prints DRAFT
    across every page. `episodes`: the patient's episodes when already loaded."""
    preferred = (
        f" (preferred: {escape(patient.preferred_name)})"
        if patient.preferred_name and patient.preferred_name != patient.legal_first_name
        else ""
    )
    lines = [
        f"<b>{escape(patient.legal_name)}</b>{preferred} · MRN {escape(patient.mrn)} · "
        f"date of birth {day(patient.date_of_birth)}"
    ]
    if subtitle:
        lines.append(escape(subtitle))
    return Document(
        title=title,
        header_lines=lines,
        footer_notes=footer_notes(is_part2_protected(patient, episodes=episodes)),
        watermark="DRAFT" if draft else "",
    )


def filename(kind, patient, suffix=""):
    """A safe attachment name: letters, digits and hyphens only (no name of the patient)."""
    safe = "".join(c if c.isalnum() else "-" for c in f"{kind}-{patient.mrn}{suffix}")
    return f"{safe.strip('-')}.pdf"
