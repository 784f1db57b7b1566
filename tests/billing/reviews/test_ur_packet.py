"""The UR packet: a disclosure to the payer. For an SUD patient it needs a Part 2 consent
naming the payer for payment (refused clearly without one); it carries the redisclosure
notice and is recorded for the accounting; it says what CLINICAL.md lists."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from billing.review_models import UrPacket
from billing.review_selectors import ur_consents, ur_packet_sections, ur_period
from billing.services.reviews import review_record
from billing.services.ur_packets import ur_packet_prepare
from disclosures.models import Disclosure
from iop.audit.models import AuditEvent
from patients import services as patient_services
from plans import services as plan_services
from sessions import services as ss
from tests.billing.reviews.conftest import PAYER, review_data
from tests.disclosures.helpers import pdf_pages
from tests.sessions.helpers import MON_2, at, book

pytestmark = pytest.mark.django_db
JUSTIFICATION = (
    "Still has passive suicidal thoughts twice a week; sleep not yet restored; needs two more "
    "weeks of IOP before stepping down."
)


def prepare(authorization, user, consent=None, justification=JUSTIFICATION):
    return ur_packet_prepare(
        authorization=authorization, user=user, justification=justification, consent=consent
    )


def test_an_sud_patient_without_a_payer_consent_is_refused_and_nothing_is_released(
    sud_authorization, clinician, payer_consent
):
    # A Part 2 consent for someone else does not cover the payer.
    other = payer_consent(sud_authorization.episode, recipient="Riverside Primary Care")
    assert ur_consents(sud_authorization) == []
    with pytest.raises(ValidationError) as error:
        prepare(sud_authorization, clinician, consent=None)
    assert "42 CFR Part 2" in error.value.message_dict["consent"][0]
    with pytest.raises(ValidationError) as error:
        prepare(sud_authorization, clinician, consent=other)
    assert "another recipient" in error.value.message_dict["consent"][0]
    assert not Disclosure.objects.exists() and not UrPacket.objects.exists()
    denied = AuditEvent.objects.filter(object_type="disclosures.disclosure", outcome="denied")
    assert denied.count() == 2


def test_a_release_consent_is_not_enough_for_sud_records(
    sud_authorization, clinician, payer_consent
):
    consent = payer_consent(sud_authorization.episode, kind="release")
    with pytest.raises(ValidationError) as error:
        prepare(sud_authorization, clinician, consent=consent)
    assert "42 CFR Part 2" in error.value.message_dict["consent"][0]


def test_a_consent_without_payment_is_refused(sud_authorization, clinician, payer_consent):
    consent = payer_consent(sud_authorization.episode, purposes=("treatment",))
    with pytest.raises(ValidationError) as error:
        prepare(sud_authorization, clinician, consent=consent)
    assert "payment" in error.value.message_dict["consent"][0]


def test_with_a_part2_consent_the_packet_is_released_and_recorded_for_the_accounting(
    sud_authorization, clinician, payer_consent
):
    consent = payer_consent(sud_authorization.episode)
    assert ur_consents(sud_authorization) == [consent]
    packet = prepare(sud_authorization, clinician, consent=consent)
    disclosure = packet.disclosure
    assert disclosure.recipient_name == PAYER
    assert disclosure.consent == consent and disclosure.is_part2
    assert disclosure.disclosed_by == clinician and disclosure.purpose == "payment"
    assert disclosure.sections == ["plan", "measures", "attendance"]
    patient = sud_authorization.episode.patient
    assert list(Disclosure.objects.for_accounting(patient)) == [disclosure]
    assert packet.justification == JUSTIFICATION
    text = " ".join(pdf_pages(bytes(disclosure.packet)))
    assert bytes(disclosure.packet).startswith(b"%PDF")
    assert "42 CFR Part 2 redisclosure notice" in text
    assert "Utilization review packet" in text and f"Released to: {PAYER}" in text
    assert AuditEvent.objects.filter(object_type="billing.urpacket", action="create").exists()


def test_a_mental_health_patient_needs_a_release_consent_naming_the_payer(
    authorization, clinician, payer_consent
):
    with pytest.raises(ValidationError):
        prepare(authorization, clinician)
    packet = prepare(
        authorization, clinician, consent=payer_consent(authorization.episode, kind="release")
    )
    assert not packet.disclosure.is_part2


@pytest.mark.parametrize("text", ["", "Needs more.", "x\x00" * 20, "x" * 6001])
def test_the_justification_is_required_and_plausible(authorization, clinician, payer_consent, text):
    consent = payer_consent(authorization.episode, kind="release")
    with pytest.raises(ValidationError) as error:
        prepare(authorization, clinician, consent=consent, justification=text)
    assert "justification" in error.value.message_dict
    assert not Disclosure.objects.exists()


@pytest.mark.parametrize("who", ["supervisor", "clinician"])
def test_the_care_team_and_supervisors_prepare_packets(request, authorization, payer_consent, who):
    consent = payer_consent(authorization.episode, kind="release")
    user = request.getfixturevalue(who)
    assert prepare(authorization, user, consent=consent).prepared_by == user


@pytest.mark.parametrize("who", ["biller", "clinician2", "intake"])
def test_billers_and_others_may_not_prepare_a_packet(request, authorization, payer_consent, who):
    consent = payer_consent(authorization.episode, kind="release")
    with pytest.raises(PermissionDenied):
        prepare(authorization, request.getfixturevalue(who), consent=consent)
    assert not Disclosure.objects.exists()


def test_the_period_runs_from_the_last_review_else_the_admission(clock, authorization, clinician):
    clock.move_to(at(MON_2 + timedelta(days=7), 12), tick=False)
    assert ur_period(authorization)[0] == authorization.episode.admission_date
    review_record(
        authorization=authorization,
        user=clinician,
        data=review_data(review_date=MON_2 + timedelta(days=5)),
    )
    assert ur_period(authorization) == (MON_2 + timedelta(days=5), MON_2 + timedelta(days=7))


def _mark(clock, clinician, episode, day):
    session = book(clinician, starts_at=at(day, 9), episode=episode)
    clock.move_to(at(day, 12), tick=False)
    ss.attendance_mark(session=session, episode=episode, status="present", user=clinician)


def _history(clock, episode, clinician):
    """A session attended on 2 Nov, two PHQ-9s (2 and 9 Nov; the first with item 9 above 0:
    a risk alert) and an active safety plan; the clock left at noon on 9 Nov."""
    patient = episode.patient
    _mark(clock, clinician, episode, MON_2)
    safety = plan_services.safety_plan_start(patient=patient, user=clinician)
    safety = plan_services.safety_plan_update(
        plan=safety,
        data={
            "warning_signs": "Staying in bed past noon",
            "coping_strategies": "Walk the dog",
            "distractions": "Library",
            "help_contacts": "Sister",
            "environment_safety": "Medications with sister",
            "reasons_for_living": "Daughter",
        },
        user=clinician,
    )
    plan_services.safety_plan_activate(
        plan=safety, user=clinician, patient_ack_name=patient.legal_name
    )
    for answers, days in (([2] * 8 + [1], 0), ([1] * 4 + [0] * 5, 7)):
        clock.move_to(at(MON_2 + timedelta(days=days), 12), tick=False)
        patient_services.measure_record(
            patient=patient,
            instrument_code="PHQ9",
            responses=answers,
            user=clinician,
            episode=episode,
            administered_at=at(MON_2 + timedelta(days=days), 11),
        )


def test_the_packet_holds_plan_attendance_trends_risk_and_justification(
    clock, authorization, clinician, make_plan
):
    episode = authorization.episode
    plan = make_plan(episode)
    plan.status, plan.signed_at, plan.signed_by = "active", at(MON_2, 8), clinician
    plan.save()
    _history(clock, episode, clinician)
    clock.move_to(at(MON_2 + timedelta(days=8), 12), tick=False)
    start, end = ur_period(authorization)
    sections = ur_packet_sections(
        authorization,
        period_from=start,
        period_to=end,
        justification=JUSTIFICATION,
        clinician=clinician,
    )
    text = {s.heading: " ".join(" ".join(lines) for _, lines in s.blocks) for s in sections}
    assert list(text) == [
        "Authorization under review",
        "Treatment plan",
        "Attendance and hours, 2 Nov 2026 to 10 Nov 2026",
        "Measure trends since admission",
        "Risk events",
        "Justification for continued stay",
    ]
    assert "AUTH-778" in text["Authorization under review"]
    assert "20 per-diem days" in text["Authorization under review"]
    assert f"Version {plan.version}, active" in text["Treatment plan"]
    assert "attended: 1 on 1 day" in text["Attendance and hours, 2 Nov 2026 to 10 Nov 2026"]
    trend = text["Measure trends since admission"]
    assert "first 17" in trend and "latest 4" in trend and "reliable improvement" in trend
    risk = text["Risk events"]
    assert "2 Nov 2026: PHQ-9 item 9" in risk and "still open" in risk
    assert "Staying in bed past noon" in risk
    assert JUSTIFICATION in text["Justification for continued stay"]


def test_the_content_is_read_in_a_fixed_number_of_queries(clock, authorization, clinician):
    def count():
        start, end = ur_period(authorization)
        with CaptureQueriesContext(connection) as queries:
            ur_packet_sections(
                authorization,
                period_from=start,
                period_to=end,
                justification=JUSTIFICATION,
                clinician=clinician,
            )
        return len(queries)

    few = count()
    episode = authorization.episode
    for days in (2, 4):
        _mark(clock, clinician, episode, MON_2 + timedelta(days=days))
    _history(clock, episode, clinician)
    clock.move_to(at(MON_2 + timedelta(days=8), 12), tick=False)
    assert count() == few
