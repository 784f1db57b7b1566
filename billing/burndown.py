"""What an authorization has used, counted from attendance (CLINICAL.md, *Authorizations and
utilization review*), for many authorizations at once in a fixed number of queries.

- Per-diem days: a day counts when the day's attended program time reaches the program's
  per-diem threshold, judged as the suggested codes judge it (`sessions.billing`).
- Units: one per attended session whose own code (`sessions.billing.service_code`) is among
  the authorization's codes; family therapy without the patient (90846) counts, though it
  needs no attendance.

Only days from the first authorized date to the last (and not after today) count; what was
used before attendance was recorded here (`Authorization.used_before`) is added.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db.models import BooleanField, F, Value
from django.utils import timezone

from billing.models import Authorization, Coverage
from iop.shapes import shape
from sessions.billing import per_diem_day_reached, per_diem_minutes, service_code
from sessions.days import in_days
from sessions.models import TherapySession
from sessions.services import attended_between

LOW_PERCENT = 80  # the "running low" alert and badge
ENDING_DAYS = 3  # the "ending" alert: this many days (or fewer) before the last date
REVIEW_LEAD_DAYS = 3  # the concurrent review alert: this many days before its date


@dataclass
class BurnDown:
    authorization: Authorization
    used: int = 0
    counted: list = field(default_factory=list)  # the days (or session dates) counted

    @property
    def authorized(self):
        return self.authorization.number_authorized

    @property
    def remaining(self):
        return max(0, self.authorized - self.used)

    @property
    def percent(self):
        return self.used * 100 // self.authorized if self.authorized else 100

    @property
    def low(self):
        """At least LOW_PERCENT used (exact: 16 of 20 is low, 15 of 20 is not)."""
        return self.used * 100 >= LOW_PERCENT * self.authorized

    def days_left(self, today=None):
        today = today or timezone.localdate()
        return (self.authorization.last_date - today).days

    def ending(self, today=None):
        return 0 <= self.days_left(today) <= ENDING_DAYS

    @property
    def unit_label(self):
        return "days" if self.authorization.unit == Authorization.Unit.DAYS else "units"

    @property
    def label(self):
        return f"{self.used} of {self.authorized} {self.unit_label} used ({self.percent} %)"

    @property
    def badge(self):
        if self.used >= self.authorized:
            return "danger"
        return "warning" if self.low else ""


def _local_day(moment):
    return timezone.localtime(moment).date()


def burndowns(authorizations, *, today=None):
    """{authorization id: BurnDown} for these authorizations (with `episode__program`
    selected), in at most two queries whatever their number."""
    authorizations = list(authorizations)
    today = today or timezone.localdate()
    found = {a.pk: BurnDown(a, used=a.used_before) for a in authorizations}
    counting = [a for a in authorizations if a.first_date <= today]
    if not counting:
        return found
    patient_ids = {a.episode.patient_id for a in counting}
    first = min(a.first_date for a in counting)
    last = min(max(a.last_date for a in counting), today)
    by_day = defaultdict(list)  # (patient id, day) -> attended records
    for record in attended_between(patient_ids, first, last):
        by_day[(record.patient_id, _local_day(record.session.starts_at))].append(record)
    without_patient = []
    if any(a.unit == Authorization.Unit.UNITS for a in counting):
        without_patient = [
            (s.patient_id, _local_day(s.starts_at), service_code(s))
            for s in TherapySession.objects.filter(
                in_days("starts_at", first, last),
                kind=TherapySession.Kind.FAMILY,
                patient_present=False,
                patient_id__in=patient_ids,
            ).exclude(status=TherapySession.Status.CANCELLED)
        ]
    for authorization in counting:
        burn = found[authorization.pk]
        patient_id = authorization.episode.patient_id
        end = min(authorization.last_date, today)
        days = sorted(
            day
            for (pid, day) in by_day
            if pid == patient_id and authorization.first_date <= day <= end
        )
        if authorization.unit == Authorization.Unit.DAYS:
            program = authorization.episode.program
            for day in days:
                if per_diem_day_reached(program, per_diem_minutes(by_day[(patient_id, day)])):
                    burn.counted.append(day)
        else:
            codes = set(authorization.codes)
            for day in days:
                for record in by_day[(patient_id, day)]:
                    code = service_code(record.session, record)
                    if code and code[0] in codes:
                        burn.counted.append(day)
            for pid, day, code in without_patient:
                in_range = authorization.first_date <= day <= end
                if pid == patient_id and in_range and code and code[0] in codes:
                    burn.counted.append(day)
        burn.used += len(burn.counted)
    return found


def authorizations_of(episode_ids, *, episodes=None):
    """The approved authorizations of these episodes, with what `burndowns` needs. `episodes`:
    the episodes already read with their program, by id (the chart header's), set on each
    authorization instead of joined again."""
    found = (
        Authorization.objects.filter(episode_id__in=episode_ids)
        .approved()
        .order_by("episode_id", "first_date", "pk")
    )
    if episodes is None:
        return found.select_related("episode__program", "coverage__payer")
    found = list(found)
    for authorization in found:
        authorization.episode = episodes[authorization.episode_id]
    return found


def current_burndowns(episode_ids, *, today=None, episodes=None):
    """{episode id: BurnDown} of the approved authorization in force today (else the next to
    start, else the last to end) for each of these episodes. Three queries at most.
    `episodes`: as `authorizations_of` takes them."""
    today = today or timezone.localdate()
    return _current(authorizations_of(episode_ids, episodes=episodes), today)


def read_current_burndown(episode, *, today=None):
    """`current_burndowns` of one episode read with its program (the chart header's), or None,
    as a reader (`iop.together`): its authorizations read by a shape (every chart page reads
    them), the attendance they count after."""
    (authorizations,) = yield (_episode_authorizations(episode.pk),)
    for authorization in authorizations:
        authorization.episode = episode
    return _current(authorizations, today or timezone.localdate()).get(episode.pk)


@shape
def _episode_authorizations(episode_id):
    return (
        Authorization.objects.filter(episode_id=episode_id)
        .approved()
        .order_by("episode_id", "first_date", "pk")
    )


def _current(authorizations, today):
    """{episode id: BurnDown} of the authorization chosen of each episode's `authorizations`."""
    chosen = {}
    for authorization in authorizations:
        best = chosen.get(authorization.episode_id)
        if best is None or _rank(authorization, today) < _rank(best, today):
            chosen[authorization.episode_id] = authorization
    found = burndowns(chosen.values(), today=today)
    return {a.episode_id: found[a.pk] for a in chosen.values()}


def _rank(authorization, today):
    if authorization.covers_day(today):
        return (0, authorization.first_date.toordinal())
    if authorization.first_date > today:
        return (1, authorization.first_date.toordinal())
    return (2, -authorization.last_date.toordinal())


def unauthorized_days(episode, *, first=None, last=None, today=None):
    """The days from `first` (the admission, else the referral) to `last` (today) the patient
    attended program time outside every approved authorization of the episode, except the
    days self-pay alone covers. Flagged, never refused. Three queries."""
    today = today or timezone.localdate()
    first = first or episode.admission_date or episode.referral_date
    last = min(last or today, today)
    if first is None or first > last:
        return []
    # Only the sessions' starts: the ~100 attendance and session rows of an episode were most
    # of the billing tab's work, built to be read for their dates.
    starts = (
        attended_between([episode.patient_id], first, last)
        .filter(episode_id=episode.pk)
        .values_list("session__starts_at", flat=True)
    )
    days = {_local_day(starts_at) for starts_at in starts}
    return days_outside_authorizations(episode.pk, days)


def days_outside_authorizations(episode_id, days):
    """Of `days`, those no approved authorization of the episode covers and no self-pay
    coverage alone pays for, sorted. Two queries."""
    outside = days_outside_episodes({(episode_id, day) for day in days})
    return sorted(day for _, day in outside)


def days_outside_episodes(pairs):
    """Of (episode id, day) `pairs`, the set no approved authorization of that episode covers
    and no self-pay coverage alone pays for. One query whatever their number: the approved
    authorizations' spans (no self-pay mark) with the coverages' (their mark)."""
    if not pairs:
        return set()
    episode_ids = {episode_id for episode_id, _ in pairs}
    authorizations = (
        Authorization.objects.filter(episode_id__in=episode_ids)
        .approved()
        .annotate(mark=Value(None, output_field=BooleanField()))
        .order_by()
        .values_list("episode_id", "mark", "first_date", "last_date")
    )
    coverages = (
        Coverage.objects.filter(episode_id__in=episode_ids)
        .annotate(mark=F("self_pay"))
        .order_by()
        .values_list("episode_id", "mark", "effective_from", "effective_to")
    )
    spans = defaultdict(list)
    coverage = defaultdict(list)
    for episode_id, self_pay, start, end in authorizations.union(coverages, all=True):
        if self_pay is None:
            spans[episode_id].append((start, end))
        else:
            coverage[episode_id].append((self_pay, start, end))

    def self_pay_only(episode_id, day):
        in_force = [
            s
            for s, start, end in coverage[episode_id]
            if start <= day and (end is None or day <= end)
        ]
        return bool(in_force) and all(in_force)

    return {
        (episode_id, day)
        for episode_id, day in pairs
        if not any(start <= day <= end for start, end in spans[episode_id])
        and not self_pay_only(episode_id, day)
    }


def flag_text(day: date):
    return f"Attended {day:%-d %b %Y} outside any approved authorization"
