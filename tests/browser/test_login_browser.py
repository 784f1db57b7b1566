"""Signing in through the real login form in Debian's Chromium, driven by Playwright."""

import pytest
from playwright.sync_api import expect

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def sign_in(page, live_server, username, password):
    page.goto(f"{live_server.url}/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def test_the_clinician_signs_in_and_sees_today(page, live_server, clinician, password):
    sign_in(page, live_server, "clinician", password)
    expect(page.get_by_role("heading", name="Today", level=1)).to_be_visible()
    expect(page.get_by_test_id("signed-in-as")).to_have_text("Casey Morgan")
    expect(page.get_by_text("No sessions are scheduled for you today.")).to_be_visible()


def test_a_wrong_password_gives_a_clear_message(page, live_server, clinician):
    sign_in(page, live_server, "clinician", "not-my-password")
    expect(page.get_by_test_id("login-error")).to_contain_text(
        "That username and password do not match"
    )
    expect(page.get_by_label("Username")).to_have_value("clinician")
    expect(page.get_by_label("Password")).to_have_value("")


def test_the_skip_link_moves_focus_to_the_main_content(page, live_server, clinician, password):
    sign_in(page, live_server, "clinician", password)
    expect(page.get_by_role("heading", name="Today", level=1)).to_be_visible()
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to main content")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()


def test_signing_out_returns_to_the_login_page(page, live_server, clinician, password):
    sign_in(page, live_server, "clinician", password)
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_text("You are signed out.")).to_be_visible()
    page.goto(f"{live_server.url}/today/")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
