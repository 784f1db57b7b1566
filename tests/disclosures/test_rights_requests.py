"""Patients' rights requests: due 30 days after receipt, overdue when open past it, answered
with an outcome (a denial with its reason); an amendment is an addendum citing the request."""

from datetime import date, datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from disclosures.models import Amendment, RightsRequest
from disclosures.services import amendment_add, rights_request_answer, rights_request_record
from iop.audit.models import AuditEvent
from sessions.models import Addendum
from tests.sessions.helpers import NY


@pytest.fixture
def record(intake):
    def make(episode, kind="amendment", received_on=date(2026, 11, 2), user=None):
        return rights_request_record(
            patient=episode.patient,
            user=user or intake,
            kind=kind,
            received_on=received_on,
            details="Asks to correct the date of her last drink in the note of 2 Nov.",
        )

    return make


def test_request_is_due_thirty_days_after_receipt(mh_episode, record):
    assert record(mh_episode, received_on=date(2026, 10, 20)).due_on == date(2026, 11, 19)


def test_open_request_past_its_due_date_is_overdue(mh_episode, record, clock):
    request = record(mh_episode, received_on=date(2026, 10, 20))
    assert not request.is_overdue()  # 2 Nov
    clock.move_to(datetime(2026, 11, 20, 9, tzinfo=NY), tick=False)
    assert request.is_overdue()


def test_answered_request_is_never_overdue(mh_episode, record, clinician, clock):
    request = record(mh_episode, received_on=date(2026, 10, 20))
    request = rights_request_answer(request=request, user=clinician, outcome="granted")
    clock.move_to(datetime(2026, 12, 20, 9, tzinfo=NY), tick=False)
    assert not request.is_overdue()


def test_a_request_received_in_the_future_is_refused(mh_episode, record):
    with pytest.raises(ValidationError, match="future"):
        record(mh_episode, received_on=date(2026, 11, 3))


def test_a_denial_needs_its_reason(mh_episode, record, clinician):
    request = record(mh_episode, kind="restriction")
    with pytest.raises(ValidationError, match="reason"):
        rights_request_answer(request=request, user=clinician, outcome="denied")
    answered = rights_request_answer(
        request=request, user=clinician, outcome="denied", reason="Required for payment."
    )
    assert (answered.status, answered.handled_by) == ("closed", clinician)


def test_intake_records_requests_but_does_not_answer_them(mh_episode, record, intake):
    request = record(mh_episode, user=intake)
    with pytest.raises(PermissionDenied):
        rights_request_answer(request=request, user=intake, outcome="granted")


def test_clinician_off_the_team_cannot_record_a_request(mh_episode, record, clinician2):
    with pytest.raises(PermissionDenied):
        record(mh_episode, user=clinician2)


def test_recording_and_answering_are_audited(mh_episode, record, clinician):
    request = record(mh_episode)
    rights_request_answer(request=request, user=clinician, outcome="granted")
    events = AuditEvent.objects.filter(
        object_type="disclosures.rightsrequest", object_id=str(request.pk)
    )
    assert sorted(events.values_list("action", flat=True)) == ["create", "update"]


def test_amendment_is_an_addendum_citing_the_request(mh_episode, record, clinician, signed_note):
    note = signed_note(mh_episode)
    request = record(mh_episode)
    addendum = amendment_add(
        request=request, note=note, text="Last drink: 28 October, not 18 October.", user=clinician
    )
    assert addendum.text.startswith(
        f"Amendment at the patient's request no. {request.pk} (received 2 Nov 2026): "
    )
    assert Amendment.objects.get(addendum=addendum).request == request
    assert addendum.content_hash == addendum.compute_hash()  # the citation is signed with it


def test_amendment_to_another_patients_note_is_refused(
    mh_episode, sud_episode, record, clinician, signed_note
):
    note = signed_note(sud_episode)
    request = record(mh_episode)
    with pytest.raises(ValidationError, match="no part for this patient"):
        amendment_add(request=request, note=note, text="Change it.", user=clinician)
    assert not Addendum.objects.exists()


def test_only_an_amendment_request_is_answered_with_an_addendum(
    mh_episode, record, clinician, signed_note
):
    note = signed_note(mh_episode)
    request = record(mh_episode, kind="access")
    with pytest.raises(ValidationError, match="Only an amendment request"):
        amendment_add(request=request, note=note, text="Change it.", user=clinician)


def test_amendment_of_an_answered_request_is_refused(mh_episode, record, clinician, signed_note):
    note = signed_note(mh_episode)
    request = record(mh_episode)
    rights_request_answer(request=request, user=clinician, outcome="denied", reason="Accurate.")
    request.refresh_from_db()
    with pytest.raises(ValidationError, match="already answered"):
        amendment_add(request=request, note=note, text="Change it.", user=clinician)
    assert RightsRequest.objects.get(pk=request.pk).outcome == "denied"


def test_a_request_received_over_a_year_ago_is_refused(mh_episode, clinician):
    """Year 0001 (or any day over a year back) is a mistyped year."""
    from datetime import date

    from django.core.exceptions import ValidationError

    from disclosures.services import rights_request_record

    with pytest.raises(ValidationError) as caught:
        rights_request_record(
            patient=mh_episode.patient, user=clinician, kind="access", received_on=date(1, 1, 1)
        )
    assert "more than a year ago" in " ".join(caught.value.messages)
