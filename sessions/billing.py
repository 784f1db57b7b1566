"""Suggested billing codes for one patient's attendance at a session (CLINICAL.md)."""

from sessions.models import TherapySession


def billing_codes(session, attendance=None, *, day_minutes=None, episode=None):
    """Suggested codes for one patient's attendance at a session (CLINICAL.md); the biller
    confirms. `day_minutes` is that patient's attended minutes across the day, for the IOP
    per-diem code at 3 hours."""
    codes = []
    minutes = attendance.minutes_attended if attendance else session.duration_minutes
    attended = attendance is None or attendance.attended
    kind = session.kind
    if attended:
        if kind == TherapySession.Kind.INDIVIDUAL:
            if minutes >= 53:
                codes.append(("90837", "Individual psychotherapy, 53+ minutes"))
            elif minutes >= 38:
                codes.append(("90834", "Individual psychotherapy, 38–52 minutes"))
            elif minutes >= 16:
                codes.append(("90832", "Individual psychotherapy, 16–37 minutes"))
        elif kind == TherapySession.Kind.GROUP:
            codes.append(("90853", "Group psychotherapy"))
        elif kind == TherapySession.Kind.FAMILY and minutes >= 26:
            if session.patient_present:
                codes.append(("90847", "Family psychotherapy with the patient"))
            else:
                codes.append(("90846", "Family psychotherapy without the patient"))
        elif kind == TherapySession.Kind.INTAKE_EVAL:
            codes.append(("90791", "Psychiatric diagnostic evaluation"))
    if day_minutes is not None and day_minutes >= 180:
        if episode is None and attendance is not None and attendance.episode_id:
            episode = attendance.episode
        if episode is None and session.episode_id:
            episode = session.episode
    if day_minutes is not None and day_minutes >= 180 and episode is not None:
        if episode.is_sud or episode.program.is_substance_use:
            codes.append(("H0015", "Alcohol/drug intensive outpatient, per diem"))
        else:
            codes.append(("S9480", "Intensive outpatient psychiatric services, per diem"))
    return codes
