"""Double bookings: a clinician, a room or a patient already taken at a session's time.

One read for any number of slots (a whole recurring series is checked at once): the active
sessions overlapping the series' span that share a clinician, the room or the patient, then
each slot is compared in Python. A room is the location text of an in-person session (case
and surrounding spaces ignored); a patient is taken by their own sessions and by the group
sessions of the groups they are enrolled in on that day.
"""

from dataclasses import dataclass, field
from datetime import timedelta

from django.db.models import Q
from django.db.models.functions import Lower, Trim
from django.utils import timezone

from sessions.models import GroupEnrollment, TherapySession

ACTIVE_SESSION = ~Q(status=TherapySession.Status.CANCELLED)
# The longest session (600 minutes) and then some: what may still run at a slot's start.
LONGEST = timedelta(hours=12)


@dataclass
class Booking:
    """What a session (or a slot of a series) needs free."""

    duration_minutes: int
    clinicians: list
    location: str = ""
    delivery: str = TherapySession.Delivery.IN_PERSON
    episode: object = None
    exclude_ids: tuple = ()

    @property
    def room(self):
        if self.delivery != TherapySession.Delivery.IN_PERSON:
            return ""
        return room_key(self.location)


@dataclass
class Clash:
    field: str  # the form field it belongs to: clinicians, location or episode
    message: str


@dataclass
class SlotConflicts:
    starts_at: object
    ends_at: object
    clashes: list = field(default_factory=list)

    @property
    def messages(self):
        return [c.message for c in self.clashes]


def room_key(location):
    """A room as compared: the location without surrounding spaces, in lower case (as the
    database's LOWER(TRIM()) reads it)."""
    return location.strip().lower()


def _when(session):
    start, end = timezone.localtime(session.starts_at), timezone.localtime(session.ends_at)
    return f"{start:%a %-d %b %H:%M}–{end:%H:%M}"


def _what(session):
    if session.group_id:
        return session.group.name
    return session.get_kind_display().lower()


def booking_conflicts(booking, starts):
    """[SlotConflicts] for each start in `starts` (aware datetimes), with what is taken."""
    if not starts:
        return []
    span_start = min(starts) - LONGEST
    span_end = max(starts) + timedelta(minutes=booking.duration_minutes)
    clinician_ids = {c.pk for c in booking.clinicians}
    who = Q(clinicians__in=clinician_ids) if clinician_ids else Q(pk__in=[])
    room = booking.room
    if room:
        who |= Q(delivery=TherapySession.Delivery.IN_PERSON, room_key=room)
    enrollments = []
    patient_id = booking.episode.patient_id if booking.episode is not None else None
    if patient_id is not None:
        who |= Q(patient_id=patient_id)
        enrollments = list(
            GroupEnrollment.objects.filter(episode__patient_id=patient_id).only(
                "group_id", "start_date", "end_date"
            )
        )
        if enrollments:
            who |= Q(group_id__in={e.group_id for e in enrollments})
    candidate_ids = (
        TherapySession.objects.alias(room_key=Lower(Trim("location")))
        .filter(ACTIVE_SESSION, who)
        .filter(starts_at__gte=span_start, starts_at__lt=span_end)
        .exclude(pk__in=booking.exclude_ids)
        .values("pk")
    )
    candidates = list(
        TherapySession.objects.filter(pk__in=candidate_ids)
        .select_related("group")
        .prefetch_related("clinicians")
    )
    results = []
    for starts_at in sorted(starts):
        ends_at = starts_at + timedelta(minutes=booking.duration_minutes)
        slot = SlotConflicts(starts_at, ends_at)
        day = timezone.localtime(starts_at).date()
        for other in candidates:
            if not (other.starts_at < ends_at and other.ends_at > starts_at):
                continue
            for clinician in other.clinicians.all():
                if clinician.pk in clinician_ids:
                    slot.clashes.append(
                        Clash(
                            "clinicians",
                            f"{clinician.display_name} is already booked {_when(other)} "
                            f"({other.get_kind_display().lower()}).",
                        )
                    )
            other_room = room_key(other.location)
            if room and other.delivery == TherapySession.Delivery.IN_PERSON and other_room == room:
                slot.clashes.append(
                    Clash(
                        "location",
                        f"{other.location.strip()} is taken {_when(other)} ({_what(other)}).",
                    )
                )
            if patient_id is not None and _patient_there(other, patient_id, enrollments, day):
                name = booking.episode.patient.display_name
                slot.clashes.append(
                    Clash("episode", f"{name} already has {_what(other)} {_when(other)}.")
                )
        results.append(slot)
    return results


def _patient_there(session, patient_id, enrollments, day):
    if session.patient_id == patient_id:
        return True
    return any(
        e.group_id == session.group_id
        and e.start_date <= day
        and (e.end_date is None or e.end_date >= day)
        for e in enrollments
    )
