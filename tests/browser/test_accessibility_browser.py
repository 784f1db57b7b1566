"""axe-core (tests/browser/vendor/, see its README) over every page of tests/pages.py as each
role that opens it, plus the account pages, a director's and an admin's Today and the error
page: no 'serious' or 'critical' violation anywhere.

The pages and their objects are the query budgets' (tests/test_query_budgets.py): a new page in
PAGES, with its objects in that world, is checked here without a line added.
"""

import json
from pathlib import Path

import pytest
import time_machine
from django.urls import Resolver404, resolve, reverse
from playwright.sync_api import expect

from iop.accounts.roles import Role
from tests.browser.test_intake_browser import sign_in
from tests.factories import PASSWORD, UserFactory
from tests.pages import CLINICIAN, INTAKE, NOT_PAGES, PAGES, SUPERVISOR
from tests.reports import sample_section
from tests.test_query_budgets import (
    BUILT_AT,
    MEASURED_AT,
    _build,
    _queue,
    _run_sessions,
    users_and_objects,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture(autouse=True)
def _sample_report_section():
    """The report pages show the sample section (tests/reports) besides those installed."""
    with sample_section.installed():
        yield


AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
BLOCKING = ("serious", "critical")
# The pages only a signed-in user of any role reads that are not in PAGES (not budgeted: no
# patient data on them).
ACCOUNT_PAGES = ["accounts:password-change", "accounts:security", "accounts:mfa-enrol"]
# Forms sent with nothing typed (url name of a page in PAGES, the role): the page again with
# its errors, the state a form's markup most often gets wrong.
FORMS_SENT_EMPTY = [
    ("patients:referral-new", INTAKE),
    ("sessions:new", CLINICIAN),
    ("patients:consent-new", CLINICIAN),
    ("patients:measure-new", CLINICIAN),
    ("patients:risk", CLINICIAN),
    ("plans:sign", CLINICIAN),
    ("plans:discharge", CLINICIAN),
    ("disclosures:release-new", CLINICIAN),
]


def axe_violations(page):
    """axe's serious and critical violations on the page as it is now, one line each. The
    script goes in through the DevTools protocol (page.evaluate), which the page's Content
    Security Policy does not govern, so no CSP refusal reaches the console."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text())
    results = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
    )
    return [
        (
            f"[{violation['impact']}] {violation['id']}: {violation['help']}\n"
            f"    at {json.dumps(node['target'])}\n"
            f"    {' '.join(node.get('failureSummary', '').split())}"
        )
        for violation in results
        if violation["impact"] in BLOCKING
        for node in violation["nodes"]
    ]


def _check(page, url, label, found, then=None):
    """Open `url` (and do `then(page)`) and add each violation there to `found` (violation ->
    the pages showing it)."""
    page.goto(url)
    page.wait_for_load_state("networkidle")  # htmx parts loaded on load
    if then:
        then(page)
        page.wait_for_load_state("networkidle")
    for line in axe_violations(page):
        found.setdefault(line, []).append(label)


def _linked_steps(page):
    """{url name: href} of the links in the page's main part to pages outside PAGES (NOT_PAGES:
    a step such as closing an alert or adding a plan item, opened from a link). Downloads (a
    PDF) are not pages."""
    steps = {}
    for href in page.eval_on_selector_all(
        "main a[href^='/']:not([download])", "els => els.map(e => e.pathname)"
    ):
        if href.endswith(".pdf"):
            continue
        try:
            match = resolve(href)
        except Resolver404:
            continue
        if match.url_name in NOT_PAGES.get(match.namespace or match.url_name, ()):
            steps.setdefault(match.view_name, href)
    return steps


def _report(found):
    return "\n".join(f"{line}\n    on: {'; '.join(pages)}" for line, pages in found.items())


def _world():
    """The query budgets' small program, as it stands at MEASURED_AT."""
    with time_machine.travel(BUILT_AT, tick=False) as clock:
        intake = UserFactory(username="intake-a11y", role=Role.INTAKE)
        world = _build("a11y", size=2, weeks=1, measures=2, intake=intake, past_episodes=0)
        clock.move_to(MEASURED_AT, tick=False)
        _run_sessions(world, intake)
        queue = _queue(world["program"], intake, 2)
    return users_and_objects(world, intake, queue)


def test_no_serious_or_critical_violations_on_any_page(page, live_server):
    users, objects = _world()
    users[Role.DIRECTOR] = UserFactory(username="director-a11y", role=Role.DIRECTOR)
    objects[Role.DIRECTOR] = objects[SUPERVISOR]
    admin = UserFactory(username="admin-a11y", role=Role.ADMIN, is_staff=True)
    found = {}
    with time_machine.travel(MEASURED_AT, tick=True):
        _check(page, f"{live_server.url}{reverse('accounts:login')}", "sign-in", found)
        for role, user in users.items():
            sign_in(page, live_server, user.username, PASSWORD)
            # A director reads the supervisor's pages: the same templates, more programs.
            page_role = SUPERVISOR if role == Role.DIRECTOR else role
            linked = {}
            for item in PAGES:
                if page_role in item.roles:
                    path = item.path(objects[role])
                    _check(page, live_server.url + path, f"{item.label} as {role}", found)
                    linked = {**_linked_steps(page), **linked}
            for name, href in linked.items():
                _check(page, live_server.url + href, f"{name} (linked) as {role}", found)
            page.context.clear_cookies()
        sign_in(page, live_server, admin.username, PASSWORD)
        _check(page, f"{live_server.url}{reverse('today')}", "Today as admin", found)
        for name in ACCOUNT_PAGES:
            _check(page, f"{live_server.url}{reverse(name)}", f"{name} as admin", found)
        # Another tab: the fixture's fails the test on the 404 the console reports.
        _check(page.context.new_page(), f"{live_server.url}/patients/0/", "not found", found)
    assert not found, "axe found serious or critical violations:\n" + _report(found)


def _send_empty(page):
    form = page.locator("main form[novalidate]").first
    form.locator("[type=submit]").first.click()
    expect(page.locator(".is-invalid, .invalid-feedback, .alert-danger").first).to_be_visible()


def test_no_serious_or_critical_violations_on_forms_sent_empty(page, live_server):
    users, objects = _world()
    pages = {item.url_name: item for item in PAGES}
    found = {}
    with time_machine.travel(MEASURED_AT, tick=True):
        page.goto(f"{live_server.url}{reverse('accounts:login')}")
        page.get_by_label("Username").fill(users[CLINICIAN].username)
        page.get_by_label("Password").fill("not the password")
        page.get_by_role("button", name="Sign in").click()
        expect(page.locator(".alert-danger, .invalid-feedback").first).to_be_visible()
        found.update({line: ["sign-in refused"] for line in axe_violations(page)})
        for role in (CLINICIAN, INTAKE):
            sign_in(page, live_server, users[role].username, PASSWORD)
            for url_name, form_role in FORMS_SENT_EMPTY:
                if form_role == role:
                    url = live_server.url + pages[url_name].path(objects[role])
                    _check(page, url, f"{url_name} sent empty", found, then=_send_empty)
            page.context.clear_cookies()
    assert not found, "axe found serious or critical violations:\n" + _report(found)
