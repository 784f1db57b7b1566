"""Plans fixtures: a draft plan and its activated version, a program reviewed fortnightly, and a
plan with signed versions. (tests/plans/test_pages.py builds its own `draft` through the editor.)"""

import pytest

from plans import services
from tests.factories import ProgramFactory
from tests.plans.helpers import activate


@pytest.fixture
def fortnightly(db):
    return ProgramFactory(name="Adolescent IOP", track="adolescent", review_cadence_days=14)


@pytest.fixture
def signed_versions(episode, make_plan, clinician):
    """v1 superseded by v2, which is active."""
    v1 = activate(make_plan(episode), clinician)
    v2 = services.plan_revise(plan=v1, user=clinician)
    services.plan_update(plan=v2, data={"summary": "Revised"}, user=clinician)
    v2 = activate(v2, clinician)
    v1.refresh_from_db()
    assert (v1.status, v2.status) == ("superseded", "active")
    return {"superseded": v1, "active": v2}


@pytest.fixture
def draft(make_plan, episode):
    return make_plan(episode)


@pytest.fixture
def active(draft, clinician):
    return services.plan_activate(plan=draft, user=clinician, patient_ack_name="Pat Doe")
