"""The test settings with a slow page added (tests/ops/slow_urls.py), for the graceful-shutdown
test's gunicorn only (`DJANGO_SETTINGS_MODULE=tests.ops.slow_settings`)."""

from tests.settings import *  # noqa: F403

ROOT_URLCONF = "tests.ops.slow_urls"
