"""Idle and absolute logoffs are on the audit trail, as a logout of the user whose session
ended, with the reason; so is signing out."""

from datetime import timedelta

import time_machine
from django.urls import reverse
from django.utils import timezone

from iop.audit.models import AuditEvent

TODAY = reverse("today")


def logouts():
    return list(AuditEvent.objects.filter(action=AuditEvent.Action.LOGOUT).order_by("id"))


def test_an_idle_logoff_is_recorded(client, clinician):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        client.force_login(clinician)
        assert client.get(TODAY).status_code == 200  # starts the clocks
        traveller.shift(timedelta(minutes=15, seconds=1))
        assert client.get(TODAY, REMOTE_ADDR="10.9.8.7").status_code == 302
    [event] = logouts()
    assert (event.user, event.username, event.detail, event.ip, event.outcome) == (
        clinician,
        "clinician",
        "idle timeout",
        "10.9.8.7",
        AuditEvent.Outcome.SUCCESS,
    )
    assert event.path == TODAY


def test_an_absolute_logoff_is_recorded(client, clinician):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        client.force_login(clinician)
        assert client.get(TODAY).status_code == 200
        for _ in range(52):  # active every 14 minutes: 12 h 8 min after signing in
            traveller.shift(timedelta(minutes=14))
            client.get(TODAY)
    [event] = logouts()
    assert (event.user, event.detail) == (clinician, "absolute timeout")


def test_a_timed_out_api_or_htmx_request_is_recorded_once(client, clinician):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        client.force_login(clinician)
        client.get(TODAY)
        traveller.shift(timedelta(minutes=16))
        assert client.get(TODAY, HTTP_HX_REQUEST="true").status_code == 401
        client.get(TODAY, HTTP_HX_REQUEST="true")  # no session any more: nothing to log off
    [event] = logouts()
    assert event.detail == "idle timeout"
    # The 401 is the logoff, not a refusal of the page.
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.DENIED).exists()


def test_signing_out_is_recorded(client, clinician):
    client.force_login(clinician)
    client.post(reverse("accounts:logout"))
    [event] = logouts()
    assert event.user == clinician


def test_an_active_session_writes_no_logout(client, clinician):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        client.force_login(clinician)
        for _ in range(3):
            traveller.shift(timedelta(minutes=10))
            assert client.get(TODAY).status_code == 200
    assert logouts() == []
