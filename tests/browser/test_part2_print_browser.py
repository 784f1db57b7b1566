"""A SUD patient's plan printed from the browser (Ctrl-P) carries the full 42 CFR Part 2 notice;
on the screen there is one discreet line and no print button."""

import pytest
from playwright.sync_api import expect

from patients.part2 import REDISCLOSURE_NOTICE
from plans import services
from tests.browser.test_intake_browser import sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_a_printed_sud_plan_carries_the_part2_notice(
    page, live_server, admit, sud_program, make_plan, clinician, password
):
    episode = admit(clinician=clinician, program_=sud_program, is_sud=True, last_name="Hale")
    plan = services.plan_activate(plan=make_plan(episode), user=clinician, patient_ack_name="Pat")
    sign_in(page, live_server, "clinician", password)
    page.goto(f"{live_server.url}/plans/{plan.pk}/")

    screen_line = page.get_by_test_id("part2-notice")
    print_block = page.get_by_test_id("part2-print-notice")
    expect(screen_line).to_be_visible()
    expect(print_block).to_be_hidden()
    expect(page.get_by_role("button", name="Print")).to_have_count(0)

    page.emulate_media(media="print")
    expect(print_block).to_be_visible()
    expect(print_block).to_contain_text(REDISCLOSURE_NOTICE)
    expect(screen_line).to_be_hidden()
    expect(page.get_by_test_id("problem")).to_be_visible()  # the record itself still prints
