"""Changing one's own password from the link next to one's name, in Chromium."""

import pytest
from playwright.sync_api import expect

from tests.browser.test_login_browser import sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_a_clinician_changes_their_password_from_the_menu(page, live_server, clinician, password):
    sign_in(page, live_server, "clinician", password)
    page.get_by_role("link", name="Change password").click()
    page.get_by_label("Old password").fill(password)
    page.locator("#id_new_password1").fill("a-fresh-long-passphrase-77")
    page.get_by_label("New password confirmation").fill("a-fresh-long-passphrase-77")
    page.get_by_role("button", name="Change password").click()
    expect(page.get_by_text("Your password is changed.")).to_be_visible()
    clinician.refresh_from_db()
    assert clinician.check_password("a-fresh-long-passphrase-77")
