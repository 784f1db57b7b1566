"""The PDF packet of a release: on every page the clinic's letterhead, the patient (name and
MRN) and the recipient in the header, and a footer with the Part 2 redisclosure notice for SUD
records and the consent's scope (the frame is `iop.pdf`'s, shared with every document). The
builder only lays out what it is given: the service gathers the content and stores the bytes."""

from dataclasses import dataclass
from xml.sax.saxutils import escape

from reportlab.platypus import Paragraph, Spacer

from disclosures.notices import NON_PART2_NOTICE, REDISCLOSURE_NOTICE
from iop.pdf import Document, render, styles, text


@dataclass(frozen=True)
class PacketHeader:
    patient_name: str
    mrn: str
    recipient: str
    released_on: str
    is_part2: bool
    consent_statement: str


def _footer_notes(header):
    notice = REDISCLOSURE_NOTICE if header.is_part2 else NON_PART2_NOTICE
    title = "42 CFR Part 2 redisclosure notice: " if header.is_part2 else ""
    return [
        f"<b>{title}</b>{escape(notice)}",
        f"<b>Consent and scope:</b> {escape(header.consent_statement)}",
    ]


def build_packet(header, sections, *, title=None):
    """(pdf bytes, page count) for `sections` (selectors.Section list) under `header`; `title`
    names a prepared packet (default: a release of information)."""
    title = title or "Release of information"
    s = styles()
    document = Document(
        title=title,
        header_lines=[
            f"<b>{escape(header.patient_name)}</b> · MRN {escape(header.mrn)}<br/>"
            f"Released to: {escape(header.recipient)} · {escape(header.released_on)}"
        ],
        footer_notes=_footer_notes(header),
    )
    story = [Paragraph(escape(title), s["h1"])]
    for section in sections:
        story.append(Paragraph(escape(section.heading), s["h1"]))
        for subheading, lines in section.blocks:
            if subheading:
                story.append(Paragraph(escape(subheading), s["h2"]))
            for line in lines:
                story.append(Paragraph(text(line), s["body"]))
            story.append(Spacer(1, 4))
    return render(document, story)
