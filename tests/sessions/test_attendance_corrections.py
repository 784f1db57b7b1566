"""Attendance under a signed note: a plain mark is refused (409 in the API, a message on the
page); a correction with a reason is recorded, audited, shown on the note like an addendum, and
billing follows the corrected attendance."""

from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from iop.audit.models import AuditEvent
from iop.errors import ConflictError
from sessions import services as ss
from sessions.models import Attendance, AttendanceCorrection, TherapySession
from sessions.selectors import session_with_roster
from tests.sessions.helpers import MON_9, at

SHARED = {
    "data": "Group practised the TIPP distress-tolerance skill.",
    "assessment": "Members could name a skill for the weekend.",
    "plan": "Practise TIPP daily.",
}


@pytest.fixture
def signed(monday, enroll, clinician, clock):
    """Mon 9 Nov's 180-minute group, its note signed at 13:00: Ames present, Brook marked
    absent (unexcused)."""
    ames, brook = monday.episode, enroll(last_name="Brook")
    ss.attendance_mark(session=monday.session, episode=ames, status="present", user=clinician)
    ss.attendance_mark(
        session=monday.session, episode=brook, status="absent_unexcused", user=clinician
    )
    clock.move_to(at(MON_9, 13), tick=False)
    note = ss.note_start(session=monday.session, user=clinician)
    ss.note_save(
        note=note,
        user=clinician,
        shared=SHARED,
        entries={ames.patient_id: {"text": "Named TIPP as her plan.", "risk_level": "none"}},
    )
    ss.note_sign(note=note, user=clinician)
    return SimpleNamespace(session=monday.session, ames=ames, brook=brook, note=note)


def billing(session):
    session = TherapySession.objects.get(pk=session.pk)
    session_with_roster(session)
    return {episode.pk: [code for code, _ in codes] for episode, codes in session.billing}


def correct(signed, user, **kw):
    args = {"status": "present", "reason": "She was there: marked absent by mistake."} | kw
    return ss.attendance_correct(session=signed.session, episode=signed.brook, user=user, **args)


# --- the service ------------------------------------------------------------------------------


def test_a_plain_mark_after_signing_is_refused_and_changes_nothing(signed, clinician):
    with pytest.raises(ConflictError, match="correct it with a reason"):
        ss.attendance_mark(
            session=signed.session, episode=signed.ames, status="absent_unexcused", user=clinician
        )
    record = Attendance.objects.get(episode=signed.ames)
    assert (record.status, record.minutes_attended) == ("present", 180)
    signed.session.refresh_from_db()
    assert signed.session.status == "completed"


def test_a_correction_needs_a_reason(signed, clinician):
    with pytest.raises(ValidationError) as error:
        correct(signed, clinician, reason="   ")
    assert error.value.message_dict == {"reason": ["Say why the attendance is corrected."]}
    assert Attendance.objects.get(episode=signed.brook).status == "absent_unexcused"
    assert not AttendanceCorrection.objects.exists()


def test_a_correction_before_signing_is_refused(monday, clinician):
    ss.attendance_mark(
        session=monday.session, episode=monday.episode, status="present", user=clinician
    )
    with pytest.raises(ValidationError, match="not signed yet"):
        ss.attendance_correct(
            session=monday.session,
            episode=monday.episode,
            status="late",
            reason="Came at 9:15.",
            user=clinician,
        )


def test_a_correction_is_kept_audited_and_billing_follows(signed, clinician):
    assert billing(signed.session)[signed.brook.pk] == []  # absent: nothing to bill

    correction = correct(signed, clinician)

    record = Attendance.objects.get(episode=signed.brook)
    assert (record.status, record.minutes_attended) == ("present", 180)
    assert (correction.before_status, correction.before_minutes) == ("absent_unexcused", 0)
    assert (correction.after_status, correction.after_minutes) == ("present", 180)
    assert correction.reason == "She was there: marked absent by mistake."
    assert correction.corrected_by == clinician
    assert correction.content_hash == correction.compute_hash()
    assert correction.summary == "absent (unexcused) → present, 0 → 180 min"
    assert billing(signed.session)[signed.brook.pk] == ["90853"]
    event = AuditEvent.objects.get(detail__startswith="corrected after signing")
    assert event.patient_id == signed.brook.patient_id
    assert "absent (unexcused) → present" in event.detail
    # The signed note itself is untouched.
    signed.note.refresh_from_db()
    assert signed.note.status == "signed" and ss.note_is_intact(signed.note)


def test_a_correction_to_the_same_attendance_is_refused(signed, clinician):
    with pytest.raises(ValidationError) as error:
        correct(signed, clinician, status="absent_unexcused")
    assert "status" in error.value.message_dict


def test_a_correction_checks_minutes_like_a_mark(signed, clinician):
    with pytest.raises(ValidationError) as error:
        correct(signed, clinician, status="late", minutes=200)
    assert error.value.message_dict == {"minutes": ["Minutes attended must be 1–180."]}
    correction = correct(signed, clinician, status="late", minutes=150)
    assert (correction.after_status, correction.after_minutes) == ("late", 150)


# --- the API ----------------------------------------------------------------------------------


def test_api_a_plain_mark_after_signing_answers_409(api_client, signed, clinician):
    api_client.force_authenticate(clinician)
    response = api_client.post(
        reverse("attendance-list"),
        {"session": signed.session.pk, "episode": signed.ames.pk, "status": "absent_excused"},
        format="json",
    )
    assert response.status_code == 409
    assert "correct it with a reason" in response.json()["detail"]
    assert Attendance.objects.get(episode=signed.ames).status == "present"


def test_api_correction_needs_a_reason_then_is_recorded(api_client, signed, clinician):
    api_client.force_authenticate(clinician)
    body = {"session": signed.session.pk, "episode": signed.brook.pk, "status": "present"}
    response = api_client.post(reverse("attendance-correct"), {**body, "reason": ""}, format="json")
    assert response.status_code == 400
    assert response.json() == {"reason": ["Say why the attendance is corrected."]}

    response = api_client.post(
        reverse("attendance-correct"), {**body, "reason": "Marked absent by mistake."}
    )
    assert response.status_code == 201, response.json()
    data = response.json()
    assert (data["before_status"], data["before_minutes"]) == ("absent_unexcused", 0)
    assert (data["after_status"], data["after_minutes"]) == ("present", 180)
    assert data["reason"] == "Marked absent by mistake."
    detail = api_client.get(reverse("session-detail", args=[signed.session.pk])).json()
    brook = next(row for row in detail["roster"] if row["episode"] == signed.brook.pk)
    assert (brook["status"], brook["minutes_attended"]) == ("present", 180)
    assert brook["billing_codes"] == ["90853"]


# --- the page ---------------------------------------------------------------------------------


def mark_url(signed, episode):
    return reverse("sessions:attendance", args=[signed.session.pk, episode.pk])


def correct_url(signed, episode):
    return reverse("sessions:attendance-correct", args=[signed.session.pk, episode.pk])


def test_page_a_plain_mark_after_signing_says_to_correct(client, signed, clinician):
    client.force_login(clinician)
    response = client.post(mark_url(signed, signed.ames), {"status": "absent_excused"}, follow=True)
    assert "correct it with a reason" in response.content.decode()
    assert Attendance.objects.get(episode=signed.ames).status == "present"


def test_page_signed_session_offers_a_correction_form_per_attendee(client, signed, clinician):
    client.force_login(clinician)
    html = client.get(signed.session.get_absolute_url()).content.decode()
    assert correct_url(signed, signed.ames) in html
    assert correct_url(signed, signed.brook) in html
    # No one-click buttons under a signed note.
    assert f'hx-post="{mark_url(signed, signed.ames)}"' not in html


def test_page_a_correction_without_reason_keeps_what_was_typed(client, signed, clinician):
    client.force_login(clinician)
    response = client.post(
        correct_url(signed, signed.brook), {"status": "late", "minutes": "150", "reason": ""}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Say why the attendance is corrected." in html
    assert 'value="150"' in html and '<option value="late" selected>' in html
    assert not AttendanceCorrection.objects.exists()


def test_page_a_correction_shows_on_the_note_like_an_addendum(client, signed, clinician):
    client.force_login(clinician)
    response = client.post(
        correct_url(signed, signed.brook),
        {"status": "present", "minutes": "", "reason": "Marked absent by mistake."},
        follow=True,
    )
    html = response.content.decode()
    name = signed.brook.patient.display_name
    assert f"Attendance corrected for {name}." in html
    assert "Attendance corrected 9 Nov 2026 13:00 by" in html
    assert clinician.display_name in html
    assert f"{name}, absent (unexcused) → present, 0 → 180 min. Reason: Marked absent" in html
