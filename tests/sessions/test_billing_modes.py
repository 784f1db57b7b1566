"""Billing worked examples (CLINICAL.md "Billing codes"): per diem and per service never stack;
a per-diem day is one line on its first session with the day's codes bundled, or the
per-service codes under the threshold; PHP bills H0035 and OP no per diem; family therapy
without the patient needs no attendance and adds no hours; medication management suggests E/M
by time (new patient on the first visit); telehealth records place of service and modifier;
the codes refresh with the attendance row (htmx, out of band)."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from iop.accounts.models import User
from iop.accounts.roles import Role
from patients.services import episode_change_level_of_care
from sessions import services as ss
from sessions.billing import service_code
from sessions.models import Attendance, TherapySession
from sessions.selectors import session_with_roster
from tests.factories import UserFactory
from tests.sessions.helpers import MON_9, MON_16, at, book, group_session

LINK = "https://meet.example.org/room-4"


@pytest.fixture
def psychiatrist(db):
    """A medication-management visit has a prescriber among its clinicians."""
    return UserFactory(
        username="drnair",
        role=Role.CLINICIAN,
        prescriber_credential=User.PrescriberCredential.PSYCHIATRIST,
    )


def suggestions(session):
    """{episode id: (billable codes, bundled codes, note)} as the session page shows them."""
    session = TherapySession.objects.get(pk=session.pk)
    session_with_roster(session)
    return {
        episode.pk: (
            [code for code, _ in s.billable],
            [code for code, _ in s.bundled],
            s.note,
        )
        for episode, s in session.billing_rows
    }


@pytest.fixture
def day(clock, group, enroll, clinician):
    """Ames in the 180-minute 09:00 group on Mon 9 Nov and booked for a 50-minute individual
    session at 13:00; the clock at 18:00 that day. `day.mark(group_status, individual_status)`.
    """

    class Day:
        episode = enroll(last_name="Ames")
        individual = None

        def setup(self, *, mode, level="IOP"):
            self.episode.level_of_care = level
            self.episode.save()
            self.episode.program.billing_mode = mode
            self.episode.program.save()
            ss.group_schedule_generate(weeks=1, start=MON_9)
            self.group = group_session(group, MON_9)
            self.individual = book(clinician, starts_at=at(MON_9, 13), episode=self.episode)
            clock.move_to(at(MON_9, 18), tick=False)
            return self

        def mark(self, group_status, individual_status=None):
            ss.attendance_mark(
                session=self.group, episode=self.episode, status=group_status, user=clinician
            )
            if individual_status:
                ss.attendance_mark(
                    session=self.individual,
                    episode=self.episode,
                    status=individual_status,
                    user=clinician,
                )

    return Day()


# --- per diem and per service -----------------------------------------------------------------


def test_per_diem_day_is_one_line_with_the_days_codes_bundled(day):
    day.setup(mode="per_diem").mark("late", "present")  # 165 + 50 = 215 minutes
    ep = day.episode.pk
    assert suggestions(day.group) == {
        ep: (["S9480"], ["90853", "90834"], "per diem for the day (215 min)")
    }
    assert suggestions(day.individual) == {ep: ([], ["90834"], "bundled into the day's S9480")}


def test_php_bills_h0035_per_diem(day):
    day.setup(mode="per_diem", level="PHP").mark("present")  # 180 minutes
    assert suggestions(day.group) == {
        day.episode.pk: (["H0035"], ["90853"], "per diem for the day (180 min)")
    }


def test_a_per_diem_day_under_the_threshold_falls_back_to_per_service(day):
    day.setup(mode="per_diem").mark("left_early")  # 150 minutes
    assert suggestions(day.group) == {
        day.episode.pk: (["90853"], [], "per-diem threshold not met (150 of 180 min)")
    }


def test_the_threshold_is_a_program_setting(day):
    day.setup(mode="per_diem")
    day.episode.program.per_diem_threshold_minutes = 150
    day.episode.program.save()
    day.mark("left_early")  # 150 minutes
    assert suggestions(day.group)[day.episode.pk][0] == ["S9480"]


def test_per_service_never_adds_a_per_diem(day):
    day.setup(mode="per_service").mark("present", "present")  # 230 minutes
    assert suggestions(day.group) == {day.episode.pk: (["90853"], [], "")}
    assert suggestions(day.individual) == {day.episode.pk: (["90834"], [], "")}


def test_op_has_no_per_diem(day):
    day.setup(mode="per_diem", level="OP").mark("present", "present")
    assert suggestions(day.group) == {day.episode.pk: (["90853"], [], "")}


# --- family therapy without the patient -------------------------------------------------------


def test_family_therapy_without_the_patient_needs_no_attendance_nor_adds_hours(
    clock, episode, clinician
):
    session = book(
        clinician,
        starts_at=at(MON_9, 14),
        episode=episode,
        kind="family",
        patient_present=False,
        family_members=[{"name": "Jo Doe", "relationship": "mother"}],
    )
    clock.move_to(at(MON_9, 15), tick=False)
    assert suggestions(session) == {episode.pk: (["90846"], [], "")}
    with pytest.raises(ValidationError) as error:
        ss.attendance_mark(session=session, episode=episode, status="present", user=clinician)
    assert "no attendance is taken" in error.value.message_dict["status"][0]
    # Even a record put straight into the table never counts toward hours or the day.
    Attendance.objects.create(
        session=session,
        episode=episode,
        patient=episode.patient,
        status="present",
        minutes_attended=50,
    )
    assert ss.day_minutes([episode.patient_id], MON_9) == {}
    assert ss.hours_ledger([episode], weeks=1, today=MON_9)[episode.pk][-1]["minutes"] == 0
    # The note is about the patient, though they were not there.
    note = ss.note_start(session=session, user=clinician)
    assert list(note.entries.values_list("patient_id", flat=True)) == [episode.patient_id]


# --- medication management --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("minutes", "first_visit", "expected"),
    [
        (9, False, None),
        (10, False, "99212"),
        (19, False, "99212"),
        (20, False, "99213"),
        (29, False, "99213"),
        (30, False, "99214"),
        (39, False, "99214"),
        (40, False, "99215"),
        (75, False, "99215"),
        (14, True, None),
        (15, True, "99202"),
        (29, True, "99202"),
        (30, True, "99203"),
        (44, True, "99203"),
        (45, True, "99204"),
        (59, True, "99204"),
        (60, True, "99205"),
    ],
)
def test_medication_management_em_by_total_time(minutes, first_visit, expected):
    session = TherapySession(kind="medication_management", duration_minutes=90)
    record = Attendance(status="late", minutes_attended=minutes)
    code = service_code(session, record, first_visit=first_visit)
    assert (code[0] if code else None) == expected


def test_the_first_medication_visit_is_a_new_patient_visit(clock, episode, psychiatrist):
    first = book(
        psychiatrist,
        starts_at=at(MON_9, 10),
        episode=episode,
        kind="medication_management",
        minutes=30,
    )
    second = book(
        psychiatrist,
        starts_at=at(MON_16, 10),
        episode=episode,
        kind="medication_management",
        minutes=30,
    )
    clock.move_to(at(MON_9, 11), tick=False)
    ss.attendance_mark(session=first, episode=episode, status="present", user=psychiatrist)
    assert suggestions(first) == {episode.pk: (["99203"], [], "")}
    clock.move_to(at(MON_16, 11), tick=False)
    ss.attendance_mark(session=second, episode=episode, status="present", user=psychiatrist)
    assert suggestions(second) == {episode.pk: (["99214"], [], "")}
    assert suggestions(first) == {episode.pk: (["99203"], [], "")}


# --- telehealth -------------------------------------------------------------------------------


def test_a_telehealth_session_records_place_of_service_and_modifier(clock, episode, clinician):
    with pytest.raises(ValidationError) as error:
        book(
            clinician,
            starts_at=at(MON_9, 14),
            episode=episode,
            delivery="telehealth",
            telehealth_link=LINK,
        )
    assert error.value.message_dict == {
        "place_of_service": ["Choose the place of service: 02 (not at home) or 10 (at home)."],
        "telehealth_modifier": ["Choose the modifier: 95 (audio-video) or 93 (audio-only)."],
    }
    session = book(
        clinician,
        starts_at=at(MON_9, 14),
        episode=episode,
        delivery="telehealth",
        telehealth_link=LINK,
        place_of_service="10",
        telehealth_modifier="93",
    )
    assert (session.place_of_service, session.telehealth_modifier) == ("10", "93")
    in_person = book(clinician, starts_at=at(MON_9, 16), episode=episode, place_of_service="02")
    assert (in_person.place_of_service, in_person.telehealth_modifier) == ("", "")


def test_telehealth_codes_on_the_page_and_in_the_api(client, api_client, clock, episode, clinician):
    session = book(
        clinician,
        starts_at=at(MON_9, 14),
        episode=episode,
        delivery="telehealth",
        telehealth_link=LINK,
        place_of_service="10",
        telehealth_modifier="95",
    )
    clock.move_to(at(MON_9, 15), tick=False)
    ss.attendance_mark(session=session, episode=episode, status="present", user=clinician)
    client.force_login(clinician)
    html = client.get(session.get_absolute_url()).content.decode()
    assert "Telehealth: POS 10, modifier 95" in html
    api_client.force_authenticate(clinician)
    data = api_client.get(reverse("session-detail", args=[session.pk])).json()
    assert (data["place_of_service"], data["telehealth_modifier"]) == ("10", "95")
    assert data["roster"][0]["billing_codes"] == ["90834"]


def test_api_a_telehealth_booking_without_place_of_service_answers_400(
    api_client, clock, episode, clinician
):
    api_client.force_authenticate(clinician)
    booking = {
        "kind": "individual",
        "starts_at": at(MON_9, 14).isoformat(),
        "clinicians": [clinician.pk],
        "episode": episode.pk,
        "delivery": "telehealth",
        "telehealth_link": LINK,
        "telehealth_modifier": "95",
    }
    response = api_client.post(reverse("session-list"), booking, format="json")
    assert response.status_code == 400
    assert response.json() == {
        "place_of_service": ["Choose the place of service: 02 (not at home) or 10 (at home)."]
    }


# --- the page refreshes the codes as attendance is taken --------------------------------------


def test_marking_attendance_refreshes_the_codes_out_of_band(client, monday, clinician):
    client.force_login(clinician)
    url = reverse("sessions:attendance", args=[monday.session.pk, monday.episode.pk])
    assert (
        'name="billing" value="1"' in client.get(monday.session.get_absolute_url()).content.decode()
    )
    # From the session page (which shows the codes) the row asks for them back.
    form = {"billing": "1"}
    html = client.post(url, {**form, "status": "present"}, HTTP_HX_REQUEST="true").content.decode()
    assert 'data-testid="attendance-row"' in html
    assert f'id="billing-{monday.session.pk}" hx-swap-oob="true"' in html
    assert 'title="Group psychotherapy">90853</span>' in html
    html = client.post(
        url, {**form, "status": "absent_excused"}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert f'id="billing-{monday.session.pk}" hx-swap-oob="true"' in html
    assert "90853" not in html
    # From Today (no codes shown there), the row alone.
    html = client.post(url, {"status": "present"}, HTTP_HX_REQUEST="true").content.decode()
    assert "hx-swap-oob" not in html


# --- the day as it was ---------------------------------------------------------------------


def test_a_medication_visit_does_not_lift_the_day_over_the_per_diem_threshold(
    day, clinician, clock, psychiatrist
):
    day.setup(mode="per_diem")
    day.mark("late")  # 165 group minutes: under the 180-minute threshold
    visit = book(
        clinician,
        starts_at=at(MON_9, 15),
        minutes=30,
        episode=day.episode,
        kind="medication_management",
        clinicians=[clinician, psychiatrist],
    )
    ss.attendance_mark(session=visit, episode=day.episode, status="present", user=clinician)
    billable, bundled, note = suggestions(day.group)[day.episode.pk]
    assert billable == ["90853"]  # 165 + 30 would have been 195: no S9480 for a billed E/M
    assert note == "per-diem threshold not met (165 of 180 min)"


def test_a_past_php_day_keeps_its_php_per_diem_after_a_step_down(day, clinician, clock):
    day.setup(mode="per_diem", level="PHP")
    day.mark("present")  # 180 minutes on Mon 9 Nov, in PHP
    assert suggestions(day.group)[day.episode.pk][0] == ["H0035"]
    clock.move_to(at(MON_16, 8), tick=False)
    episode_change_level_of_care(
        episode=day.episode, to_level="IOP", reason="Stepped down", user=clinician
    )
    assert suggestions(day.group)[day.episode.pk][0] == ["H0035"]


def test_a_per_diem_day_lists_family_therapy_without_the_patient_among_its_components(
    day, clinician
):
    day.setup(mode="per_diem")
    family = book(
        clinician,
        starts_at=at(MON_9, 16),
        episode=day.episode,
        kind="family",
        patient_present=False,
        family_members=[{"name": "Jo Doe", "relationship": "mother"}],
    )
    day.mark("present")  # 180 group minutes: the per diem; the family session adds none
    ep = day.episode.pk
    assert suggestions(day.group) == {
        ep: (["S9480"], ["90853", "90846"], "per diem for the day (180 min)")
    }
    assert suggestions(family) == {ep: ([], ["90846"], "bundled into the day's S9480")}
