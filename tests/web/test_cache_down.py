"""Redis down takes the cache with it (it is the broker too): the API's throttles and the
audit trail's refusal de-duplication read it on every call, and must not turn that into a
500 (iop/cache.py)."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from iop.audit.models import AuditEvent


@pytest.fixture
def cache_down(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "iop.cache.DegradingRedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }


def test_the_api_answers_with_its_throttles_unable_to_count(api_client, clinician, cache_down):
    api_client.force_authenticate(clinician)
    assert api_client.get(reverse("patient-list")).status_code == 200


def test_an_anonymous_refusal_is_still_audited(api_client, patient, cache_down):
    assert api_client.get(reverse("patient-detail", args=[patient.pk])).status_code == 401
    assert AuditEvent.objects.filter(action=AuditEvent.Action.DENIED).count() == 1


def test_a_read_is_a_miss_and_a_write_is_dropped(cache_down):
    cache.set("seen", 1)
    assert cache.get("seen", "missing") == "missing"
    assert cache.get_many(["seen"]) == {}
    assert cache.add("seen", 1) is True
