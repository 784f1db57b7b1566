"""The composer offers each attendee the objectives of their own active plan, and the session
page builds it from the parts it read already (with their patients), not a second time."""

import re

from django.db import connection
from django.db.models import Prefetch
from django.test.utils import CaptureQueriesContext

from plans import services as plan_services
from plans.models import Objective
from sessions import services
from sessions.forms import NoteForm
from sessions.models import NoteEntry, ProgressNote


def test_each_part_offers_its_own_active_plans_objectives(
    client, clinician, enroll, todays_session, make_plan
):
    ames, brook, cole = (enroll(last_name=name) for name in ("Ames", "Brook", "Cole"))
    services.attendance_mark_all_present(session=todays_session, user=clinician)
    plans = {}
    for episode in (ames, brook):
        plans[episode] = make_plan(episode)
        plan_services.plan_activate(plan=plans[episode], user=clinician, patient_ack_name="Pat")
    make_plan(cole)  # a draft: nothing to offer
    services.note_start(session=todays_session, user=clinician)
    client.force_login(clinician)
    html = client.get(todays_session.get_absolute_url()).content.decode()
    for episode in (ames, brook):
        objective = Objective.objects.get(goal__problem__plan=plans[episode])
        part = re.search(
            rf'<fieldset[^>]*id="part-{episode.patient_id}".*?</fieldset>', html, re.S
        ).group(0)
        assert f'name="entry_{episode.patient_id}_objectives" value="{objective.pk}"' in part
        assert part.count('type="checkbox"') == 1
    cole_part = re.search(
        rf'<fieldset[^>]*id="part-{cole.patient_id}".*?</fieldset>', html, re.S
    ).group(0)
    assert 'type="checkbox"' not in cole_part


def test_the_form_takes_the_parts_read_with_the_note(clinician, enroll, todays_session):
    enroll.many(3)
    services.attendance_mark_all_present(session=todays_session, user=clinician)
    services.note_start(session=todays_session, user=clinician)
    parts = NoteEntry.objects.select_related("patient")
    note = ProgressNote.objects.prefetch_related(Prefetch("entries", queryset=parts)).get()
    with CaptureQueriesContext(connection) as read:
        form = NoteForm(note=note)
    assert len(read.captured_queries) == 1  # the objectives only
    assert len(form.rows) == 3
    note = ProgressNote.objects.get()  # not prefetched: the parts read with their patients
    with CaptureQueriesContext(connection) as read:
        form = NoteForm(note=note)
    assert len(read.captured_queries) == 2
    assert {entry.patient.display_name for entry, _, _ in form.rows}
