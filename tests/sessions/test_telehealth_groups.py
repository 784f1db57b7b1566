"""A telehealth group records its place of service and modifier once, and every session it
meets carries them to the billing suggestion (CLINICAL.md, "Billing codes": telehealth)."""

import pytest
from django.core.exceptions import ValidationError

from sessions import services as ss
from sessions.billing import telehealth_label
from sessions.models import TherapySession
from tests.sessions.helpers import MON_9


def test_a_telehealth_group_needs_its_place_of_service_and_modifier(group):
    group.delivery = "telehealth"
    with pytest.raises(ValidationError) as refusal:
        group.full_clean()
    assert refusal.value.message_dict["place_of_service"] == [
        "A telehealth group records its place of service and modifier."
    ]
    group.place_of_service, group.telehealth_modifier = "10", "95"
    group.full_clean()


def test_sessions_of_a_telehealth_group_carry_its_place_of_service_and_modifier(group, clock):
    group.delivery, group.place_of_service, group.telehealth_modifier = "telehealth", "02", "93"
    group.save()
    ss.group_schedule_generate(weeks=1, start=MON_9, group=group)
    sessions = TherapySession.objects.filter(group=group)
    assert sessions.count() == 3
    assert {telehealth_label(s) for s in sessions} == {"POS 02, modifier 93"}
