from tests.patients.conftest import *  # noqa: F403
