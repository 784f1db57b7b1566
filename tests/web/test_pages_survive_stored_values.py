"""Every page answers whatever is stored: dates at the calendar's ends, long or odd text.

Rows are written with `.update()`, as an old import or a hand edit would leave them, past the
services' rules."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.urls import reverse

from patients import services as patient_services
from patients.models import Episode, MeasureResponse, Patient
from plans.models import Goal, Objective, TreatmentPlan
from sessions import services as session_services
from sessions.models import TherapySession

# The first moment whose local time (any zone up to UTC-12) is still in the calendar, and the
# last one.
EARLIEST_MOMENT = datetime(1, 1, 1, 12, tzinfo=UTC)
LATEST_MOMENT = datetime.max.replace(tzinfo=UTC)


@pytest.fixture
def scene(episode, clinician, make_plan, client):
    """An active episode with a session, a plan and a PHQ-9; `clinician` signed in."""
    session = session_services.session_schedule(
        kind=TherapySession.Kind.INDIVIDUAL,
        starts_at=datetime.now(UTC) + timedelta(days=1),
        duration_minutes=50,
        clinicians=[clinician],
        user=clinician,
        episode=episode,
    )
    plan = make_plan(episode)
    measure = patient_services.measure_record(
        patient=episode.patient,
        instrument_code="PHQ9",
        responses=[1] * 9,
        user=clinician,
        episode=episode,
    )
    client.force_login(clinician)
    return {"episode": episode, "session": session, "plan": plan, "measure": measure}


def page_urls(scene):
    pk = scene["episode"].patient_id
    session = scene["session"]
    week = session.starts_at.date().isoformat() if session.starts_at.year < 9999 else ""
    return [
        reverse("today"),
        reverse("patients:chart", args=[pk]),
        reverse("patients:measures", args=[pk]),
        reverse("patients:consents", args=[pk]),
        reverse("sessions:chart", args=[pk]),
        reverse("plans:patient-plan", args=[pk]),
        reverse("plans:plan", args=[scene["plan"].pk]),
        reverse("plans:edit", args=[scene["plan"].pk]),
        reverse("sessions:session", args=[session.pk]),
        reverse("sessions:week") + f"?week={week}",
        reverse("patients:caseload"),
    ]


def store(scene, *, day, moment, text):
    """Write `day`, `moment` and `text` into every date, time and text the pages show."""
    episode = scene["episode"]
    Patient.objects.filter(pk=episode.patient_id).update(
        date_of_birth=day, preferred_name=text[:80]
    )
    Episode.objects.filter(pk=episode.pk).update(
        referral_date=day, admission_date=day, referral_source=text[:120]
    )
    TherapySession.objects.filter(pk=scene["session"].pk).update(
        starts_at=moment, location=text[:120]
    )
    TreatmentPlan.objects.filter(pk=scene["plan"].pk).update(
        created_at=moment, next_review_due=day, summary=text
    )
    Goal.objects.filter(problem__plan=scene["plan"]).update(target_date=day, client_words=text)
    Objective.objects.filter(goal__problem__plan=scene["plan"]).update(
        target_date=day, description=text
    )
    MeasureResponse.objects.filter(pk=scene["measure"].pk).update(administered_at=moment)
    scene["session"].refresh_from_db()


def assert_pages_answer(client, scene):
    for url in page_urls(scene):
        response = client.get(url)
        assert response.status_code == 200, url


@pytest.mark.parametrize(
    ("day", "moment"),
    [
        (date.max, LATEST_MOMENT),
        (date.min, EARLIEST_MOMENT),
        (date(9999, 12, 31), datetime(9999, 12, 31, 4, 59, tzinfo=UTC)),
    ],
    ids=["latest", "earliest", "rescheduled-to-9999-12-31"],
)
def test_pages_answer_dates_at_the_calendars_ends(client, scene, day, moment):
    store(scene, day=day, moment=moment, text="<b>Sam</b> & “quotes”")

    assert_pages_answer(client, scene)


def test_pages_answer_long_text(client, scene):
    store(scene, day=date(2026, 11, 1), moment=datetime(2026, 11, 1, tzinfo=UTC), text="é" * 5000)

    assert_pages_answer(client, scene)


def test_no_stored_date_or_text_makes_a_page_fail(client, scene):
    """Property: for any stored date (the whole calendar), moment and text (no NUL, which the
    input refuses), the chart, session, plan and schedule pages answer 200."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    texts = st.one_of(
        st.text(st.characters(exclude_characters="\x00", exclude_categories=("Cs",)), max_size=80),
        st.sampled_from(["<script>alert(1)</script>", '"><b>x', "{{ x }} {% y %}", "é" * 5000]),
    )
    moments = st.datetimes(min_value=EARLIEST_MOMENT.replace(tzinfo=None), timezones=st.just(UTC))

    @settings(max_examples=25, deadline=None, database=None)
    @given(day=st.dates(), moment=moments, text=texts)
    def pages_answer(day, moment, text):
        store(scene, day=day, moment=moment, text=text)
        assert_pages_answer(client, scene)

    pages_answer()
