"""Suggested billing codes (CLINICAL.md, "Billing codes"); the biller confirms.

A program bills per service (each session's own code) or per diem (one S9480, H0015 or H0035
line per patient per day once the day's attended program time reaches the program's threshold,
that day's session codes listed as bundled components). Per diem and per service never stack; a
per-diem day under the threshold falls back to the per-service codes, marked as such. Family
therapy without the patient (90846) needs no attendance and never counts toward the day's time.
"""

from dataclasses import dataclass, field

from patients.models import Episode
from sessions.models import TherapySession

PER_DIEM, PER_SERVICE = "per_diem", "per_service"
BELOW_THRESHOLD = "per-diem threshold not met"

# The kinds a per diem bundles (CLINICAL.md: group, individual and family codes); intake
# evaluations and medication-management visits stay billable on their own.
BUNDLED_KINDS = (
    TherapySession.Kind.GROUP,
    TherapySession.Kind.INDIVIDUAL,
    TherapySession.Kind.FAMILY,
)

# (minimum minutes, code) from the highest band down.
ESTABLISHED_EM = ((40, "99215"), (30, "99214"), (20, "99213"), (10, "99212"))
NEW_PATIENT_EM = ((60, "99205"), (45, "99204"), (30, "99203"), (15, "99202"))


@dataclass
class Suggestion:
    """One patient's codes at one session: `billable` lines, `bundled` components (per diem)
    and a `note` saying why (e.g. "per-diem threshold not met")."""

    billable: list = field(default_factory=list)
    bundled: list = field(default_factory=list)
    note: str = ""


def service_code(session, attendance=None, *, first_visit=False):
    """The session's own (code, label) for this patient's attendance, or None."""
    kind = session.kind
    if kind == TherapySession.Kind.FAMILY and session.patient_present is False:
        # Without the patient: no attendance is taken; the session's length counts.
        minutes, attended = session.duration_minutes, True
    else:
        minutes = attendance.minutes_attended if attendance else session.duration_minutes
        attended = attendance is None or attendance.attended
    if not attended:
        return None
    if kind == TherapySession.Kind.INDIVIDUAL:
        if minutes >= 53:
            return ("90837", "Individual psychotherapy, 53+ minutes")
        if minutes >= 38:
            return ("90834", "Individual psychotherapy, 38–52 minutes")
        if minutes >= 16:
            return ("90832", "Individual psychotherapy, 16–37 minutes")
    elif kind == TherapySession.Kind.GROUP:
        return ("90853", "Group psychotherapy")
    elif kind == TherapySession.Kind.FAMILY and minutes >= 26:
        if session.patient_present is False:
            return ("90846", "Family psychotherapy without the patient")
        return ("90847", "Family psychotherapy with the patient")
    elif kind == TherapySession.Kind.INTAKE_EVAL:
        return ("90791", "Psychiatric diagnostic evaluation")
    elif kind == TherapySession.Kind.MED_MGMT:
        bands, who = (NEW_PATIENT_EM, "new") if first_visit else (ESTABLISHED_EM, "established")
        for least, code in bands:
            if minutes >= least:
                return (code, f"Office visit, {who} patient, {least}+ minutes total time")
    return None


def per_diem_code(episode, level=None):
    """The per-diem (code, label) for the level of care in force that day (`level`; the
    episode's current one when not given) and the track, or None (OP)."""
    level = level or episode.level_of_care
    if level == Episode.LevelOfCare.PHP:
        return ("H0035", "Mental health partial hospitalization, per diem")
    if level == Episode.LevelOfCare.OP:
        return None
    if episode.is_sud or episode.program.is_substance_use:
        return ("H0015", "Alcohol/drug intensive outpatient, per diem")
    return ("S9480", "Intensive outpatient psychiatric services, per diem")


def suggest(
    session,
    attendance=None,
    *,
    episode=None,
    day_minutes=None,
    day_codes=None,
    anchor=True,
    first_visit=False,
    level=None,
):
    """The suggestion for one patient at one session.

    `day_minutes`: the patient's attended program minutes that day (per diem); `day_codes`:
    the (code, label) of each of the day's sessions (the bundled components; this session's
    own code when not given); `anchor`: whether this is the day's first attended session,
    which carries the one per-diem line (the others show their code as bundled);
    `first_visit`: the patient's first medication-management visit (new-patient E/M);
    `level`: the level of care in force that day (the episode's current one when not given).
    """
    own = service_code(session, attendance, first_visit=first_visit)
    own = [own] if own else []
    if episode is None and attendance is not None and attendance.episode_id:
        episode = attendance.episode
    if episode is None and session.episode_id:
        episode = session.episode
    program = episode.program if episode is not None else None
    if program is None or program.billing_mode != PER_DIEM or day_minutes is None:
        return Suggestion(own)
    if session.kind not in BUNDLED_KINDS:
        return Suggestion(own)
    per_diem = per_diem_code(episode, level)
    if per_diem is None:
        return Suggestion(own)
    threshold = program.per_diem_threshold_minutes
    if day_minutes < threshold:
        return Suggestion(own, note=f"{BELOW_THRESHOLD} ({day_minutes} of {threshold} min)")
    if not own:
        return Suggestion()
    if anchor:
        bundled = day_codes if day_codes is not None else own
        return Suggestion([per_diem], bundled, note=f"per diem for the day ({day_minutes} min)")
    return Suggestion([], own, note=f"bundled into the day's {per_diem[0]}")


def billing_codes(session, attendance=None, **kwargs):
    """The billable (code, label) lines for one patient at a session (see `suggest`)."""
    return suggest(session, attendance, **kwargs).billable


def telehealth_label(session):
    """e.g. "POS 10, modifier 95" for a telehealth session; "" in person."""
    if session.delivery != TherapySession.Delivery.TELEHEALTH:
        return ""
    pos = session.place_of_service or "not recorded"
    modifier = session.telehealth_modifier or "not recorded"
    return f"POS {pos}, modifier {modifier}"
