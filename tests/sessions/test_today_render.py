"""Today's page draws only what `today_for` read: its lists read the columns they show, and
drawing them reads nothing more (a column left out would cost a query per row)."""

from datetime import timedelta

import pytest
from django.template.loader import render_to_string
from django.utils import timezone

from documents.models import DischargeSummary
from patients import services as patient_services
from patients.models import Alert, Episode
from sessions.models import ProgressNote
from sessions.today import today_for
from sessions.views.session import ATTENDANCE_BUTTONS
from tests.factories import INTAKE_ANSWERS, UserFactory
from tests.sessions.test_today_worklists import attended_session

pytestmark = pytest.mark.django_db


@pytest.fixture
def every_list(supervisor, group, enroll, todays_session, make_episode, intake):
    """For `supervisor` (running the group): today's session with its sheet and a draft note,
    a risk alert assigned to them, a note to write, a trainee's note waiting for a
    co-signature, an intake to confirm, a discharge summary to sign and a patient below
    their hours."""
    group.facilitators.add(supervisor)
    todays_session.clinicians.add(supervisor)
    episode = enroll()
    ProgressNote.objects.create(session=todays_session, author=supervisor)
    Alert.objects.create(
        patient=episode.patient,
        episode=episode,
        kind=Alert.Kind.RISK,
        risk_level="high",
        title="C-SSRS: high risk",
        assigned_to=supervisor,
    )
    now = timezone.now()
    attended_session(group, episode, now - timedelta(days=1)).clinicians.add(supervisor)
    trainee = UserFactory(username="trainee", role="clinician", is_trainee=True)
    ProgressNote.objects.create(
        session=attended_session(group, episode, now - timedelta(days=2)),
        author=trainee,
        status="awaiting_cosign",
        signed_by=trainee,
        signed_at=now,
    )
    waiting = make_episode(status="intake")
    answers = {k: v for k, v in INTAKE_ANSWERS.items() if not k.startswith("asam_")}
    patient_services.intake_update(
        assessment=waiting.intake, data={**answers, "primary_clinician": supervisor}, user=intake
    )
    left = make_episode(clinician=supervisor)
    Episode.objects.filter(pk=left.pk).update(primary_clinician=supervisor)
    DischargeSummary.objects.create(episode=left, patient=left.patient, created_by=supervisor)
    behind = make_episode(clinician=supervisor)  # admitted a month ago, no hours since
    month_ago = timezone.localdate() - timedelta(days=30)
    Episode.objects.filter(pk=behind.pk).update(admission_date=month_ago)
    return supervisor


def test_drawing_today_reads_nothing_more(every_list, django_assert_num_queries):
    day = today_for(every_list)
    day.update(statuses=ATTENDANCE_BUTTONS, is_part2=False)
    lists = ("alerts", "to_write", "cosign", "below", "to_confirm", "to_sign_summaries")
    assert all(day[name] for name in lists)
    with django_assert_num_queries(0):
        html = render_to_string("today.html", day)
    assert "Review the intake of" in html and "Discharge summary of" in html
    assert 'data-testid="attendance-row"' in html and "C-SSRS: high risk" in html
