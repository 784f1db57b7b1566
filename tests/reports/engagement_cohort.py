"""A hand-built engagement cohort (November 2026, New York time) with its figures worked out in
`tests/reports/test_engagement.py`, and a scalable one for the query budgets.

The range is Tuesday 3 to Sunday 22 November 2026; "today" is Wednesday 25 November. The weeks
wholly in the range and over are those of Monday 9 and Monday 16 November.

Program A ("Adult Mental Health IOP", supervised by `supervisor`), group G, and:
- Ann, IOP adult, `clinician`'s;      - Ben, IOP adult, `clinician2`'s (a step-down week of 16);
- Cal, PHP adult, `clinician`'s, admitted Wednesday 11 November (mid-week);
- Dee, IOP adolescent (born 2010), `clinician`'s;  - Eve, OP, `clinician`'s.
Program B ("Substance Use IOP"): Zed, `clinician2`'s with `supervisor` on the care team.

Marks (P present, L late, E left early, AE absent excused, AU absent unexcused; minutes):
  G Mon 2 Nov 09:00 (before the range)       Ann P 180
  G Tue 3 Nov 09:00 (the first day)          Ann P 180, Ben AU
  G Wed 4 Nov 09:00 CANCELLED                Ann AU
  G Mon 9                                    Ann P 180, Ben P 180, Dee P 180, Eve P 180
  G Wed 11                                   Ann P 180, Ben P 180, Dee P 180
  G Fri 13                                   Ann P 180, Ben AU
  individual Thu 12 10:00                    Ann P 50
  individual Thu 12 11:00 (no-show)          Ben AU
  individual Fri 13 10:00                    Ben AE
  G Mon 16                                   Ann P 180, Ben AE, Cal P 180, Dee P 180
  individual Tue 17 09:00                    Cal P 360
  G Wed 18                                   Cal P 180, Dee AU
  individual Thu 19 09:00                    Cal P 360
  family without the patient Thu 19 14:00    Ann P 400 (a stray mark: never counted)
  G Fri 20                                   Cal P 180
  G Sun 22 23:30 (the last day, local)       Ann L 120, Ben E 60
  G Mon 23 00:30 (after the range)           Ann AU
  group B Mon 9, Wed 11                      Zed AU, Zed P 180
"""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from patients.models import Episode, Program
from sessions.models import Attendance, StepDown, TherapySession
from tests.factories import EpisodeFactory, ProgramFactory, TherapyGroupFactory

NY = ZoneInfo("America/New_York")
START, END, TODAY = date(2026, 11, 3), date(2026, 11, 22), date(2026, 11, 25)
NOW = datetime(2026, 11, 25, 10, 0, tzinfo=NY)
P, L, E = Attendance.Status.PRESENT, Attendance.Status.LATE, Attendance.Status.LEFT_EARLY
AE, AU = Attendance.Status.ABSENT_EXCUSED, Attendance.Status.ABSENT_UNEXCUSED


def at(day, hour, minute=0):
    return datetime.combine(date(2026, 11, day), time(hour, minute), tzinfo=NY)


def episode(name, program, clinician, *, level="IOP", admitted=date(2026, 11, 2), born=None):
    return EpisodeFactory(
        patient__legal_first_name=name,
        patient__legal_last_name="Test",
        patient__date_of_birth=born or date(1990, 1, 1),
        program=program,
        level_of_care=level,
        admission_date=admitted,
        primary_clinician=clinician,
    )


def session(starts_at, marks, *, group=None, minutes=180, kind=None, status=None, **extra):
    """A session with its attendance `marks` [(episode, status, minutes)]."""
    single = group is None
    made = TherapySession.objects.create(
        kind=kind or ("individual" if single else "group"),
        group=group,
        starts_at=starts_at,
        duration_minutes=minutes,
        episode=marks[0][0] if single else None,
        patient=marks[0][0].patient if single else None,
        status=status or TherapySession.Status.COMPLETED,
        **extra,
    )
    Attendance.objects.bulk_create(
        Attendance(session=made, episode=e, patient_id=e.patient_id, status=s, minutes_attended=m)
        for e, s, m in marks
    )
    return made


def build_cohort(program, clinician, clinician2, supervisor):
    """The worked cohort above; returns its episodes by first name."""
    other = ProgramFactory(name="Substance Use IOP", track=Program.Track.SUBSTANCE_USE)
    g = TherapyGroupFactory(name="G", program=program)
    gb = TherapyGroupFactory(name="Group B", program=other)
    ann = episode("Ann", program, clinician)
    ben = episode("Ben", program, clinician2)
    cal = episode("Cal", program, clinician, level="PHP", admitted=date(2026, 11, 11))
    dee = episode("Dee", program, clinician, born=date(2010, 6, 1))
    eve = episode("Eve", program, clinician, level="OP")
    zed = episode("Zed", other, clinician2)
    zed.care_team.add(supervisor)
    StepDown.objects.create(
        episode=ben, starts_on=date(2026, 11, 16), ends_on=date(2026, 11, 22), reason="Planned."
    )
    session(at(2, 9), [(ann, P, 180)], group=g)
    session(at(3, 9), [(ann, P, 180), (ben, AU, 0)], group=g)
    session(at(4, 9), [(ann, AU, 0)], group=g, status=TherapySession.Status.CANCELLED)
    session(at(9, 9), [(ann, P, 180), (ben, P, 180), (dee, P, 180), (eve, P, 180)], group=g)
    session(at(11, 9), [(ann, P, 180), (ben, P, 180), (dee, P, 180)], group=g)
    session(at(13, 9), [(ann, P, 180), (ben, AU, 0)], group=g)
    session(at(12, 10), [(ann, P, 50)], minutes=50)
    session(at(12, 11), [(ben, AU, 0)], minutes=50, status=TherapySession.Status.NO_SHOW)
    session(at(13, 10), [(ben, AE, 0)], minutes=50, status=TherapySession.Status.NO_SHOW)
    session(at(16, 9), [(ann, P, 180), (ben, AE, 0), (cal, P, 180), (dee, P, 180)], group=g)
    session(at(17, 9), [(cal, P, 360)], minutes=360)
    session(at(18, 9), [(cal, P, 180), (dee, AU, 0)], group=g)
    session(at(19, 9), [(cal, P, 360)], minutes=360)
    session(at(19, 14), [(ann, P, 400)], minutes=400, kind="family", patient_present=False)
    session(at(20, 9), [(cal, P, 180)], group=g)
    session(at(22, 23, 30), [(ann, L, 120), (ben, E, 60)], group=g)
    session(at(23, 0, 30), [(ann, AU, 0)], group=g)
    session(at(9, 9), [(zed, AU, 0)], group=gb)
    session(at(11, 9), [(zed, P, 180)], group=gb)
    return {"ann": ann, "ben": ben, "cal": cal, "dee": dee, "eve": eve, "zed": zed, "g": g}


def build_scaled(program, clinician, count):
    """`count` IOP patients of `clinician` in one group, with marks of every kind each week,
    a level change and a step-down each: the query budgets' data."""
    group = TherapyGroupFactory(name=f"Scaled {count}", program=program)
    statuses = [P, L, E, AE, AU]
    episodes = [
        episode(f"S{n}", program, clinician, admitted=date(2026, 11, 2)) for n in range(count)
    ]
    for n, e in enumerate(episodes):
        e.level_changes.create(
            from_level="PHP", to_level="IOP", effective_date=date(2026, 11, 2), reason="Review"
        )
        StepDown.objects.create(
            episode=e, starts_on=date(2026, 11, 16), ends_on=date(2026, 11, 17), reason="Planned."
        )
        session(at(10 + n % 3, 13), [(e, P, 50)], minutes=50)
    for day in (3, 9, 11, 13, 16, 18, 20):
        marks = []
        for n, e in enumerate(episodes):
            status = statuses[(n + day) % len(statuses)]
            minutes = {P: 180, L: 120, E: 60}.get(status, 0)
            marks.append((e, status, minutes))
        session(at(day, 9), marks, group=group)
    Episode.objects.filter(pk__in=[e.pk for e in episodes]).update(level_of_care="IOP")
    return episodes
