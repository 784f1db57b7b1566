from tests.plans.conftest import *  # noqa: F403
