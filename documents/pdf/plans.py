"""A treatment plan version, the safety plan (the patient's copy, in plain words, with the
crisis lines) and the aftercare plan. A draft prints with DRAFT across every page."""

from django.conf import settings
from reportlab.lib import colors
from reportlab.platypus import Paragraph, Spacer, Table, TableStyle

from documents.pdf.frame import day, local, patient_frame
from iop.pdf import WIDTH, field_rows, render, signature_block, styles, text
from plans.selectors import plan_tree

CRISIS_LINES = (
    "In an emergency, call 911 or go to the nearest emergency room.",
    "988 Suicide & Crisis Lifeline: call or text 988, any time, day or night.",
)

# The Stanley–Brown steps as the patient reads them.
SAFETY_HEADINGS = {
    "warning_signs": "1. Warning signs that a crisis may be coming",
    "coping_strategies": "2. Things I can do on my own to take my mind off my problems",
    "distractions": "3. People and places that help me take my mind off things",
    "help_contacts": "4. People I can ask for help",
    "professional_contacts": "5. Professionals and crisis lines I can call",
    "environment_safety": "6. How I keep my surroundings safe",
    "reasons_for_living": "The reasons I have for living",
}


def _plan_signatures(plan):
    return [
        ("Clinician", plan.signed_by.display_name if plan.signed_by else "", local(plan.signed_at)),
        ("Patient (acknowledged)", plan.patient_ack_name, local(plan.patient_ack_at)),
    ]


def treatment_plan_pdf(plan):
    s = styles()
    episode = plan.episode
    frame = patient_frame(
        plan.patient,
        "Treatment plan",
        subtitle=f"{episode.program} · version {plan.version}",
        draft=plan.is_draft,
    )
    story = [
        Paragraph(f"Treatment plan, version {plan.version}", s["title"]),
        *field_rows(
            [
                ("Program", str(episode.program)),
                ("Level of care", episode.get_level_of_care_display()),
                ("Status", plan.get_status_display()),
                ("Next review due", day(plan.next_review_due)),
            ],
            s,
        ),
    ]
    if plan.summary.strip():
        story += [Paragraph("Clinical summary", s["h1"]), Paragraph(text(plan.summary), s["body"])]
    problems = plan_tree(plan)
    if not problems:
        story.append(Paragraph("No problems written yet.", s["body"]))
    for n, problem in enumerate(problems, 1):
        code = f" ({problem.diagnosis_code})" if problem.diagnosis_code else ""
        story.append(Paragraph(text(f"Problem {n}: {problem.description}{code}"), s["h1"]))
        for goal in problem.goals.all():
            target = f", target {day(goal.target_date)}" if goal.target_date else ""
            story.append(
                Paragraph(
                    text(f"Goal: {goal.client_words} — {goal.get_status_display()}{target}"),
                    s["h2"],
                )
            )
            for objective in goal.objectives.all():
                measured = f" ({objective.measure_label})" if objective.measure_label else ""
                story.append(
                    Paragraph(
                        text(
                            f"Objective: {objective.description}, by "
                            f"{day(objective.target_date)}{measured}"
                        ),
                        s["body"],
                    )
                )
                for i in objective.interventions.all():
                    detail = f": {i.description}" if i.description else ""
                    story.append(
                        Paragraph(
                            text(
                                f"    Intervention: {i.get_modality_display()}{detail} — "
                                f"{i.frequency}; responsible: {i.responsible.display_name}"
                            ),
                            s["body"],
                        )
                    )
    story += signature_block(_plan_signatures(plan), s)
    return render(frame, story)


def _crisis_box(s):
    lines = [*CRISIS_LINES, f"{settings.CLINIC_NAME}: {settings.CLINIC_PHONE}"]
    table = Table([[Paragraph(text(line), s["large"])] for line in lines], colWidths=[WIDTH])
    table.setStyle(
        TableStyle(
            [
                ("BOX", (0, 0), (-1, -1), 1.2, colors.darkred),
                ("BACKGROUND", (0, 0), (-1, -1), colors.Color(1, 0.95, 0.95)),
                ("LEFTPADDING", (0, 0), (-1, -1), 8),
            ]
        )
    )
    return table


def safety_plan_pdf(plan):
    """The patient's copy: large print, the steps in plain words, the crisis lines first."""
    s = styles()
    frame = patient_frame(
        plan.patient, "My safety plan", subtitle=f"version {plan.version}", draft=plan.is_draft
    )
    name = plan.patient.preferred_name or plan.patient.legal_first_name
    story = [
        Paragraph(text(f"My safety plan — {name}"), s["title"]),
        Paragraph(
            "Keep this plan where you can find it. Go through the steps in order until you "
            "feel safe. You can stop at any step.",
            s["large"],
        ),
        Spacer(1, 6),
        _crisis_box(s),
        Spacer(1, 6),
    ]
    for field_name, heading in SAFETY_HEADINGS.items():
        value = getattr(plan, field_name).strip()
        story.append(Paragraph(text(heading), s["h1"]))
        story.append(Paragraph(text(value) if value else "(to fill in)", s["large"]))
    story += signature_block(_plan_signatures(plan), s)
    return render(frame, story)


def aftercare_pdf(aftercare):
    s = styles()
    episode = aftercare.episode
    frame = patient_frame(aftercare.patient, "Aftercare plan", subtitle=str(episode.program))
    story = [
        Paragraph("Aftercare and discharge plan", s["title"]),
        *field_rows(
            [
                ("Program", str(episode.program)),
                ("Admitted", day(episode.admission_date)),
                ("Discharged", day(episode.discharge_date)),
                ("Reason", episode.get_discharge_reason_display() or "—"),
                ("Step-down level of care", aftercare.get_step_down_level_display()),
            ],
            s,
        ),
    ]
    for label, value in (
        ("Follow-up appointments", aftercare.follow_up_appointments),
        ("Support groups", aftercare.support_groups),
        ("Relapse-prevention plan", aftercare.relapse_prevention),
        ("Medications", aftercare.medications),
        ("Crisis resources", aftercare.crisis_resources),
    ):
        story.append(Paragraph(label, s["h1"]))
        story.append(Paragraph(text(value) if value.strip() else "—", s["body"]))
    story.append(Spacer(1, 6))
    story.append(_crisis_box(s))
    written = aftercare.created_by.display_name if aftercare.created_by else ""
    story += signature_block(
        [
            ("Written by", written, local(aftercare.updated_at)),
            ("Patient", "", ""),
        ],
        s,
    )
    return render(frame, story)
