"""The lists of patients below their hours judge last week for the whole caseload at once
(`sessions.services.shortfall`): the same patients, minutes, level and minimum as the hours
ledger judges in Python, in every case CLINICAL.md names, in the lists' order; and the query
count does not grow with the caseload."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from patients.models import Episode, Patient, Program
from sessions.models import StepDown, TherapySession
from sessions.services import hours_ledger
from sessions.services.shortfall import BelowHours
from sessions.today import below_hours
from tests.factories import ProgramFactory
from tests.sessions.helpers import MON_2, MON_9, MON_16
from tests.sessions.test_hours_by_level_of_care import WED_18, attend, level_change, make  # noqa: F401

WED_11 = date(2026, 11, 11)


def ledger_below(episodes):
    """The ledger's judgement of last week, as the pages listed it before: [(episode id,
    minutes, level, minimum)], the largest shortfall first, then by name."""
    ledger = hours_ledger(episodes, weeks=2, today=WED_18)
    rows = []
    for episode in episodes:
        done = [w for w in ledger[episode.pk] if not w["in_progress"]]
        if done and done[-1]["below"]:
            week = done[-1]
            rows.append((episode, week))
    rows.sort(
        key=lambda r: (
            -(r[1]["minimum"] * 60 - r[1]["minutes"]),
            r[0].patient.legal_last_name,
            r[0].patient.legal_first_name,
            r[0].patient_id,
        )
    )
    return [(e.pk, w["minutes"], w["level"], w["minimum"]) for e, w in rows]


def database_below():
    rows = BelowHours(Episode.objects.filter(status=Episode.Status.ACTIVE), today=WED_18)
    return [
        (episode.pk, week["minutes"], week["level"], week["minimum"])
        for episode, week, _ in rows[0 : rows.count()]
    ]


@pytest.fixture
def program_of():
    return {
        "adolescent": ProgramFactory(name="Teen IOP", track=Program.Track.ADOLESCENT),
        "own minimum": ProgramFactory(name="Twelve", minimum_weekly_hours=12),
        "minimum of 20": ProgramFactory(name="Twenty", minimum_weekly_hours=20),
        "minimum of 25": ProgramFactory(name="Twenty-five", minimum_weekly_hours=25),
    }


def test_the_database_judges_every_case_as_the_ledger(make, program_of, clinician):  # noqa: F811
    cases = []

    def case(level="IOP", hours=0, **kw):
        episode = make(level, **kw)
        if hours:
            attend(episode, MON_9 + timedelta(days=1), hours)
        cases.append(episode)
        return episode

    case("IOP", 3)  # adult IOP: 3 of 9
    case("IOP", 9)  # met
    case("IOP", 8.5)
    case("PHP", 12)  # 12 of 20
    case("PHP", 20)
    case("OP")  # no minimum
    case("IOP", 5, born=date(2010, 6, 1))  # adolescent by age: 5 of 6
    adult = case("IOP", 5, born=date(2008, 11, 9))  # 18 on the Monday: 5 of 9
    teen = case("IOP", 5, born=date(2008, 11, 10))  # 17 on the Monday: 5 of 6
    case("IOP", 6, born=date(2010, 6, 1))  # met at 6
    case("IOP", 5, program=program_of["adolescent"])  # the track: 5 of 6
    case("IOP", 10, program=program_of["own minimum"])  # the program's 12
    case("PHP", 10, program=program_of["own minimum"])  # never to PHP: 10 of 20
    case("IOP", 4, admitted=WED_11)  # admitted mid-week: not judged
    case("IOP", 4, admitted=MON_9)  # admitted on the Monday: judged
    case("IOP", 0, admitted=MON_16)  # admitted this week
    stepped = case("IOP", 2)
    StepDown.objects.create(episode=stepped, starts_on=WED_11, ends_on=WED_11, reason="Exams")
    later = case("IOP", 2)
    StepDown.objects.create(episode=later, starts_on=MON_16, ends_on=MON_16, reason="Exams")
    leaving = case("IOP", 2)
    Episode.objects.filter(pk=leaving.pk).update(discharge_date=WED_11)
    down = case("PHP", 10)
    level_change(down, "IOP", WED_11)  # PHP then IOP that week: judged at 9
    up = case("IOP", 10)
    level_change(up, "PHP", WED_11)  # IOP then PHP: judged at 9, met
    to_op = case("IOP", 1)
    level_change(to_op, "OP", WED_11)  # OP that week: no minimum
    before = case("PHP", 3)
    level_change(before, "IOP", MON_2)  # IOP since before the week: 3 of 9
    after = case("IOP", 3)
    level_change(after, "PHP", MON_16)  # changed this week: IOP last week
    tie = case("PHP", 15, program=program_of["minimum of 20"])
    level_change(tie, "IOP", WED_11)  # a tie at 20 h: the Monday's level
    high = case("PHP", 21, program=program_of["minimum of 25"])
    level_change(high, "IOP", WED_11)  # PHP's 20 is the lower minimum: met
    short = case("PHP", 19, program=program_of["minimum of 25"])
    level_change(short, "IOP", WED_11)  # 19 of PHP's 20
    recorded_late = case("PHP", 10)
    level_change(recorded_late, "IOP", MON_2)
    level_change(recorded_late, "PHP", date(2026, 10, 26))  # the older change recorded last:
    # IOP since the 2nd by date order, met at 10 of 9 (by the order of recording, PHP: 10 of 20)
    attend(case("IOP", 0), MON_16, 9)  # this week's hours do not count for last week
    cancelled = case("IOP", 9)
    TherapySession.objects.filter(episode=cancelled).update(status="cancelled")
    family = case("IOP", 9)
    TherapySession.objects.filter(episode=family).update(kind="family", patient_present=False)

    expected = ledger_below(
        list(
            Episode.objects.filter(pk__in=[e.pk for e in cases]).select_related(
                "patient", "program"
            )
        )
    )
    assert len(expected) == 18  # the cases above below their minimum, by the ledger
    by_id = {pk: (minutes, level, minimum) for pk, minutes, level, minimum in expected}
    assert by_id[adult.pk] == (300, "IOP", 9)
    assert by_id[teen.pk] == (300, "IOP", 6)
    assert by_id[tie.pk] == (900, "PHP", 20)
    assert by_id[short.pk] == (1140, "PHP", 20)
    assert database_below() == expected


def test_the_page_shows_last_weeks_and_this_weeks_hours(client, make, clinician, clock):  # noqa: F811
    from tests.sessions.helpers import at

    episode = make("IOP")
    attend(episode, MON_9 + timedelta(days=1), 3)
    attend(episode, MON_16, 2)
    clock.move_to(at(WED_18, 10), tick=False)
    client.force_login(clinician)
    html = client.get(reverse("sessions:below-hours")).content.decode()
    assert "3.0 of 9 h IOP (week of 9 Nov); this week 2.0 h so far, in progress" in html


def test_the_lists_read_a_fixed_number_of_queries(
    make,  # noqa: F811
    clinician,
    django_assert_num_queries,
):
    def judged():
        rows = below_hours(clinician, today=WED_18)
        return rows.count(), rows[0:10]

    make("IOP")
    judged()  # the user's roles, read once
    # Judged in three (the facts, then last week's minutes and the patients' facts, a round
    # trip on PostgreSQL); the rows from what was read, with this week's minutes of the rows
    # shown in a fourth.
    with django_assert_num_queries(4) as small:
        one = judged()
    for _ in range(12):
        make("PHP")
    with django_assert_num_queries(len(small.captured_queries)):
        many = judged()
    assert (one[0], many[0], len(many[1])) == (1, 13, 10)


def test_a_row_names_its_own_patient(make, clinician):  # noqa: F811
    """The rows' episodes and patients are built from the values judged, not read again: each
    holds its own ids and names, in their fields (first, last and preferred apart)."""
    episodes = [make("IOP"), make("IOP")]
    for n, episode in enumerate(episodes):
        Patient.objects.filter(pk=episode.patient_id).update(
            legal_first_name=f"First{n}", legal_last_name=f"Last{n}", preferred_name=f"Pref{n}"
        )
    shown = {e.pk: e for e, _, _ in below_hours(clinician, today=WED_18)[0:2]}
    for stored in Episode.objects.filter(pk__in=shown).select_related("patient"):
        row = shown[stored.pk]
        assert (row.patient_id, row.patient.pk) == (stored.patient_id, stored.patient_id)
        names = ("legal_first_name", "legal_last_name", "preferred_name", "display_name")
        assert [getattr(row.patient, f) for f in names] == [
            getattr(stored.patient, f) for f in names
        ]
