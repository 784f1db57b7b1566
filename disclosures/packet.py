"""The PDF packet of a release (reportlab): a header and a footer on every page, then the
sections. The header names the patient (name and MRN) and the recipient; the footer carries the
Part 2 redisclosure notice for SUD records and the consent's scope. The builder only lays out
what it is given: the service gathers the content and stores the bytes."""

import io
from dataclasses import dataclass
from xml.sax.saxutils import escape

from reportlab.lib.pagesizes import LETTER
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import inch
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

from disclosures.notices import NON_PART2_NOTICE, REDISCLOSURE_NOTICE

MARGIN = 0.6 * inch
HEADER_HEIGHT = 0.55 * inch


@dataclass(frozen=True)
class PacketHeader:
    patient_name: str
    mrn: str
    recipient: str
    released_on: str
    is_part2: bool
    consent_statement: str


def _styles():
    sheet = getSampleStyleSheet()
    return {
        "h1": sheet["Heading2"],
        "h2": sheet["Heading4"],
        "body": ParagraphStyle("body", parent=sheet["BodyText"], fontSize=9.5, leading=12),
        "small": ParagraphStyle("small", parent=sheet["BodyText"], fontSize=6.5, leading=7.8),
        "head": ParagraphStyle("head", parent=sheet["BodyText"], fontSize=8.5, leading=10.5),
    }


def _footer_paragraphs(header, styles):
    notice = REDISCLOSURE_NOTICE if header.is_part2 else NON_PART2_NOTICE
    title = "42 CFR Part 2 redisclosure notice: " if header.is_part2 else ""
    return [
        Paragraph(f"<b>{title}</b>{escape(notice)}", styles["small"]),
        Paragraph(f"<b>Consent and scope:</b> {escape(header.consent_statement)}", styles["small"]),
    ]


def build_packet(header, sections):
    """(pdf bytes, page count) for `sections` (selectors.Section list) under `header`."""
    styles = _styles()
    width = LETTER[0] - 2 * MARGIN
    footer = _footer_paragraphs(header, styles)
    footer_height = sum(p.wrap(width, LETTER[1])[1] for p in footer) + 10
    head = Paragraph(
        f"<b>{escape(header.patient_name)}</b> · MRN {escape(header.mrn)}<br/>"
        f"Released to: {escape(header.recipient)} · {escape(header.released_on)}",
        styles["head"],
    )

    def decorate(canvas, doc):
        canvas.saveState()
        _, h = head.wrap(width, HEADER_HEIGHT)
        head.drawOn(canvas, MARGIN, LETTER[1] - MARGIN - h)
        canvas.setFont("Helvetica", 7)
        canvas.drawRightString(LETTER[0] - MARGIN, LETTER[1] - MARGIN + 4, f"Page {doc.page}")
        y = MARGIN
        for paragraph in reversed(footer):
            _, ph = paragraph.wrap(width, LETTER[1])
            paragraph.drawOn(canvas, MARGIN, y)
            y += ph + 2
        canvas.restoreState()

    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=LETTER,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN + HEADER_HEIGHT,
        bottomMargin=MARGIN + footer_height,
        title="Release of information",
        author="IOP",
        invariant=1,  # the same content gives the same bytes (no timestamp or random id)
    )
    story = [Paragraph("Release of information", styles["h1"])]
    for section in sections:
        story.append(Paragraph(escape(section.heading), styles["h1"]))
        for subheading, lines in section.blocks:
            if subheading:
                story.append(Paragraph(escape(subheading), styles["h2"]))
            for line in lines:
                story.append(Paragraph(escape(line).replace("\n", "<br/>"), styles["body"]))
            story.append(Spacer(1, 4))
    doc.build(story, onFirstPage=decorate, onLaterPages=decorate)
    return buffer.getvalue(), doc.page
