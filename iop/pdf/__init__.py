"""What every PDF the app makes shares (reportlab): the clinic's letterhead and the patient on
every page, the footer (notices such as 42 CFR Part 2's, "Page X of Y"), a DRAFT watermark on
what is not signed, signature lines, and fonts bundled with the app (DejaVu Sans, under
`fonts/` with its licence) so that any name prints — Ł, ñ, 李 — where reportlab's built-in
Helvetica knows only Latin-1.

A document is laid out from what it is given (`Document` and a story of flowables); the apps
gather the content from the database, this module never reads it.
"""

import io
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

from django.conf import settings
from reportlab.lib import colors
from reportlab.lib.pagesizes import LETTER
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import inch
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer

FONTS = Path(__file__).resolve().parent / "fonts"
FONT, FONT_BOLD = "DejaVuSans", "DejaVuSans-Bold"
MARGIN = 0.6 * inch
WIDTH = LETTER[0] - 2 * MARGIN


def register_fonts():
    """Register the bundled fonts once per process (reportlab keeps a global registry)."""
    if FONT in pdfmetrics.getRegisteredFontNames():
        return
    pdfmetrics.registerFont(TTFont(FONT, str(FONTS / "DejaVuSans.ttf")))
    pdfmetrics.registerFont(TTFont(FONT_BOLD, str(FONTS / "DejaVuSans-Bold.ttf")))
    # <b> in a paragraph picks the bold face; there is no italic face bundled, so <i> stays
    # upright rather than falling back to a font without the characters.
    pdfmetrics.registerFontFamily(
        FONT, normal=FONT, bold=FONT_BOLD, italic=FONT, boldItalic=FONT_BOLD
    )


@dataclass(frozen=True)
class Letterhead:
    name: str
    address: str
    phone: str

    @classmethod
    def from_settings(cls):
        return cls(settings.CLINIC_NAME, settings.CLINIC_ADDRESS, settings.CLINIC_PHONE)

    def markup(self):
        details = " · ".join(
            escape(part)
            for part in (self.address, f"Tel. {self.phone}" if self.phone else "")
            if part
        )
        return f"<b>{escape(self.name)}</b>" + (f"<br/>{details}" if details else "")


@dataclass
class Document:
    """What frames every page: the title, the header lines under the letterhead (the patient),
    the footer notices (markup), and a watermark (e.g. "DRAFT") when the document is not signed."""

    title: str
    header_lines: list
    footer_notes: list = field(default_factory=list)
    watermark: str = ""
    letterhead: Letterhead = None


def styles():
    register_fonts()
    sheet = getSampleStyleSheet()

    def style(name, parent, **kw):
        return ParagraphStyle(name, parent=sheet[parent], **{"fontName": FONT, **kw})

    return {
        "title": style("title", "Heading1", fontName=FONT_BOLD, fontSize=15, leading=18),
        "h1": style("h1", "Heading2", fontName=FONT_BOLD, fontSize=12, leading=15),
        "h2": style("h2", "Heading4", fontName=FONT_BOLD, fontSize=10, leading=13),
        "body": style("body", "BodyText", fontSize=9.5, leading=12),
        "large": style("large", "BodyText", fontSize=11.5, leading=15),
        "small": style("small", "BodyText", fontSize=6.5, leading=7.8),
        "head": style("head", "BodyText", fontSize=8.5, leading=10.5),
    }


def text(value):
    """Plain text as paragraph markup: escaped, line breaks kept."""
    return escape(str(value)).replace("\n", "<br/>")


def paragraphs(items, style):
    """Paragraphs of plain text."""
    return [Paragraph(text(item), style) for item in items]


def field_rows(rows, s):
    """(label, value) pairs as "Label: value" paragraphs; empty values say so."""
    return [
        Paragraph(
            f"<b>{escape(label)}:</b> {text(value) if str(value).strip() else '—'}", s["body"]
        )
        for label, value in rows
    ]


def signature_block(lines, s):
    """The signature lines: each (role, name or "", when or "") as "Role: name, when", with a
    rule to sign on when nobody has signed yet. Kept on one page."""
    flowables = [Spacer(1, 10), Paragraph("Signatures", s["h1"])]
    for role, name, when in lines:
        if name:
            signed = f"{escape(name)}" + (f", {escape(when)}" if when else "")
        else:
            signed = "not signed " + "_" * 40
        flowables.append(Paragraph(f"<b>{escape(role)}:</b> {signed}", s["body"]))
    return [KeepTogether(flowables)]


def _wrapped_height(paras, width):
    return sum(p.wrap(width, LETTER[1])[1] + 2 for p in paras)


class _NumberedCanvas(Canvas):
    """Draws "Page X of Y" once the number of pages is known: each page is kept until the end."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._pages = []

    def showPage(self):
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self):
        total = len(self._pages)
        for state in self._pages:
            self.__dict__.update(state)
            self.setFont(FONT, 7)
            self.drawRightString(
                LETTER[0] - MARGIN, MARGIN - 12, f"Page {self._pageNumber} of {total}"
            )
            super().showPage()
        super().save()


def render(document, story):
    """(pdf bytes, page count) of `story` (flowables) framed by `document` on every page."""
    s = styles()
    letterhead = document.letterhead or Letterhead.from_settings()
    head = [Paragraph(letterhead.markup(), s["head"])] + [
        Paragraph(line, s["head"]) for line in document.header_lines
    ]
    footer = [Paragraph(note, s["small"]) for note in document.footer_notes]
    head_height = _wrapped_height(head, WIDTH) + 8
    footer_height = _wrapped_height(footer, WIDTH) + 8

    def decorate(canvas, doc):
        canvas.saveState()
        if document.watermark:
            canvas.saveState()
            canvas.setFont(FONT_BOLD, 96)
            canvas.setFillColor(colors.Color(0.8, 0.1, 0.1, alpha=0.15))
            canvas.translate(LETTER[0] / 2, LETTER[1] / 2)
            canvas.rotate(45)
            canvas.drawCentredString(0, -30, document.watermark)
            canvas.restoreState()
        y = LETTER[1] - MARGIN
        for paragraph in head:
            _, h = paragraph.wrap(WIDTH, LETTER[1])
            y -= h
            paragraph.drawOn(canvas, MARGIN, y)
            y -= 2
        canvas.setStrokeColor(colors.grey)
        canvas.setLineWidth(0.5)
        canvas.line(MARGIN, y - 2, LETTER[0] - MARGIN, y - 2)
        y = MARGIN
        for paragraph in reversed(footer):
            _, h = paragraph.wrap(WIDTH, LETTER[1])
            paragraph.drawOn(canvas, MARGIN, y)
            y += h + 2
        canvas.setFont(FONT, 7)
        canvas.drawString(MARGIN, MARGIN - 12, document.title)
        canvas.restoreState()

    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=LETTER,
        # The frame pads its content by 6 points: the text lines up with the header's.
        leftMargin=MARGIN - 6,
        rightMargin=MARGIN - 6,
        topMargin=MARGIN + head_height,
        bottomMargin=MARGIN + footer_height,
        title=document.title,
        author=letterhead.name,
        invariant=1,  # the same content gives the same bytes (no timestamp or random id)
    )
    doc.build(story, onFirstPage=decorate, onLaterPages=decorate, canvasmaker=_NumberedCanvas)
    return buffer.getvalue(), doc.page
