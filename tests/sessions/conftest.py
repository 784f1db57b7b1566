"""Sessions fixtures (the group, `enroll` and the clock are in tests/fixtures/sessions.py)."""

from types import SimpleNamespace

import pytest

from sessions import services as ss
from tests.sessions.helpers import MON_2, MON_9, at, group_session


@pytest.fixture
def monday(clock, group, enroll):
    """Mon 9 Nov's group session, with one enrolled patient; the clock at 10:00 that day."""
    ep = enroll(last_name="Ames")
    ss.group_schedule_generate(weeks=3, start=MON_2)
    clock.move_to(at(MON_9, 10), tick=False)
    return SimpleNamespace(session=group_session(group, MON_9), episode=ep)
