"""A superbill: one patient's billable claim lines of one month as a PDF (the clinic's
letterhead, the patient and coverage, diagnoses, each line with its provider, and the units).
It carries the 42 CFR Part 2 redisclosure notice on every page for a patient Part 2 protects:
the patient may hand it to a payer, and what leaves the program so says it."""

from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.platypus import Paragraph, Spacer, Table, TableStyle

from iop.pdf import WIDTH, Document, render, styles, text
from patients.part2 import REDISCLOSURE_NOTICE, is_part2_protected

CONFIDENTIAL = (
    "Confidential health information from the patient's record: do not redisclose except as "
    "the law allows."
)


def _table(header, rows, s, widths):
    data = [[Paragraph(f"<b>{text(h)}</b>", s["body"]) for h in header]]
    data += [[Paragraph(text(cell), s["body"]) for cell in row] for row in rows]
    table = Table(data, colWidths=[WIDTH * w for w in widths], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.93, 0.93, 0.93)),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return table


def _name(user):
    return user.display_name if user is not None else "—"


def filename(patient, month):
    return f"superbill-{patient.mrn}-{month:%Y-%m}.pdf"


def superbill_pdf(patient, month, lines):
    """(pdf bytes, pages) of the superbill of `patient` for `month` from its `lines`."""
    s = styles()
    lines = list(lines)
    notice = (
        f"<b>42 CFR Part 2 redisclosure notice:</b> {escape(REDISCLOSURE_NOTICE)}"
        if is_part2_protected(patient)
        else escape(CONFIDENTIAL)
    )
    frame = Document(
        title=f"Superbill {month:%B %Y}",
        header_lines=[
            f"<b>{escape(patient.legal_name)}</b> · MRN {escape(patient.mrn)} · "
            f"date of birth {patient.date_of_birth:%-d %b %Y}"
        ],
        footer_notes=[notice],
    )
    story = [Paragraph(f"Superbill, services in {month:%B %Y}", s["title"])]
    payers = sorted({(line.payer_name, line.member_id) for line in lines})
    story.append(
        Paragraph(
            "<b>Coverage:</b> "
            + (
                "; ".join(
                    f"{escape(p or 'none recorded')}" + (f", member id {escape(m)}" if m else "")
                    for p, m in payers
                )
                or "none recorded"
            ),
            s["body"],
        )
    )
    diagnoses = []
    for line in lines:
        for code in line.diagnosis_codes[:4]:
            if code not in diagnoses:
                diagnoses.append(code)
    story.append(
        Paragraph(
            "<b>Diagnoses (ICD-10-CM):</b> " + (escape(", ".join(diagnoses)) or "—"), s["body"]
        )
    )
    story.append(Spacer(1, 8))
    if lines:
        rows = [
            [
                f"{line.service_date:%-d %b %Y}",
                line.code,
                line.description,
                line.modifiers or "—",
                line.place_of_service,
                line.diagnosis_pointers or "—",
                line.units,
                _name(line.rendering),
                _name(line.supervising) if line.supervising_id else "—",
                line.authorization_reference or "—",
            ]
            for line in lines
        ]
        story.append(
            _table(
                [
                    "Date",
                    "Code",
                    "Service",
                    "Mod.",
                    "POS",
                    "Dx",
                    "Units",
                    "Rendering",
                    "Supervising",
                    "Auth.",
                ],
                rows,
                s,
                [0.1, 0.07, 0.22, 0.06, 0.05, 0.05, 0.06, 0.14, 0.14, 0.11],
            )
        )
        units = sum(line.units for line in lines)
        story.append(Spacer(1, 6))
        story.append(Paragraph(f"<b>Lines:</b> {len(lines)} · <b>units:</b> {units}", s["body"]))
    else:
        story.append(Paragraph("No billable service was issued for this month.", s["body"]))
    return render(frame, story)
