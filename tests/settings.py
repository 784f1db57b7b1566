"""Test settings: the production settings module with test-only values in the environment.

Set before importing so the same env-reading code is exercised; only what a test run must
differ in (fast password hashing, a private cache, an isolated var/ folder) is changed here.
"""

import os
import uuid
from pathlib import Path

_base = Path(__file__).resolve().parent.parent
os.environ.setdefault("SECRET_KEY", "tests-only-secret-key-" + "k" * 40)
os.environ.setdefault("HTTPS", "0")
# Existing tests sign admins and supervisors in with force_login; MFA tests switch it on.
os.environ.setdefault("MFA_ENFORCED", "0")
os.environ.setdefault("VAR_DIR", str(_base / "var" / "test"))
# A queue of this run's own, inherited by the worker processes the tests start.
os.environ.setdefault("CELERY_QUEUE", f"iop-test-{uuid.uuid4().hex[:10]}")
# Under pytest-xdist each test process has its own database, so its own queue too (the worker
# processes it starts inherit the name).
_xdist_worker = os.environ.get("PYTEST_XDIST_WORKER")
if _xdist_worker and not os.environ["CELERY_QUEUE"].endswith(f"-{_xdist_worker}"):
    os.environ["CELERY_QUEUE"] += f"-{_xdist_worker}"

from iop.settings import *  # noqa: E402,F403
from iop.settings import DATABASES, VAR_DIR  # noqa: E402

# Every shaped read is also built as written and compared with the SQL its cache sends.
QUERY_SHAPES_VERIFY = True
# Argon2 is checked by its own test; hashing every fixture user with it would cost seconds.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # A file, not memory, so worker processes started by the tests share it.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}
# Tests decide which jobs run; a worker started by a test does not catch up on its own.
CELERY_CATCH_UP_ON_START = False
# Tests migrate their own database as DATABASE_URL's role, whatever DATABASE_OWNER_URL says.
DATABASE_OWNER = None
