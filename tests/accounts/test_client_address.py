"""The client's address is decided once (iop.accounts.net.client_ip), from headers only our own
proxies could have written; a forged or malformed X-Forwarded-For never picks the address and
never breaks a page."""

import ipaddress
import re
from pathlib import Path

import pytest
import yaml
from django.core.cache import cache
from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from iop.accounts.net import client_ip
from iop.audit.models import AuditEvent

ROOT = Path(__file__).resolve().parent.parent.parent
LOGIN = reverse("accounts:login")
TOKEN = reverse("auth-token")
SOCKET = "192.0.2.10"


def address(rf, forwarded=None, remote=SOCKET):
    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return client_ip(rf.get("/", **meta))


@pytest.mark.parametrize(
    ("count", "forwarded", "expected"),
    [
        (0, "203.0.113.9", SOCKET),  # nobody vouches for the header
        (1, "203.0.113.9", "203.0.113.9"),
        (1, "198.51.100.1, 203.0.113.9", "203.0.113.9"),  # the client's own entry is ignored
        (2, "198.51.100.1, 203.0.113.9, 10.0.0.2", "203.0.113.9"),
        (2, "203.0.113.9", SOCKET),  # fewer entries than proxies
        (1, "2001:db8::1", "2001:db8::1"),
        (1, "2001:DB8:0:0::1", "2001:db8::1"),  # normalised
        (1, "", SOCKET),
        (1, None, SOCKET),
    ],
)
def test_the_address_our_outermost_proxy_appended_is_the_clients(rf, count, forwarded, expected):
    with override_settings(TRUSTED_PROXY_COUNT=count):
        assert address(rf, forwarded) == expected


@pytest.mark.parametrize(
    "forwarded",
    [
        "not-an-ip",
        "203.0.113.9:443",
        "[2001:db8::1]",
        "[2001:db8::1]:443",
        "fe80::1%eth0",
        "999.1.1.1",
        "1.2.3",
        "unknown",
        " , ",
        "203.0.113.9 203.0.113.10",
        "203.0.113.9\x00",
        "<script>alert(1)</script>",
        ", ".join(["203.0.113.9"] * 21),  # more entries than any chain of ours writes
        "1" * 2000,
    ],
)
def test_a_malformed_forwarded_header_is_ignored(rf, forwarded):
    with override_settings(TRUSTED_PROXY_COUNT=1):
        assert address(rf, forwarded) == SOCKET


def test_an_entry_from_one_of_our_own_proxies_must_be_an_address_too(rf):
    with override_settings(TRUSTED_PROXY_COUNT=2):
        assert address(rf, "203.0.113.9, garbage") == SOCKET


@pytest.mark.parametrize("remote", ["", "not-an-ip", "fe80::1%lo", None])
def test_no_usable_socket_address_is_none(rf, remote):
    meta = {} if remote is None else {"REMOTE_ADDR": remote}
    request = rf.get("/")
    request.META.pop("REMOTE_ADDR", None)
    request.META.update(meta)
    assert client_ip(request) is None


def _compose_default(value):
    match = re.fullmatch(r"\$\{\w+:-(.*)\}", str(value))
    return match.group(1) if match else str(value)


def test_the_compose_file_trusts_no_proxy_it_does_not_run():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    for name in ("web", "worker", "beat"):
        environment = compose["services"][name]["environment"]
        assert _compose_default(environment["TRUSTED_PROXY_COUNT"]) == "0", name


def test_rotating_the_header_does_not_escape_the_lockout(client, clinician, password):
    for n in range(5):
        client.post(
            LOGIN,
            {"username": "clinician", "password": "wrong"},
            REMOTE_ADDR=SOCKET,
            HTTP_X_FORWARDED_FOR=f"198.51.100.{n}",
        )
    response = client.post(
        LOGIN,
        {"username": "clinician", "password": password},
        REMOTE_ADDR=SOCKET,
        HTTP_X_FORWARDED_FOR="198.51.100.99",
    )
    assert "Sign-in is paused" in response.content.decode()
    assert set(AuditEvent.objects.values_list("ip", flat=True)) == {SOCKET}


def test_rotating_the_header_does_not_escape_the_token_endpoint_throttle(api_client, db):
    cache.clear()
    statuses = [
        api_client.post(
            TOKEN,
            {"username": "x", "password": "y"},
            REMOTE_ADDR=SOCKET,
            HTTP_X_FORWARDED_FOR=f"198.51.100.{n}",
        ).status_code
        for n in range(11)
    ]
    assert statuses[:10] == [400] * 10
    assert statuses[10] == 429


def _api_views(patterns):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _api_views(pattern.url_patterns)
        elif isinstance(pattern, URLPattern) and hasattr(pattern.callback, "cls"):
            yield pattern.callback.cls


def test_every_api_throttle_asks_client_ip():
    from iop.api.throttling import ClientAddressMixin

    views = list(_api_views(get_resolver().url_patterns))
    assert len(views) > 5
    for view in views:
        for throttle in view().get_throttles():
            assert isinstance(throttle, ClientAddressMixin), (view, throttle)


@override_settings(TRUSTED_PROXY_COUNT=0)
def test_api_throttles_ignore_the_header_when_no_proxy_is_trusted(rf):
    from iop.api.throttling import AnonRateThrottle, ScopedRateThrottle, UserRateThrottle

    request = rf.get("/", REMOTE_ADDR=SOCKET, HTTP_X_FORWARDED_FOR="198.51.100.7")
    for throttle in (AnonRateThrottle, UserRateThrottle, ScopedRateThrottle):
        assert throttle().get_ident(request) == SOCKET


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_the_audit_records_the_address_our_proxy_vouches_for(client, clinician, password):
    client.post(
        LOGIN,
        {"username": "clinician", "password": password},
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.9",
    )
    assert AuditEvent.objects.get(action=AuditEvent.Action.LOGIN).ip == "203.0.113.9"


# Header values a client might send: addresses, near-addresses and garbage, alone or in lists.
ENTRY = st.one_of(
    st.ip_addresses().map(str),
    st.sampled_from(
        [
            "not-an-ip",
            "fe80::1%eth0",
            "[::1]",
            "[2001:db8::1]:443",
            "203.0.113.9:80",
            "999.0.0.1",
            "1.2.3",
            "0x7f.1",
            "::ffff:1.2.3.4",
            "unknown",
            "",
            " ",
            "1" * 60,
        ]
    ),
    st.text(alphabet=st.characters(max_codepoint=0x2FF, exclude_categories=("Cs",)), max_size=12),
)
HEADER = st.one_of(
    st.text(alphabet=st.characters(max_codepoint=0x2FF, exclude_categories=("Cs",))),
    st.lists(ENTRY, min_size=1, max_size=30).flatmap(
        lambda entries: st.sampled_from([",", ", ", " ,", ",,"]).map(lambda sep: sep.join(entries))
    ),
)
FUZZ = hypothesis_settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _stored_addresses_are_valid():
    for ip in AuditEvent.objects.values_list("ip", flat=True):
        assert ip is None or ipaddress.ip_address(ip), ip


@pytest.mark.parametrize("count", [1, 2])
def test_any_forwarded_header_signs_in_and_records_a_real_address(client, clinician, count):
    @FUZZ
    @given(header=HEADER)
    def check(header):
        cache.clear()
        with override_settings(TRUSTED_PROXY_COUNT=count):
            response = client.post(
                LOGIN,
                {"username": "clinician", "password": "wrong"},
                REMOTE_ADDR=SOCKET,
                HTTP_X_FORWARDED_FOR=header,
            )
        assert response.status_code == 200
        _stored_addresses_are_valid()

    check()


@pytest.mark.parametrize("count", [1, 2])
def test_any_forwarded_header_on_the_token_endpoint_is_a_400_not_a_500(api_client, db, count):
    @FUZZ
    @given(header=HEADER)
    def check(header):
        cache.clear()
        with override_settings(TRUSTED_PROXY_COUNT=count):
            response = api_client.post(
                TOKEN,
                {"username": "clinician", "password": "wrong"},
                REMOTE_ADDR=SOCKET,
                HTTP_X_FORWARDED_FOR=header,
            )
        assert response.status_code == 400
        _stored_addresses_are_valid()

    check()


@pytest.mark.parametrize("count", [1, 2])
def test_any_forwarded_header_on_an_audited_page_shows_it(client, clinician, patient, count):
    client.force_login(clinician)
    url = reverse("patients:chart", args=[patient.pk])

    @FUZZ
    @given(header=HEADER)
    def check(header):
        with override_settings(TRUSTED_PROXY_COUNT=count):
            response = client.get(url, REMOTE_ADDR=SOCKET, HTTP_X_FORWARDED_FOR=header)
        assert response.status_code == 200
        _stored_addresses_are_valid()

    check()
    assert AuditEvent.objects.filter(action=AuditEvent.Action.VIEW, patient_id=patient.pk).exists()
