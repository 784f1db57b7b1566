import pytest
from django.urls import reverse

TODAY = reverse("today")


def test_anonymous_visitors_are_sent_to_sign_in(client, db):
    response = client.get(TODAY)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_the_clinician_sees_an_empty_day(client, clinician):
    client.force_login(clinician)
    html = client.get(TODAY).content.decode()
    assert "No sessions are scheduled for you today." in html
    assert "Casey Morgan" in html


@pytest.mark.parametrize(
    "role,sees_admin_link",
    [
        ("admin", True),
        ("supervisor", False),
        ("clinician", False),
        ("intake", False),
    ],
)
def test_navigation_follows_the_role(client, role_users, role, sees_admin_link):
    client.force_login(role_users[role])
    html = client.get(TODAY).content.decode()
    assert (f'href="{reverse("admin:index")}"' in html) is sees_admin_link


def test_the_intake_coordinator_sees_the_referral_panel(client, intake):
    client.force_login(intake)
    html = client.get(TODAY).content.decode()
    assert "Referrals and intakes" in html
    assert "My sessions today" not in html


def test_a_user_without_a_role_is_told_what_to_do(client, db):
    from tests.factories import UserFactory

    client.force_login(UserFactory(username="norole"))
    assert "Your account has no role yet" in client.get(TODAY).content.decode()


def test_pages_have_a_skip_link_and_a_main_landmark(client, clinician):
    client.force_login(clinician)
    html = client.get(TODAY).content.decode()
    assert 'href="#main"' in html
    assert '<main id="main"' in html


def test_pages_are_never_cached(client, clinician):
    client.force_login(clinician)
    assert "no-store" in client.get(TODAY)["Cache-Control"]


def test_pages_carry_a_content_security_policy(client, db):
    csp = client.get(reverse("accounts:login"))["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp


def test_responses_carry_a_request_id(client, db):
    assert len(client.get(reverse("accounts:login"))["X-Request-ID"]) == 32


def test_unknown_pages_get_the_friendly_404(client, clinician):
    client.force_login(clinician)
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_a_server_error_gets_the_friendly_500(client, clinician, monkeypatch):
    import sessions.views.day

    def boom(request):
        raise RuntimeError("boom")

    monkeypatch.setattr(sessions.views.day, "render", lambda *a, **k: boom(None))
    client.raise_request_exception = False
    client.force_login(clinician)
    response = client.get(TODAY)
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.content.decode()


def test_no_template_loads_anything_from_a_cdn():
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "templates"
    for template in root.rglob("*.html"):
        text = template.read_text()
        assert "https://" not in text and "//cdn" not in text, template


def test_the_vendored_assets_are_served(client, db):
    from django.contrib.staticfiles import finders

    for asset in [
        "vendor/bootstrap/bootstrap.min.css",
        "vendor/htmx/htmx.min.js",
        "vendor/bootstrap/bootstrap.bundle.min.js",
        "vendor/chartjs/chart.umd.min.js",
    ]:
        assert finders.find(asset), asset
