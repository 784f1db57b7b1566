"""Two-step verification in Debian's Chromium: a supervisor sets up an authenticator at first
sign-in (the QR code drawn on the page, no script), keeps the recovery codes and signs in
again with one of them. Console errors (a CSP refusal) fail the test."""

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from tests.accounts.mfa_support import code_now
from tests.browser.test_login_browser import sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_a_supervisor_sets_up_mfa_and_signs_in_with_a_recovery_code(
    page, live_server, settings, supervisor, password
):
    settings.MFA_ENFORCED = True
    sign_in(page, live_server, "supervisor", password)
    expect(page.get_by_role("heading", name="Set up two-step verification")).to_be_visible()
    expect(page.get_by_test_id("mfa-qr").locator("svg")).to_be_visible()
    expect(page.get_by_role("link", name="Today")).to_have_count(0)

    device = TOTPDevice.objects.get(user=supervisor, confirmed=False)
    page.get_by_label("Code").fill(code_now(device))
    page.get_by_role("button", name="Turn on two-step verification").click()
    expect(page.get_by_role("heading", name="Your recovery codes")).to_be_visible()
    codes = page.get_by_test_id("recovery-codes").locator("li").all_inner_texts()
    assert len(codes) == 10
    page.get_by_role("link", name="I have saved them: continue").click()
    expect(page.get_by_role("heading", name="Today", level=1)).to_be_visible()

    page.get_by_role("button", name="Sign out").click()
    sign_in(page, live_server, "supervisor", password)
    expect(page.get_by_role("heading", name="Two-step verification")).to_be_visible()
    page.get_by_label("Code").fill(codes[0])
    page.get_by_role("button", name="Verify").click()
    expect(page.get_by_text("You signed in with a recovery code; 9 left.")).to_be_visible()
    expect(page.get_by_role("heading", name="Today", level=1)).to_be_visible()
