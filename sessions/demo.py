"""Demo groups, eight weeks of past sessions with realistic attendance, notes signed and not,
and upcoming sessions. Runs after the patients and plans demos."""

import random
from datetime import datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone

from patients.models import Episode, Program
from sessions import services
from sessions.models import Attendance, ProgressNote, TherapyGroup, TherapySession

GROUPS = [
    # name, program name, kind, weekdays, start, minutes, facilitators
    (
        "Morning IOP Group",
        "Adult Mental Health IOP",
        "process",
        [0, 2, 4],
        time(9),
        180,
        ["clinician"],
    ),
    (
        "DBT Skills Group",
        "Adult Mental Health IOP",
        "dbt_skills",
        [1, 3],
        time(9),
        180,
        ["clinician2", "clinician"],
    ),
    (
        "Recovery Skills Group",
        "Substance Use IOP",
        "relapse_prevention",
        [0, 2, 4],
        time(13),
        180,
        ["clinician"],
    ),
    ("Teen Skills Group", "Adolescent IOP", "dbt_skills", [1, 3], time(15), 120, ["clinician2"]),
]

TOPICS = [
    "behavioural activation and scheduling pleasant activities",
    "noticing and challenging unhelpful thoughts",
    "distress tolerance: the TIPP skills",
    "sleep hygiene and evening routines",
    "values and small steps toward them",
    "warning signs and relapse-prevention plans",
    "communicating needs with the people close to us",
]
PHRASES = [
    "shared an example from the week and practised the skill with the group",
    "was quiet at first, then described a difficult conversation and how it went",
    "reported completing two planned activities and noticed a small lift in mood",
    "struggled with the homework; we agreed a smaller first step",
    "gave feedback to a peer and connected the topic to their own goals",
    "described using the skill during a stressful shift at work",
]
# Patterns per patient (by last name): probability of each status.
PATTERNS = {
    # struggling, no-shows at the end
    "Okafor": {Attendance.Status.ABSENT_UNEXCUSED: 0.35, Attendance.Status.LATE: 0.15},
    # low hours
    "Marsh": {
        Attendance.Status.ABSENT_EXCUSED: 0.3,
        Attendance.Status.ABSENT_UNEXCUSED: 0.2,
        Attendance.Status.LEFT_EARLY: 0.2,
    },
    "Silva": {Attendance.Status.LATE: 0.2},
}


def _status(rng, last_name):
    pattern = PATTERNS.get(
        last_name,
        {
            Attendance.Status.LATE: 0.08,
            Attendance.Status.LEFT_EARLY: 0.05,
            Attendance.Status.ABSENT_EXCUSED: 0.05,
        },
    )
    roll, total = rng.random(), 0.0
    for status, chance in pattern.items():
        total += chance
        if roll < total:
            return status
    return Attendance.Status.PRESENT


def _free_start(day, earliest, minutes, clinician, episode):
    """The first start on `day`, from `earliest`, of a `minutes`-long session that meets none
    of the groups the clinician runs or the patient's program holds, nor a session already
    booked for either (the demo's individual and family sessions)."""
    tz = timezone.get_current_timezone()
    busy = [
        (datetime.combine(day, g.start_time, tzinfo=tz), g.duration_minutes)
        for g in TherapyGroup.objects.filter(
            Q(facilitators=clinician) | Q(program_id=episode.program_id)
        ).distinct()
        if day.weekday() in g.schedule_days
    ]
    busy += [
        (s.starts_at, s.duration_minutes)
        for s in TherapySession.objects.filter(
            Q(clinicians=clinician) | Q(episode=episode), group=None
        ).on_day(day)
    ]
    start = datetime.combine(day, earliest, tzinfo=tz)
    moved = True
    while moved:
        moved = False
        for other, length in busy:
            other_end = other + timedelta(minutes=length)
            if other < start + timedelta(minutes=minutes) and other_end > start:
                start, moved = other_end, True
    return start


def seed(*, password, stdout):
    if TherapyGroup.objects.exists():
        stdout.write("  groups already present; left as they are")
        return
    users = {u.username: u for u in get_user_model().objects.all()}
    if "clinician" not in users:
        return
    rng = random.Random(7)  # noqa: S311 - repeatable demo data, not security
    today = timezone.localdate()
    first_monday = services.week_start(today) - timedelta(weeks=8)
    get_user_model().objects.filter(username="clinician2").update(is_trainee=True)
    programs = {p.name: p for p in Program.objects.all()}
    groups = []
    for name, program, kind, days, start, minutes, facilitators in GROUPS:
        if program not in programs:
            continue
        group = TherapyGroup.objects.create(
            name=name,
            program=programs[program],
            kind=kind,
            schedule_days=days,
            start_time=start,
            duration_minutes=minutes,
            capacity=12,
            location="Group room " + "ABCD"[len(groups)],
        )
        group.facilitators.set([users[f] for f in facilitators if f in users])
        groups.append(group)
        for episode in Episode.objects.filter(program=group.program, status=Episode.Status.ACTIVE):
            services.group_enroll(
                group=group,
                episode=episode,
                user=users.get("director") or users["clinician"],
                start_date=max(first_monday, episode.admission_date or first_monday),
            )
    made = services.group_schedule_generate(start=first_monday, weeks=11)

    # A planned step-down for Carmen two weeks ago: below the minimum, but not non-attendance.
    carmen = Episode.objects.filter(
        patient__legal_last_name="Silva", status=Episode.Status.ACTIVE
    ).first()
    step_week = services.week_start(today) - timedelta(weeks=2)
    if carmen:
        services.step_down_record(
            episode=carmen,
            starts_on=step_week,
            ends_on=step_week + timedelta(days=6),
            reason="Planned week with family out of state.",
            user=users["clinician"],
        )

    now = timezone.now()
    past = TherapySession.objects.filter(starts_at__lt=now - timedelta(hours=3)).select_related(
        "group"
    )
    notes = 0
    for session in past.order_by("starts_at"):
        runner = session.clinicians.first()
        day = timezone.localtime(session.starts_at).date()
        for episode in services.session_roster(session):
            if episode.admission_date and day < episode.admission_date:
                continue  # enrolled from the first Monday, admitted later: not yet in care
            last = episode.patient.legal_last_name
            status = _status(rng, last)
            if (
                last == "Silva"
                and services.week_start(timezone.localtime(session.starts_at).date()) == step_week
            ):
                status = Attendance.Status.ABSENT_EXCUSED
            if last == "Okafor" and session.starts_at > now - timedelta(days=5):
                status = Attendance.Status.ABSENT_UNEXCUSED  # two no-shows in a row this week
            services.attendance_mark(session=session, episode=episode, status=status, user=runner)
        if not session.attendance.filter(status__in=Attendance.ATTENDED).exists():
            continue
        # Notes: signed up to three days ago; the last few days are left to write, and one is
        # a draft started but not signed.
        if session.starts_at > now - timedelta(days=3):
            if not ProgressNote.objects.filter(status=ProgressNote.Status.DRAFT).exists():
                draft = services.note_start(
                    session=session, user=runner, format=ProgressNote.Format.SOAP
                )
                services.note_save(
                    note=draft,
                    user=runner,
                    shared={
                        "subjective": "Members described a hard week.",
                        "objective": "",
                        "assessment": "",
                        "plan": "",
                    },
                )
            continue
        topic = TOPICS[session.pk % len(TOPICS)]
        note = services.note_start(
            session=session, user=runner, format=ProgressNote.Format.DAP, topic=topic
        )
        # Each attendee's part says something of their own (parts alike are refused as cloned;
        # the demo's groups have fewer attendees than there are phrases).
        phrases = rng.sample(PHRASES, k=len(PHRASES))
        entries = {
            e.patient_id: {
                "text": f"{e.patient.display_name} {phrases[i % len(phrases)]}.",
                "risk_level": "none",
            }
            for i, e in enumerate(note.entries.select_related("patient"))
        }
        services.note_save(
            note=note,
            user=runner,
            entries=entries,
            shared={
                "data": f"Group topic: {topic}. Skills teaching, then practice in pairs.",
                "assessment": "Members engaged; practice varied in depth.",
                "plan": "Continue the skill as homework; review next session.",
            },
        )
        services.note_sign(note=note, user=runner)
        # Signed when a clinician would have: within hours of the group (every seventh a day
        # and a half late), not at the moment the demo is loaded (the signature's hash does not
        # cover the time; the compliance report reads it).
        late = timedelta(hours=36) if session.pk % 7 == 0 else timedelta(hours=2)
        signed_at = min(
            session.starts_at + timedelta(minutes=session.duration_minutes) + late, timezone.now()
        )
        ProgressNote.objects.filter(pk=note.pk).update(signed_at=signed_at)
        notes += 1

    # Today: an individual session for Casey with Avery in the afternoon; a family session
    # next week; a weekly series on Thursdays. Each at an hour neither of them has a group.
    avery = Episode.objects.filter(
        patient__legal_last_name="Nguyen", status=Episode.Status.ACTIVE
    ).first()
    if avery:
        casey = users["clinician"]
        services.session_schedule(
            kind=TherapySession.Kind.INDIVIDUAL,
            starts_at=_free_start(today, time(15), 50, casey, avery),
            duration_minutes=50,
            clinicians=[casey],
            episode=avery,
            location="Room 3",
            user=casey,
        )
        services.session_schedule(
            kind="family",
            starts_at=_free_start(today + timedelta(days=7), time(15), 60, casey, avery),
            duration_minutes=60,
            clinicians=[casey],
            episode=avery,
            location="Room 3",
            family_members=[{"name": "Sam Nguyen", "relationship": "partner"}],
            patient_present=True,
            user=casey,
        )
        # From next Thursday, after the family session when that is on the same day.
        next_thursday = today + timedelta(days=(3 - today.weekday()) % 7 or 7)
        services.session_series_schedule(
            kind="individual",
            starts_at=_free_start(next_thursday, time(16), 50, casey, avery),
            duration_minutes=50,
            clinicians=[casey],
            episode=avery,
            location="Room 3",
            recurrence=services.Recurrence(weekdays=(3,), count=4),
            user=casey,
        )
    stdout.write(
        f"  {len(groups)} groups, {made} group sessions, "
        f"{Attendance.objects.count()} attendance records, {notes} signed notes, "
        f"{ProgressNote.objects.filter(status='draft').count()} drafts"
    )
