"""A progress note as one patient's record: the session, the shared part, this patient's own
individualized part (never another attendee's, nor their name), their attendance, the risk
re-check and who signed and co-signed. A draft prints with DRAFT across every page."""

from reportlab.platypus import Paragraph, Spacer

from documents.pdf.frame import local, patient_frame
from iop.pdf import field_rows, render, signature_block, styles, text
from sessions.models import Attendance, ProgressNote


def note_title(session):
    what = session.group.name if session.group_id else session.get_kind_display()
    return f"{what}, {local(session.starts_at, '%a %-d %b %Y %H:%M')}"


def note_pdf(note, patient):
    """(bytes, pages) of `note` as `patient`'s record."""
    s = styles()
    session = note.session
    entry = note.entries.filter(patient=patient).first()
    attendance = Attendance.objects.filter(session=session, patient=patient).first()
    frame = patient_frame(
        patient, "Progress note", subtitle=note_title(session), draft=not note.is_locked
    )
    status = "Draft (not signed)" if not note.is_locked else note.get_status_display()
    story = [
        Paragraph("Progress note", s["title"]),
        *field_rows(
            [
                ("Session", note_title(session)),
                ("Kind", session.get_kind_display()),
                ("Delivery", session.get_delivery_display()),
                ("Duration", f"{session.duration_minutes} minutes"),
                (
                    "Attendance",
                    f"{attendance.get_status_display()}, {attendance.minutes_attended} minutes"
                    if attendance
                    else "not recorded",
                ),
                ("Format", note.get_format_display()),
                ("Status", status),
            ],
            s,
        ),
        Spacer(1, 6),
        Paragraph(
            "The shared part, written once for the group" if session.group_id else "Note",
            s["h1"],
        ),
    ]
    for label, value in note.shared_rows():
        story.append(Paragraph(label, s["h2"]))
        story.append(Paragraph(text(value) if value.strip() else "—", s["body"]))
    if note.is_medication_visit_note:
        minutes = note.psychotherapy_minutes
        story.append(Paragraph("Psychotherapy added", s["h2"]))
        story.append(Paragraph(f"{minutes} minutes" if minutes else "none", s["body"]))
    if entry is not None:
        heading = f"{patient.legal_name}: individualized part" if session.group_id else ""
        if heading:
            story.append(Paragraph(text(heading), s["h1"]))
        if entry.text.strip():
            story.append(Paragraph(text(entry.text), s["body"]))
        risk = entry.get_risk_level_display() or "not recorded"
        story += field_rows([("Risk re-check", risk)], s)
        if entry.risk_notes.strip():
            story += field_rows([("Risk notes", entry.risk_notes)], s)
    addenda = [] if session.group_id or not note.is_locked else list(note.addenda.all())
    if addenda:
        story.append(Paragraph("Addenda", s["h1"]))
        for addendum in addenda:
            who = f"{addendum.author.display_name}, {local(addendum.created_at)}"
            story.append(Paragraph(f"<b>{text(who)}:</b> {text(addendum.text)}", s["body"]))
    lines = [
        ("Written by", note.author.display_name, ""),
        (
            "Signed by",
            note.signed_by.display_name if note.signed_by else "",
            local(note.signed_at),
        ),
    ]
    if note.status == ProgressNote.Status.AWAITING_COSIGN or note.cosigned_by_id:
        lines.append(
            (
                "Co-signed by (supervisor)",
                note.cosigned_by.display_name if note.cosigned_by else "",
                local(note.cosigned_at),
            )
        )
    story += signature_block(lines, s)
    return render(frame, story)
