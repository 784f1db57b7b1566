"""The intake queue is read a page at a time, oldest first, saying how many wait in all: every
referral is on one page, and the page links keep the program chosen."""

import re

from django.urls import reverse

from iop.audit.models import AuditEvent
from patients.views.intake import IntakeQueue
from tests.factories import ProgramFactory

CHART_LINK = re.compile(r'href="/patients/(\d+)/"')


def test_a_long_queue_lists_every_referral_once_across_its_pages(client, intake, make_episode):
    episodes = [make_episode(status="referred") for _ in range(IntakeQueue.paginate_by + 2)]
    client.force_login(intake)
    first = client.get(reverse("patients:intake-queue")).content.decode()
    last = client.get(reverse("patients:intake-queue"), {"page": 2}).content.decode()
    pages = [[int(pk) for pk in CHART_LINK.findall(html)] for html in (first, last)]
    assert pages == [
        [e.patient_id for e in episodes[: IntakeQueue.paginate_by]],
        [e.patient_id for e in episodes[IntakeQueue.paginate_by :]],
    ]
    assert f"Showing 1–{IntakeQueue.paginate_by} of {len(episodes)}" in first


def test_only_the_patients_of_the_page_shown_are_recorded_as_viewed(client, intake, make_episode):
    episodes = [make_episode(status="referred") for _ in range(IntakeQueue.paginate_by + 1)]
    client.force_login(intake)
    client.get(reverse("patients:intake-queue"), {"page": 2})
    viewed = AuditEvent.objects.filter(object_type="patients.episode list")
    assert list(viewed.values_list("patient_id", flat=True)) == [episodes[-1].patient_id]


def test_the_page_links_keep_the_program_chosen(client, intake, make_episode, program):
    for _ in range(IntakeQueue.paginate_by + 1):
        make_episode(status="referred")
    make_episode(status="referred", program_=ProgramFactory(name="Another program"))
    client.force_login(intake)
    html = client.get(reverse("patients:intake-queue"), {"program": program.pk}).content.decode()
    assert f'href="?program={program.pk}&page=2"' in html
    assert f"Showing 1–{IntakeQueue.paginate_by} of {IntakeQueue.paginate_by + 1}<" in html


def test_each_row_says_whether_its_intake_has_begun_and_the_program_chosen_stays_selected(
    client, intake, make_episode, program
):
    from patients.services.intake import intake_start

    waiting = make_episode(status="referred")
    begun = make_episode(status="referred")
    assessment = intake_start(episode=begun, user=intake)
    client.force_login(intake)
    html = client.get(reverse("patients:intake-queue"), {"program": program.pk}).content.decode()
    rows = {
        int(pk): row for pk, row in re.findall(r'href="/patients/(\d+)/"(.*?)</tr>', html, re.S)
    }
    assert "not started" in rows[waiting.patient_id]
    assert reverse("patients:intake-start", args=[waiting.pk]) in rows[waiting.patient_id]
    step = reverse("patients:intake-step", args=[begun.pk, assessment.current_step])
    assert f"at “{assessment.current_step_title}”" in rows[begun.patient_id]
    assert f'href="{step}">Resume intake' in rows[begun.patient_id]
    assert "not started" not in rows[begun.patient_id]
    assert f'<option value="{program.pk}" selected>' in html


def test_a_rows_start_button_posts_with_the_pages_csrf_token_and_begins_the_intake(
    intake, make_episode
):
    """The rows are drawn in Python (`intake_queue_tags`): the form a coordinator presses must
    carry the token the CSRF check accepts, as the template's `{% csrf_token %}` did."""
    from django.test import Client

    from patients.models import IntakeAssessment

    waiting = make_episode(status="referred", is_sud=True)
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(intake)
    html = browser.get(reverse("patients:intake-queue")).content.decode()
    start = reverse("patients:intake-start", args=[waiting.pk])
    form = re.search(rf'<form method="post" action="{start}".*?</form>', html, re.S).group(0)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
    row = html[html.index(f'href="/patients/{waiting.patient_id}/"') :].split("</tr>")[0]
    assert 'text-bg-warning">Part 2</span>' in row
    assert "ago) from" in row

    refused = Client(enforce_csrf_checks=True)
    refused.force_login(intake)
    assert refused.post(start).status_code == 403  # no token: the check is on
    answer = browser.post(start, {"csrfmiddlewaretoken": token})
    assert answer.status_code == 302
    assert IntakeAssessment.objects.filter(episode=waiting).exists()
