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
# Psychotherapy added to an E/M visit (add-on codes): 16–37 / 38–52 / 53+ minutes.
PSYCHOTHERAPY_ADDON = (
    (53, "90838", "53+"),
    (38, "90836", "38–52"),
    (16, "90833", "16–37"),
)
# A patient is new to the program's E/M visits when it billed them none in this many years.
NEW_PATIENT_YEARS = 3
EVALUATION = ("90791", "Psychiatric diagnostic evaluation")
EVALUATION_MEDICAL = ("90792", "Psychiatric diagnostic evaluation with medical services")


def evaluation_code(*, by_prescriber):
    """An intake evaluation: 90792 when a prescriber (medical services) did it, else 90791."""
    return EVALUATION_MEDICAL if by_prescriber else EVALUATION


def em_code(minutes, *, new_patient):
    """The E/M office visit (code, label) for `minutes` of E/M time on the date, or None under
    the lowest band (10 minutes established, 15 new)."""
    bands, who = (NEW_PATIENT_EM, "new") if new_patient else (ESTABLISHED_EM, "established")
    for least, code in bands:
        if minutes >= least:
            return (code, f"Office visit, {who} patient, {least}+ minutes total time")
    return None


def psychotherapy_addon(minutes):
    """The add-on (code, label) for psychotherapy time added to an E/M visit, or None (under
    16 minutes)."""
    for least, code, band in PSYCHOTHERAPY_ADDON:
        if (minutes or 0) >= least:
            return (code, f"Psychotherapy with an E/M visit, {band} minutes (add-on)")
    return None


@dataclass
class Suggestion:
    """One patient's codes at one session: `billable` lines, `bundled` components (per diem)
    and a `note` saying why (e.g. "per-diem threshold not met")."""

    billable: list = field(default_factory=list)
    bundled: list = field(default_factory=list)
    note: str = ""


def service_code(
    session, attendance=None, *, first_visit=False, psychotherapy_minutes=None, by_prescriber=False
):
    """The session's own (code, label) for this patient's attendance, or None.

    A medication-management visit's E/M time is the time attended less the psychotherapy
    time recorded on its note (`psychotherapy_minutes`, billed as an add-on, never twice);
    `first_visit`: new-patient codes. An intake evaluation by a prescriber (`by_prescriber`)
    is 90792."""
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
        return evaluation_code(by_prescriber=by_prescriber)
    elif kind == TherapySession.Kind.MED_MGMT:
        return em_code(max(0, minutes - (psychotherapy_minutes or 0)), new_patient=first_visit)
    return None


def per_diem_minutes(records):
    """A day's attended minutes that count toward the per-diem threshold: the program time a
    per diem bundles (an intake evaluation or a medication visit is billed on its own).
    `records`: the day's attended Attendance rows with their sessions (`day_attendance`)."""
    return sum(r.minutes_attended for r in records if r.session.kind in BUNDLED_KINDS)


def per_diem_day_reached(program, day_minutes):
    """Whether a day's per-diem minutes reach the program's threshold (default 3 h)."""
    return day_minutes >= program.per_diem_threshold_minutes


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
    psychotherapy_minutes=None,
    by_prescriber=False,
):
    """The suggestion for one patient at one session.

    `day_minutes`: the patient's attended program minutes that day (per diem); `day_codes`:
    the (code, label) of each of the day's sessions (the bundled components; this session's
    own code when not given); `anchor`: whether this is the day's first attended session,
    which carries the one per-diem line (the others show their code as bundled);
    `first_visit`: no E/M visit by the program in the last NEW_PATIENT_YEARS (new-patient
    E/M); `level`: the level of care in force that day (the episode's current one when not
    given); `psychotherapy_minutes`: psychotherapy added to a medication-management visit
    (the add-on code follows the E/M code; without one it is not billable, and says so);
    `by_prescriber`: an intake evaluation by a prescriber (90792).
    """
    own = service_code(
        session,
        attendance,
        first_visit=first_visit,
        psychotherapy_minutes=psychotherapy_minutes,
        by_prescriber=by_prescriber,
    )
    own = [own] if own else []
    held = attendance is None or attendance.attended
    addon = (
        psychotherapy_addon(psychotherapy_minutes)
        if session.kind == TherapySession.Kind.MED_MGMT and held
        else None
    )
    if addon and own:
        own.append(addon)
    elif addon:
        return Suggestion(
            own, note=f"{addon[0]} needs an E/M visit: E/M time under the lowest band"
        )
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
    if not per_diem_day_reached(program, day_minutes):
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
