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
from django.urls import reverse

from iop.accounts.roles import Role
from tests.browser.test_intake_browser import sign_in
from tests.factories import PASSWORD, UserFactory
from tests.pages import PAGES, SUPERVISOR
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

AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
BLOCKING = ("serious", "critical")
# The pages only a signed-in user of any role reads that are not in PAGES (not budgeted: no
# patient data on them).
ACCOUNT_PAGES = ["accounts:password-change", "accounts:security", "accounts:mfa-enrol"]


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


def _check(page, url, label, found):
    """Open `url` and add each violation there to `found` (violation -> the pages showing it)."""
    page.goto(url)
    page.wait_for_load_state("networkidle")  # htmx parts loaded on load
    for line in axe_violations(page):
        found.setdefault(line, []).append(label)


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
            for item in PAGES:
                if page_role in item.roles:
                    path = item.path(objects[role])
                    _check(page, live_server.url + path, f"{item.label} as {role}", found)
            page.context.clear_cookies()
        sign_in(page, live_server, admin.username, PASSWORD)
        _check(page, f"{live_server.url}{reverse('today')}", "Today as admin", found)
        for name in ACCOUNT_PAGES:
            _check(page, f"{live_server.url}{reverse(name)}", f"{name} as admin", found)
        # Another tab: the fixture's fails the test on the 404 the console reports.
        _check(page.context.new_page(), f"{live_server.url}/patients/0/", "not found", found)
    assert not found, "axe found serious or critical violations:\n" + _report(found)
