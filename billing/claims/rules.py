"""What a claim line says and why one is held, from the session's billing suggestion
(`sessions.billing`, never re-derived here) and the record around it: the note, attendance
corrections, coverage and authorizations. Pure functions over what `build` read."""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone

from sessions.models import ProgressNote, TherapySession

# Place of service of a session held at the clinic (CMS code 11, office); telehealth sessions
# carry their own (02 or 10) with modifier 95 or 93 (CLINICAL.md, *Billing codes*).
IN_PERSON_POS = "11"
MAX_DAYS = 93  # one build or export covers at most about a quarter

NOT_SIGNED = "note not signed"
AWAITING_COSIGN = "note awaiting co-signature"
CORRECTED = "attendance corrected after the note was signed; no addendum since"
NO_COVERAGE = "no coverage in force on the date of service"


def no_authorization(code, day):
    return f"no approved authorization covers {code} on {day:%d %b %Y}"


def check_range(first, last, *, today=None):
    """The plausible range of a build or export: ordered, not in the future, at most MAX_DAYS."""
    today = today or timezone.localdate()
    errors = {}
    if first is None:
        errors["first_date"] = "Give the first date of service."
    if last is None:
        errors["last_date"] = "Give the last date of service."
    if errors:
        raise ValidationError(errors)
    if first < date(2000, 1, 1):
        errors["first_date"] = "Dates of service before 2000 are not in the record."
    elif last < first:
        errors["last_date"] = "The last date of service must be on or after the first."
    elif last > today:
        errors["last_date"] = "Services in the future cannot be billed."
    elif (last - first) > timedelta(days=MAX_DAYS - 1):
        errors["last_date"] = f"A range covers at most {MAX_DAYS} days."
    if errors:
        raise ValidationError(errors)


def note_reasons(note, corrections_at, addendum_at):
    """Why a session's note does not support billing yet ([] when it does): unsigned, awaiting
    co-signature, or attendance corrected after signing with no addendum written since."""
    if note is None or note.status == ProgressNote.Status.DRAFT:
        return [NOT_SIGNED]
    if note.status == ProgressNote.Status.AWAITING_COSIGN:
        return [AWAITING_COSIGN]
    if corrections_at and (addendum_at is None or addendum_at < max(corrections_at)):
        return [CORRECTED]
    return []


def coverage_on(coverages, day):
    """The coverage billed on `day`: the primary in force, else any in force (None: none)."""
    in_force = [c for c in coverages if c.in_force_on(day)]
    in_force.sort(key=lambda c: (c.priority != c.Priority.PRIMARY, -c.effective_from.toordinal()))
    return in_force[0] if in_force else None


def authorization_for(authorizations, code, day):
    """The approved authorization covering `code` on `day` (the latest first), or None."""
    for authorization in sorted(authorizations, key=lambda a: a.first_date, reverse=True):
        if authorization.covers_day(day) and code in authorization.codes:
            return authorization
    return None


def place_and_modifiers(session):
    if session.delivery == TherapySession.Delivery.TELEHEALTH:
        return session.place_of_service or "02", session.telehealth_modifier or ""
    return IN_PERSON_POS, ""


@dataclass
class Candidate:
    """A line as the record supports it now, before it is stored."""

    episode: object
    session: object
    day: date
    code: str
    description: str
    per_diem: bool = False
    bundled: list = field(default_factory=list)
    basis: str = ""
    reasons: list = field(default_factory=list)
    coverage: object = None
    authorization: object = None
