import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache

from iop.accounts.roles import Role
from iop.runtime import ensure_var_dirs
from tests.dbflush import allow_flushing_the_audit_trail
from tests.factories import PASSWORD, UserFactory

# The shared fixtures, by app: patients and programs, plans, groups and sessions.
pytest_plugins = ["tests.fixtures.patients", "tests.fixtures.plans", "tests.fixtures.sessions"]

ROOT = Path(__file__).resolve().parent.parent
allow_flushing_the_audit_trail()  # a transactional test's flush on PostgreSQL (tests/dbflush.py)
CHROMIUM = "/usr/bin/chromium"


def _flag(name):
    return os.environ.get(name, "").lower() in {"1", "true", "yes"}


def pytest_sessionstart(session):
    """With REQUIRE_SERVICES=1 (CI), a missing PostgreSQL or Redis fails the run at once."""
    ensure_var_dirs()  # the test database's folder and the broker's, as any process start
    if not _flag("REQUIRE_SERVICES"):
        return
    problems = []
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        problems.append("DATABASE_URL does not point at PostgreSQL")
    if not settings.REDIS_URL:
        problems.append("REDIS_URL is not set")
    else:
        import redis

        try:
            redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=3).ping()
        except redis.RedisError as exc:
            problems.append(f"Redis at REDIS_URL does not answer ({exc})")
    if problems:
        pytest.exit("REQUIRE_SERVICES=1 but " + "; ".join(problems), returncode=3)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database, kept between runs (--reuse-db). A transactional test's flush ends
    with an empty database, so a kept one may have lost the role groups the data migrations
    made: put them back, and take them into what transactional tests roll back to."""
    from django.apps import apps
    from django.contrib.auth.models import Group
    from django.db import connections

    from iop.accounts.roles import sync_role_permissions

    with django_db_blocker.unblock():
        if Group.objects.filter(name__in=Role.ALL).count() == len(Role.ALL):
            return
        sync_role_permissions(apps)
        for connection in connections.all():
            if hasattr(connection, "_test_serialized_contents"):
                connection._test_serialized_contents = connection.creation.serialize_db_to_string()


def pytest_collection_modifyitems(config, items):
    """Under pytest-xdist (`make test`), the browser tests share one test process and so one
    Chromium, and the worker tests one Celery worker (with `--dist loadgroup`)."""
    for item in items:
        for marker in ("browser", "services"):
            if item.get_closest_marker(marker):
                item.add_marker(pytest.mark.xdist_group(marker))


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


# --- users, one per role (plus a second clinician) ----------------------------------------


@pytest.fixture
def admin_user_role(db):
    return UserFactory(username="admin", role=Role.ADMIN, is_staff=True)


@pytest.fixture
def supervisor(db, program):
    """A supervisor of `program` (the program the patient fixtures use)."""
    user = UserFactory(username="supervisor", role=Role.SUPERVISOR)
    program.supervisors.add(user)
    return user


@pytest.fixture
def director(db):
    """A clinical director: a supervisor of every program."""
    return UserFactory(username="director", role=Role.DIRECTOR)


@pytest.fixture
def clinician(db):
    return UserFactory(
        username="clinician", role=Role.CLINICIAN, first_name="Casey", last_name="Morgan"
    )


@pytest.fixture
def clinician2(db):
    return UserFactory(username="clinician2", role=Role.CLINICIAN)


@pytest.fixture
def intake(db):
    return UserFactory(username="intake", role=Role.INTAKE)


@pytest.fixture
def superuser(db):
    """The Django admin's clinical pages are for superusers only (the admin role configures)."""
    return UserFactory(username="root", is_staff=True, is_superuser=True)


@pytest.fixture
def role_users(admin_user_role, supervisor, clinician, clinician2, intake):
    return {
        Role.ADMIN: admin_user_role,
        Role.SUPERVISOR: supervisor,
        Role.CLINICIAN: clinician,
        "clinician2": clinician2,
        Role.INTAKE: intake,
    }


@pytest.fixture
def password():
    return PASSWORD


@pytest.fixture
def api_client():
    from rest_framework.test import APIClient

    return APIClient()


# --- a real Celery worker process -------------------------------------------------------


def _database_url_for_worker():
    from django.db import connection

    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{s['NAME']}"
    host = s.get("HOST") or "127.0.0.1"
    port = s.get("PORT") or 5432
    auth = s["USER"] + (f":{s['PASSWORD']}" if s.get("PASSWORD") else "")
    return f"postgres://{auth}@{host}:{port}/{s['NAME']}"


@pytest.fixture(scope="session")
def _celery_worker_session(django_db_setup, django_db_blocker):
    """Start `celery worker` as a separate process on this run's queue and test database."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "DATABASE_URL": _database_url_for_worker(),
        "PYTHONUNBUFFERED": "1",
    }
    from iop.celery import app

    # What tests without a worker left on this run's queue (a committed booking's reminder
    # job, from a browser test) would otherwise run inside the first worker test.
    app.control.purge()
    log_path = Path(settings.VAR_DIR) / f"worker-{os.getpid()}.log"
    log = open(log_path, "w+")  # noqa: SIM115 - closed at teardown
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "iop",
            "worker",
            "--pool=solo",
            "--loglevel=INFO",
            "--without-mingle",
            "--without-gossip",
            "--without-heartbeat",
            "-Q",
            settings.CELERY_TASK_DEFAULT_QUEUE,
            "-n",
            f"test-{os.getpid()}@%h",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            log.seek(0)
            pytest.fail(f"the Celery worker exited at start:\n{log.read()[-3000:]}")
        if " ready." in log_path.read_text():
            break
        time.sleep(0.2)
    else:
        proc.kill()
        pytest.fail("the Celery worker did not become ready within 60 s")
    yield proc
    proc.terminate()  # SIGTERM: a warm shutdown
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.close()


@pytest.fixture
def celery_worker_process(_celery_worker_session, transactional_db):
    """A running worker, and committed test data it can see."""
    if _celery_worker_session.poll() is not None:
        pytest.fail("the Celery worker process has died")
    return _celery_worker_session


# --- the broker stopped: this process publishes to a closed port --------------------------


@pytest.fixture
def broker_down():
    """Point this process's publishing at a port nobody listens on, as if Redis were stopped;
    a worker process started by the tests keeps its own connection. The connection pools are
    made from the broker URL on first use, so they are dropped on the way in and out."""
    from iop.celery import app

    def use(url):
        app.conf.broker_write_url = url
        app._pool = None
        app.amqp._producer_pool = None

    use("redis://127.0.0.1:1/0")
    yield lambda: use(None)  # the broker back
    use(None)


@pytest.fixture
def database_down(django_db_blocker):
    """The database unreachable: this process's connection closed and pointed at a port
    nobody listens on (SQLite: a file in a folder that does not exist). A test using it takes
    no `db` fixture: nothing is written, so nothing needs rolling back."""
    from django.db import connection

    saved = dict(connection.settings_dict)

    def back():
        connection.close()
        connection.settings_dict.clear()
        connection.settings_dict.update(saved)

    with django_db_blocker.unblock():
        connection.close()
        if connection.vendor == "sqlite":
            connection.settings_dict["NAME"] = "/nonexistent-iop-test-folder/iop.sqlite3"
        else:
            connection.settings_dict.update(HOST="127.0.0.1", PORT="1")
        try:
            yield back  # the database back
        finally:
            back()


def wait_for(predicate, timeout=30.0, interval=0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(interval)
    return predicate()


# --- Playwright driving Debian's Chromium -----------------------------------------------


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists() or shutil.which("chromium") is None:
        message = f"{CHROMIUM} is not installed (apt-get install -y chromium)"
        if _flag("REQUIRE_BROWSER"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop in the test thread; the ORM calls the tests
    # make there are still synchronous.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


@pytest.fixture
def page(browser):
    """A fresh browser tab. Console errors (a CSP refusal, a missing asset) fail the test."""
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(15_000)
    errors = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    context.close()
    assert not errors, f"the browser reported errors: {errors}"
