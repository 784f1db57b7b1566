"""Attendance and progress notes of the scale program's sessions: attendance taken against
the roster, the note written and signed with its content hash (as `note_sign` computes it,
with the attendance it states), co-signed for trainees, and the risk alert a moderate or high
re-check raises."""

from datetime import timedelta

from iop.scale.trail import CREATE, UPDATE, VIEW
from sessions.models import Attendance, NoteEntry, ProgressNote

SECTIONS = {fmt: [key for key, _ in sections] for fmt, sections in ProgressNote.SECTIONS.items()}
SHARED = {
    "data": "Session on {topic}.",
    "subjective": "Described the week in relation to {topic}.",
    "objective": "Alert, oriented, engaged; affect congruent.",
    "behavior": "Arrived on time; discussed {topic}.",
    "intervention": "Skills teaching and rehearsal on {topic}.",
    "response": "Engaged; practised the skill with feedback.",
    "assessment": "Engagement good; practice varied in depth.",
    "plan": "Continue the skill as homework; review next session.",
    "target_symptoms": "Mood, sleep and cravings reviewed; {topic} discussed.",
    "adherence": "Takes the medication as prescribed by their account.",
    "side_effects": "None reported.",
    "changes_made": "No change.",
}
TOPICS = [
    "behavioural activation and scheduling pleasant activities",
    "noticing and challenging unhelpful thoughts",
    "distress tolerance: the TIPP skills",
    "sleep hygiene and evening routines",
    "values and small steps toward them",
    "warning signs and relapse-prevention plans",
    "communicating needs with the people close to us",
    "urge surfing and coping with cravings",
]
OPENINGS = [
    "shared an example from the week",
    "was quiet at first, then described a hard conversation",
    "reported completing two planned activities",
    "struggled with the homework",
    "gave feedback to a peer",
    "described using the skill during a stressful shift",
    "arrived tired after a poor night's sleep",
    "talked about a conflict at home",
    "noticed an urge and used a coping card",
    "brought a completed thought record",
    "spoke about a missed medication dose",
    "described a weekend with family",
]
MIDDLES = [
    "and practised the skill with the group",
    "and linked it to their own goals",
    "and we agreed a smaller first step",
    "and role-played the next conversation",
    "and rated mood 5/10, up from 3/10",
    "and identified two early warning signs",
    "and planned one pleasant activity a day",
    "and reviewed the safety plan",
    "and set a bedtime routine to try",
    "and named a support person to call",
]
CLOSINGS = [
    "Will try the plan before the next session.",
    "Homework: one entry a day.",
    "Follow up on sleep next time.",
    "Check in on work stress next session.",
    "Review the coping card next time.",
    "Continue the activation schedule.",
    "Discuss medication with the prescriber.",
    "Share the plan with family this week.",
]
ATTENDANCE_FIELDS = (
    "id",
    "session_id",
    "session_starts_at",
    "episode_id",
    "patient_id",
    "status",
    "minutes_attended",
    "recorded_by_id",
    "recorded_at",
)
NOTE_FIELDS = (
    "id",
    "session_id",
    "format",
    "shared",
    "status",
    "author_id",
    "revision",
    "created_at",
    "updated_at",
    "signed_by_id",
    "signed_at",
    "content_hash",
    "signed_attendance",
    "cosigned_by_id",
    "cosigned_at",
)
ENTRY_FIELDS = (
    "id",
    "note_id",
    "episode_id",
    "patient_id",
    "text",
    "objectives_addressed",
    "progress_ratings",
    "risk_level",
    "risk_notes",
)
ALERT_FIELDS = (
    "id",
    "patient_id",
    "episode_id",
    "program_id",
    "kind",
    "priority",
    "risk_level",
    "title",
    "detail",
    "action_url",
    "source_type",
    "source_id",
    "dedupe_key",
    "assigned_to_id",
    "raised_at",
    "status",
    "closed_by_id",
    "closed_at",
    "action_taken",
)


def minutes_for(status, duration):
    """As `sessions.services.attendance.default_minutes`."""
    if status == "present":
        return duration
    if status == "late":
        return max(duration - 15, 0)
    if status == "left_early":
        return max(duration - 30, 0)
    return 0


class NoteTaking:
    """Attendance, notes and note alerts; mixed into `iop.scale.care.Sessions`."""

    def _status(self, e, no_show=False):
        rng = self.rng
        if no_show:
            return "absent_unexcused" if rng.random() < 0.7 else "absent_excused"
        roll = rng.random()
        if roll < e.absent_rate:
            return "absent_unexcused" if rng.random() < 0.5 else "absent_excused"
        if roll < e.absent_rate + 0.07:
            return "late"
        if roll < e.absent_rate + 0.11:
            return "left_early"
        return "present"

    def _attend(
        self,
        session_id,
        patient_id,
        starts,
        minutes,
        roster,
        runner,
        clinicians,
        no_show=False,
        statuses=None,
    ):
        """Attendance taken on the session page; a group's note is written on the same visit
        (the page's composer), an individual session's on a later one."""
        world, trail = self.world, self.world.trail
        ends = starts + timedelta(minutes=minutes)
        recorded = min(ends + timedelta(minutes=self.rng.randint(1, 20)), world.now)
        shown = sorted(e.patient_id for e in roster)
        view = trail.request(runner)
        for pid in shown:
            trail.add(
                recorded - timedelta(minutes=1),
                runner,
                VIEW,
                "therapy_sessions.therapysession",
                session_id,
                pid,
                detail="session page",
                path=f"/sessions/{session_id}/",
                request=view,
            )
        state, attended = {}, []
        for e in roster:
            status = self._status(e, no_show) if statuses is None else statuses[e.id]
            mins = minutes_for(status, minutes)
            pk = self.next(Attendance)
            self.attendance.append(
                (pk, session_id, starts, e.id, e.patient_id, status, mins, runner, recorded)
            )
            state[str(e.patient_id)] = [status, mins]
            trail.change(
                recorded,
                runner,
                CREATE,
                "therapy_sessions.attendance",
                pk,
                e.patient_id,
                detail=f"{status}, {mins} min",
                path=f"/sessions/{session_id}/",
            )
            if status in Attendance.ATTENDED:
                attended.append(e)
        if attended:
            visit = None if statuses is None else recorded
            self._note(session_id, patient_id, ends, attended, state, runner, roster, visit)

    def _note(self, session_id, patient_id, ends, attended, state, author, roster, visit=None):
        world, rng, trail = self.world, self.rng, self.world.trail
        age = world.now - ends
        roll = rng.random()
        if age < timedelta(hours=48):
            outcome = "none" if roll < 0.55 else "draft" if roll < 0.8 else "signed"
        else:
            outcome = "draft" if roll < 0.004 else "signed"
        if visit is None:
            created = ends + timedelta(minutes=rng.randint(5, 120))
        else:
            created = visit + timedelta(minutes=rng.randint(2, 25))
        signed_at = created + timedelta(minutes=rng.randint(10, 60))
        if created > world.now:
            return
        if outcome == "signed" and signed_at > world.now:
            outcome = "draft" if created < world.now else "none"
        if outcome == "none":
            return
        pk = self.next(ProgressNote)
        staff = world.staff_by_id[author]
        fmt = ("DAP", "DAP", "SOAP", "BIRP")[author % 4]
        if session_id in getattr(self, "visits", ()):
            fmt = "MED"  # a medication-management visit's note
        topic = TOPICS[session_id % len(TOPICS)]
        path = f"/sessions/{session_id}/note/"
        view = trail.request(author)
        # Written on a later visit: the session page shows the roster again.
        shown = sorted(e.patient_id for e in roster) if visit is None else []
        for pid in shown:
            trail.add(
                created,
                author,
                VIEW,
                "therapy_sessions.therapysession",
                session_id,
                pid,
                detail="session page",
                path=f"/sessions/{session_id}/",
                request=view,
            )
        trail.change(
            created, author, CREATE, "therapy_sessions.progressnote", pk, patient_id, path=path
        )
        entries = []
        openings = rng.sample(OPENINGS, min(len(OPENINGS), len(attended)))
        for i, e in enumerate(sorted(attended, key=lambda e: e.patient_id)):
            draft = outcome == "draft"
            opening, middle = openings[i % len(openings)], rng.choice(MIDDLES)
            text = "" if draft else f"{e.first} {opening} {middle}. {rng.choice(CLOSINGS)}"
            risk = "" if draft else self._risk()
            notes = (
                "Passive thoughts of death this week; safety plan reviewed."
                if risk in ("moderate", "high")
                else ""
            )
            entries.append(
                NoteEntry(
                    id=self.next(NoteEntry),
                    note_id=pk,
                    episode_id=e.id,
                    patient_id=e.patient_id,
                    text=text,
                    objectives_addressed=[],
                    progress_ratings={},
                    risk_level=risk,
                    risk_notes=notes,
                )
            )
        if outcome == "draft":
            shared = {
                k: (SHARED[k].format(topic=topic) if i == 0 else "")
                for i, k in enumerate(SECTIONS[fmt])
            }
            updated = min(created + timedelta(minutes=5), world.now)
            self.notes.append(
                (
                    pk,
                    session_id,
                    fmt,
                    shared,
                    "draft",
                    author,
                    1,
                    created,
                    updated,
                    None,
                    None,
                    "",
                    None,
                    None,
                    None,
                )
            )
            trail.change(
                updated, author, UPDATE, "therapy_sessions.progressnote", pk, patient_id, path=path
            )
        else:
            self._sign(
                pk,
                session_id,
                patient_id,
                fmt,
                topic,
                entries,
                state,
                staff,
                created,
                signed_at,
                path,
            )
        self.entries += [
            (
                n.id,
                n.note_id,
                n.episode_id,
                n.patient_id,
                n.text,
                [],
                {},
                n.risk_level,
                n.risk_notes,
            )
            for n in entries
        ]

    def _risk(self):
        roll = self.rng.random()
        return (
            "none"
            if roll < 0.93
            else "low"
            if roll < 0.99
            else "moderate"
            if roll < 0.998
            else "high"
        )

    def _sign(
        self,
        pk,
        session_id,
        patient_id,
        fmt,
        topic,
        entries,
        state,
        staff,
        created,
        signed_at,
        path,
    ):
        world, rng, trail = self.world, self.rng, self.world.trail
        shared = {k: SHARED[k].format(topic=topic) for k in SECTIONS[fmt]}
        note = ProgressNote(
            id=pk, session_id=session_id, format=fmt, shared=shared, signed_attendance=state
        )
        digest = note.compute_hash(entries)
        status, cosigner, cosigned = "signed", None, None
        if staff.is_trainee:
            status = "awaiting_cosign"
            when = signed_at + timedelta(hours=rng.randint(20, 72))
            if when < world.now - timedelta(days=2):
                status, cosigner, cosigned = "signed", world.cosigner(staff), when
        self.notes.append(
            (
                pk,
                session_id,
                fmt,
                shared,
                status,
                staff.id,
                1,
                created,
                cosigned or signed_at,
                staff.id,
                signed_at,
                digest,
                state,
                cosigner,
                cosigned,
            )
        )
        trail.change(
            signed_at - timedelta(minutes=2),
            staff.id,
            UPDATE,
            "therapy_sessions.progressnote",
            pk,
            patient_id,
            path=path,
        )
        request = trail.request(staff.id)
        for entry in entries:
            trail.add(
                signed_at,
                staff.id,
                UPDATE,
                "therapy_sessions.progressnote",
                pk,
                entry.patient_id,
                detail="signed",
                path=path + "sign/",
                request=request,
            )
            if entry.risk_level in ("moderate", "high"):
                self._risk_alert(pk, session_id, entry, signed_at, staff.id)
        if cosigner:
            trail.change(
                cosigned,
                cosigner,
                UPDATE,
                "therapy_sessions.progressnote",
                pk,
                patient_id,
                detail="co-signed",
                path=f"/sessions/{session_id}/note/cosign/",
            )

    def _risk_alert(self, note_id, session_id, entry, raised, author):
        world = self.world
        e = world.episode_by_id[entry.episode_id]
        pk = world.sink.new_id(world.Alert)
        closed = raised + timedelta(hours=self.rng.randint(1, 30))
        is_closed = closed < world.now
        self.alerts.append(
            (
                pk,
                e.patient_id,
                e.id,
                world.program_ids[e.program],
                "risk",
                3,
                entry.risk_level,
                f"Risk re-check in session: {entry.risk_level}",
                entry.risk_notes,
                f"/sessions/{session_id}/#note",
                "",
                "",
                f"risk:note:{note_id}:{e.patient_id}",
                e.primary,
                raised,
                "closed" if is_closed else "open",
                e.primary if is_closed else None,
                closed if is_closed else None,
                "Risk assessed; safety plan reviewed with the patient." if is_closed else "",
            )
        )
        world.trail.change(
            raised,
            author,
            CREATE,
            "patients.alert",
            pk,
            e.patient_id,
            path=f"/sessions/{session_id}/note/sign/",
        )
        if is_closed:
            world.trail.change(
                closed,
                e.primary,
                UPDATE,
                "patients.alert",
                pk,
                e.patient_id,
                detail="closed",
                path=f"/patients/{e.patient_id}/alerts/",
            )
