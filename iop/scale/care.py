"""Sessions of the scale program: each group's sessions on its schedule, each patient's
individual and family sessions and intake evaluation, with the attendance taken, the progress
notes written (signed with their content hash, as `note_sign` does), and the risk alerts a
note's re-check raises."""

from datetime import datetime, timedelta

from iop.scale.notes import ALERT_FIELDS, ATTENDANCE_FIELDS, ENTRY_FIELDS, NOTE_FIELDS, NoteTaking
from iop.scale.trail import CREATE, UPDATE
from sessions.models import Attendance, NoteEntry, ProgressNote, TherapySession

HOLIDAYS = {(12, 25), (1, 1), (7, 4)}
SESSION_FIELDS = (
    "id",
    "kind",
    "delivery",
    "starts_at",
    "duration_minutes",
    "location",
    "telehealth_link",
    "group_id",
    "episode_id",
    "patient_id",
    "status",
    "patient_present",
    "place_of_service",
    "telehealth_modifier",
    "created_by_id",
    "created_at",
)


class Sessions(NoteTaking):
    """Collects the rows of every session-related table, then writes them."""

    def __init__(self, world):
        self.world = world
        self.rng = world.rng
        self.busy = {}  # (user or ("e", episode), day) → hours taken
        self.sessions, self.clinicians, self.attendance = [], [], []
        self.notes, self.entries, self.alerts = [], [], []
        self.day_status = {}  # (episode, day) → how the patient attends the program's day
        self.visits = set()  # medication-management sessions: their note is the MED structure

    def next(self, model):
        return self.world.sink.new_id(model)

    def take(self, key, day, hours):
        self.busy.setdefault((key, day), set()).update(hours)

    def free(self, keys, day):
        taken = set()
        for key in keys:
            taken |= self.busy.get((key, day), set())
        return [h for h in range(8, 18) if h not in taken]

    # --- groups ------------------------------------------------------------------------
    def groups(self):
        world = self.world
        progress = world.progress
        days = (world.end_day - world.start_day).days + 1
        progress.stage("planning group sessions", len(world.groups))
        last_part = max(g.part for g in world.groups)
        for group in world.groups:
            members = sorted(group.members, key=lambda e: (e.last, e.first, e.id))
            for n in range(days):
                day = world.start_day + timedelta(days=n)
                if day.weekday() not in group.days:
                    continue
                roster = [e for e in members if e.enrolled(day)]
                for user in group.facilitators:
                    self.take(user, day, group.hours)
                for e in roster:
                    self.take(("e", e.id), day, group.hours)
                statuses = {e.id: self._day_part(e, day, group.part, last_part) for e in roster}
                self._group_session(group, day, roster, statuses)
            progress.advance()

    def _day_part(self, e, day, part, last_part):
        """A patient's status in one group of the day: absent from the whole day, late for
        its first group, leaving early from its last."""
        key = (e.id, day)
        if key not in self.day_status:
            self.day_status[key] = self._status(e)
        status = self.day_status[key]
        if (status == "late" and part > 0) or (status == "left_early" and part < last_part):
            return "present"
        return status

    def _group_session(self, group, day, roster, statuses):
        world, rng = self.world, self.rng
        starts = datetime.combine(day, group.start, tzinfo=world.tz)
        pk = self.next(TherapySession)
        ends = starts + timedelta(minutes=group.minutes)
        status = "scheduled"
        holiday = (day.month, day.day) in HOLIDAYS or (ends <= world.now and not roster)
        # The co-facilitators take turns to run a group (attendance and note).
        runner = group.facilitators[group.part % len(group.facilitators)]
        if holiday or (ends <= world.now and rng.random() < 0.004):
            status = "cancelled"
            when = min(starts - timedelta(days=2), world.now)
            world.trail.change(
                when,
                runner,
                UPDATE,
                "therapy_sessions.therapysession",
                pk,
                None,
                detail="cancelled",
                path=f"/sessions/{pk}/cancel/",
            )
        elif ends <= world.now:
            status = "completed"
        self.sessions.append(
            (
                pk,
                "group",
                "in_person",
                starts,
                group.minutes,
                group.location,
                "",
                group.id,
                None,
                None,
                status,
                None,
                "",
                "",
                None,
                min(starts - timedelta(days=28), world.now),
            )
        )
        for user in group.facilitators:
            self.clinicians.append((pk, user))
        if status == "completed":
            self._attend(
                pk,
                None,
                starts,
                group.minutes,
                roster,
                runner,
                group.facilitators,
                statuses=statuses,
            )

    # --- individual sessions -----------------------------------------------------------
    def individual(self):
        world = self.world
        progress = world.progress
        progress.stage("planning individual sessions", len(world.admitted))
        for e in world.admitted:
            self._episode_sessions(e)
            progress.advance()

    def _episode_sessions(self, e):
        world, rng = self.world, self.rng
        intake_day = e.admission_date - timedelta(days=rng.randint(1, 3))
        if intake_day >= world.start_day and intake_day.weekday() < 5:
            self._book(e, intake_day, "intake_evaluation", 90, e.primary)
        first = max(e.admission_date, world.start_day)
        last = min(e.discharge_date or world.end_day, world.end_day)
        week = first - timedelta(days=first.weekday())
        n = 0
        while week <= last:
            # Besides the groups: two individual sessions a week, family therapy one week in
            # four, medication management with the program's prescriber fortnightly.
            kinds = ["individual", "individual"]
            kinds += ["family"] if n % 4 == 2 else []
            kinds += ["medication_management"] if n % 2 == 0 else []
            for kind, offset in zip(kinds, rng.sample(range(5), len(kinds)), strict=True):
                day = week + timedelta(days=offset)
                if first <= day <= last:
                    minutes = {"family": 60, "medication_management": 30}.get(kind, 50)
                    who = e.prescriber if kind == "medication_management" else e.primary
                    self._book(e, day, kind, minutes, who)
            week += timedelta(days=7)
            n += 1

    def _book(self, e, day, kind, minutes, clinician=None):
        world, rng = self.world, self.rng
        clinician = clinician or e.primary
        free = self.free([clinician, ("e", e.id)], day)
        span = -(-minutes // 60)  # the hours it takes (an intake evaluation two)
        hours = [h for h in free if all(h + i in free for i in range(span))]
        if not hours:
            return
        hour = rng.choice(hours)
        taken = set(range(hour, hour + span))
        self.take(clinician, day, taken)
        self.take(("e", e.id), day, taken)
        starts = datetime.combine(day, datetime.min.time(), tzinfo=world.tz).replace(hour=hour)
        ends = starts + timedelta(minutes=minutes)
        pk = self.next(TherapySession)
        booked_from = (
            e.referred_at + timedelta(hours=2) if kind == "intake_evaluation" else e.admitted_at
        )
        created = min(
            max(booked_from, starts - timedelta(days=7)), starts - timedelta(minutes=30), world.now
        )
        tele = kind != "intake_evaluation" and rng.random() < 0.2
        status = "scheduled"
        if ends <= world.now:
            roll = rng.random()
            status = (
                "cancelled"
                if roll < 0.04
                else "no_show"
                if roll < 0.04 + e.absent_rate
                else "completed"
            )
        self.sessions.append(
            (
                pk,
                kind,
                "telehealth" if tele else "in_person",
                starts,
                minutes,
                "" if tele else f"Office {clinician % 12 + 1}",
                f"https://telehealth.example.org/s/{pk}" if tele else "",
                None,
                e.id,
                e.patient_id,
                status,
                True if kind == "family" else None,
                "10" if tele else "",
                "95" if tele else "",
                clinician,
                created,
            )
        )
        self.clinicians.append((pk, clinician))
        if kind == "medication_management":
            self.visits.add(pk)
        world.trail.change(
            created,
            clinician,
            CREATE,
            "therapy_sessions.therapysession",
            pk,
            e.patient_id,
            path="/sessions/new/",
        )
        if status == "cancelled":
            world.trail.change(
                min(starts - timedelta(hours=3), world.now),
                clinician,
                UPDATE,
                "therapy_sessions.therapysession",
                pk,
                e.patient_id,
                detail="cancelled",
                path=f"/sessions/{pk}/cancel/",
            )
        elif status != "scheduled":
            self._attend(
                pk,
                e.patient_id,
                starts,
                minutes,
                [e],
                clinician,
                [clinician],
                no_show=status == "no_show",
            )

    # --- attendance, notes -------------------------------------------------------------
    def write(self):
        from patients.models import Alert

        sink = self.world.sink
        sink.write(TherapySession, SESSION_FIELDS, self.sessions, label="sessions")
        through = TherapySession.clinicians.through
        ids = sink.ids(through, len(self.clinicians))
        sink.write(
            through,
            ("id", "therapysession_id", "user_id"),
            ((pk, s, u) for pk, (s, u) in zip(ids, self.clinicians, strict=True)),
            label="session clinicians",
            total=len(self.clinicians),
        )
        sink.write(Attendance, ATTENDANCE_FIELDS, self.attendance, label="attendance")
        sink.write(ProgressNote, NOTE_FIELDS, self.notes, label="progress notes")
        sink.write(NoteEntry, ENTRY_FIELDS, self.entries, label="note entries")
        sink.write(Alert, ALERT_FIELDS, self.alerts, label="alerts (from notes)")
