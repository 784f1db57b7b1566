"""A weekly series booked from the schedule form (previewed first, one day refused while the
clinician is busy), then the rest of it cancelled with a reason — without Django admin."""

from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from sessions import services
from sessions.models import TherapySession
from tests.browser.test_intake_browser import sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_book_and_cancel_a_weekly_series(page, live_server, admit, clinician, password):
    episode = admit(clinician=clinician, last_name="Weekly")
    today = timezone.localdate()
    monday = today + timedelta(days=7 - today.weekday())  # next Monday
    tz = timezone.get_current_timezone()
    busy = services.session_schedule(
        kind="workshop",
        starts_at=datetime.combine(monday + timedelta(days=3), time(14), tzinfo=tz),
        duration_minutes=60,
        clinicians=[clinician],
        user=clinician,
    )

    sign_in(page, live_server, "clinician", password)
    page.goto(f"{live_server.url}/sessions/new/?episode={episode.pk}")
    page.get_by_label("Starts").fill(f"{monday:%Y-%m-%d}T14:00")
    page.get_by_label("Location").fill("Room 4")
    page.get_by_label("Repeat weekly").check()
    page.get_by_label("Monday").check()
    page.get_by_label("Thursday").check()
    page.get_by_label("Or for this many sessions").fill("4")
    page.get_by_role("button", name="Preview the series").click()
    preview = page.get_by_test_id("series-preview")
    expect(preview.get_by_role("row")).to_have_count(5)  # the header and 4 sessions
    expect(preview).to_contain_text("Casey Morgan is already booked")
    assert not TherapySession.objects.filter(kind="individual").exists()

    # The busy day is moved out of the way; the form kept everything typed.
    services.session_cancel(session=busy, user=clinician, reason="Clinician away")
    page.get_by_role("button", name="Schedule", exact=True).click()
    expect(page.get_by_text("Scheduled 4 sessions")).to_be_visible()
    booked = list(TherapySession.objects.filter(kind="individual").order_by("starts_at"))
    assert len(booked) == 4 and len({s.series for s in booked}) == 1

    page.goto(f"{live_server.url}{booked[1].get_absolute_url()}")
    page.get_by_role("link", name="Cancel this and the following sessions").click()
    expect(page.get_by_test_id("following-sessions").get_by_role("listitem")).to_have_count(3)
    page.get_by_role("button", name="Cancel 3 sessions").click()
    expect(page.get_by_text("Say why the sessions are cancelled.")).to_be_visible()
    page.get_by_label("Reason").fill("Steps down to weekly outpatient")
    page.get_by_role("button", name="Cancel 3 sessions").click()
    expect(page.get_by_text("3 sessions cancelled.")).to_be_visible()
    statuses = [s.status for s in TherapySession.objects.filter(kind="individual")]
    assert sorted(statuses) == ["cancelled", "cancelled", "cancelled", "scheduled"]
