"""The discharge summary as a PDF: what the record said (as signed, or as it is now for a
draft, which prints with DRAFT across every page), the clinician's text and the signature."""

from reportlab.lib import colors
from reportlab.platypus import Paragraph, Table, TableStyle

from documents.pdf.frame import local, patient_frame
from iop.pdf import WIDTH, field_rows, paragraphs, render, signature_block, styles, text


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


def screen_lines(screens):
    """The episode's drug screens as lines: the counts, then each unexpected result."""
    lines = [
        f"{screens['collected']} collected; {len(screens['unexpected'])} unexpected; "
        f"{screens['refused']} refused; {screens['missed']} missed."
    ]
    lines += [
        f"{u['date']} — unexpected: {u['name']} ({u['analyte']}) {u['value'].lower()}"
        + (f": {u['explanation']}" if u.get("explanation") else "")
        for u in screens["unexpected"]
    ]
    return lines


def summary_pdf(summary, record):
    """(bytes, pages) of `summary`, with `record` (summary.record once signed)."""
    s = styles()
    patient = summary.patient
    frame = patient_frame(
        patient, "Discharge summary", subtitle=record["program"], draft=not summary.is_signed
    )
    story = [
        Paragraph("Discharge summary", s["title"]),
        *field_rows(
            [
                ("Program", record["program"]),
                ("Admitted", record["admission_date"]),
                ("Discharged", record["discharge_date"]),
                ("Reason for discharge", record["discharge_reason"]),
                ("Levels of care", "; ".join(record["levels_of_care"])),
                ("Primary clinician", record["primary_clinician"]),
            ],
            s,
        ),
        Paragraph("Diagnoses", s["h1"]),
        *paragraphs(record["diagnoses"] or ["None recorded."], s["body"]),
        Paragraph("Course of treatment", s["h1"]),
        Paragraph(text(summary.narrative) if summary.narrative else "—", s["body"]),
        Paragraph("Services received", s["h1"]),
    ]
    if record["services"]:
        rows = [
            (r["kind"], str(r["sessions"]), str(r["attended"]), r["hours"])
            for r in record["services"]
        ]
        rows.append(("Total", "", "", record["hours_attended"]))
        story.append(
            _table(("Kind", "Sessions", "Attended", "Hours"), rows, s, (0.4, 0.2, 0.2, 0.2))
        )
    else:
        story.append(Paragraph("No sessions recorded.", s["body"]))
    story.append(Paragraph("Measures: first and last score", s["h1"]))
    if record["measures"]:
        rows = [
            (m["measure"], m["first"], m["last"], m["change"], m["reliable_change"])
            for m in record["measures"]
        ]
        story.append(
            _table(
                ("Measure", "First", "Last", "Change", "Reliable change"),
                rows,
                s,
                (0.12, 0.24, 0.24, 0.12, 0.28),
            )
        )
    else:
        story.append(Paragraph("No measures given during the episode.", s["body"]))
    story.append(Paragraph("Goals", s["h1"]))
    goals = [f"{g['goal']} — {g['status']} (problem: {g['problem']})" for g in record["goals"]]
    story += paragraphs(goals or ["No signed treatment plan."], s["body"])
    story += [
        Paragraph("Medications at discharge", s["h1"]),
        Paragraph(
            text(summary.medications) if summary.medications else "None recorded.", s["body"]
        ),
    ]
    listed = record.get("medication_list")  # absent from summaries signed before the list
    if listed:
        story.append(Paragraph("Medication changes during the episode", s["h1"]))
        story += paragraphs(
            listed["changes"] or ["No medication started, changed or stopped."], s["body"]
        )
    screens = record.get("screens")  # absent from summaries signed before screens
    if screens:
        story.append(Paragraph("Drug screens during the episode", s["h1"]))
        story += paragraphs(screen_lines(screens), s["body"])
    story.append(Paragraph("Aftercare plan and referrals", s["h1"]))
    aftercare = record["aftercare"]
    if aftercare:
        story += field_rows(
            [
                ("Step-down level of care", aftercare["step_down_level"]),
                ("Follow-up appointments", aftercare["follow_up_appointments"]),
                ("Support groups", aftercare["support_groups"]),
                ("Relapse-prevention plan", aftercare["relapse_prevention"]),
                ("Crisis resources", aftercare["crisis_resources"]),
            ],
            s,
        )
    story += field_rows([("Referrals", summary.referrals)], s)
    signer = summary.signed_by.display_name if summary.signed_by else ""
    story += signature_block([("Primary clinician", signer, local(summary.signed_at))], s)
    return render(frame, story)
