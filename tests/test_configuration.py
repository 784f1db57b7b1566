"""Settings come from the environment; bad values stop the start with the variable's name."""

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from django.core.exceptions import ImproperlyConfigured

from iop import env

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "p7#Vq2!xL9@mR4$wZ8^kT1&nB6*yH3(cJ5)fG0_dS-aE+uQ=oW~iP" * 1,
    "ALLOWED_HOSTS": "iop.example.org",
    "DATABASE_URL": "postgres://iop@db.example.org:5432/iop",
    "REDIS_URL": "redis://redis.example.org:6379/0",
    "HTTPS": "1",
}

# Variables of the test run itself that must not leak into the app started here.
INHERITED_SETTINGS = {
    "DJANGO_SETTINGS_MODULE",
    "DATABASE_URL",
    "REDIS_URL",
    "DEBUG",
    "SECRET_KEY",
    "HTTPS",
    "VAR_DIR",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
}


def manage(*args, **env_vars):
    environment = {k: v for k, v in os.environ.items() if k not in INHERITED_SETTINGS}
    environment.update(env_vars, VAR_DIR=str(ROOT / "var" / "test" / "config"))
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_the_deploy_check():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_a_missing_secret_key_in_production_names_the_variable():
    result = manage("check", **{**PRODUCTION, "SECRET_KEY": ""})
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_a_command_without_any_configuration_says_so_plainly():
    """Not Django's unrelated "Models aren't loaded yet" traceback."""
    result = manage("migrate", "--plan", DEBUG="0", SECRET_KEY="")
    assert result.returncode != 0
    assert result.stderr.startswith("Configuration error: SECRET_KEY must be set")
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    "name,value,message",
    [
        ("DEBUG", "maybe", "DEBUG must be one of"),
        ("DATABASE_URL", "mysql://x@y/z", "DATABASE_URL must point at PostgreSQL"),
        ("REDIS_URL", "localhost:6379", "REDIS_URL must start with"),
        ("SESSION_IDLE_MINUTES", "soon", "SESSION_IDLE_MINUTES must be a whole number"),
    ],
)
def test_a_wrong_value_fails_at_start_up_naming_the_variable(name, value, message):
    result = manage("check", **{**PRODUCTION, name: value})
    assert result.returncode != 0
    assert message in result.stderr


def test_with_nothing_set_the_app_runs_on_sqlite_under_var(tmp_path):
    code = "from django.conf import settings; print(settings.DATABASES['default']['NAME'])"
    result = manage("shell", "-c", code, DEBUG="1")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("var/test/config/iop.sqlite3")


@pytest.mark.parametrize("raw,expected", [("1", True), ("yes", True), ("off", False), ("", False)])
def test_booleans_read_the_usual_spellings(monkeypatch, raw, expected):
    monkeypatch.setenv("SOME_FLAG", raw)
    assert env.env_bool("SOME_FLAG") is expected


def test_a_bad_number_is_refused_with_the_variable_name(monkeypatch):
    monkeypatch.setenv("LOGIN_FAILURE_LIMIT", "0")
    with pytest.raises(ImproperlyConfigured, match="LOGIN_FAILURE_LIMIT must be at least 1"):
        env.env_int("LOGIN_FAILURE_LIMIT", 5, minimum=1)


def test_migrations_match_the_models():
    result = manage("makemigrations", "--check", "--dry-run", DEBUG="1")
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_sessions_app_has_the_therapy_sessions_label():
    from django.apps import apps

    assert apps.get_app_config("therapy_sessions").name == "sessions"
    assert apps.get_app_config("sessions").name == "django.contrib.sessions"


def test_docker_compose_defines_the_full_stack():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert set(services) >= {"postgres", "redis", "web", "worker", "beat"}
    assert "gunicorn" in " ".join(services["web"]["command"])
    for name in ("web", "worker", "beat"):
        environment = services[name]["environment"]
        assert environment["DATABASE_URL"].startswith("postgres://")
        assert environment["REDIS_URL"].startswith("redis://")


def test_seed_demo_refuses_to_run_with_debug_off():
    result = manage("seed_demo", **PRODUCTION)
    assert result.returncode != 0
    assert "only runs with DEBUG on" in result.stderr


def test_seed_demo_creates_one_user_per_role(db, settings):
    from django.core.management import call_command

    from iop.accounts.models import User

    settings.DEBUG = True
    for _ in range(2):  # twice: it is safe to re-run
        call_command("seed_demo", password="a-demo-password-1", stdout=io.StringIO())
    for username in ("admin", "supervisor", "clinician", "intake"):
        user = User.objects.get(username=username)
        assert user.roles == {username}
        assert user.check_password("a-demo-password-1")
    assert User.objects.get(username="admin").is_staff


def test_postgresql_connections_do_not_jit_compile(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://iop@db.example.org:5432/iop")
    assert env.env_database("DATABASE_URL", None)["OPTIONS"]["options"] == "-c jit=off"
    monkeypatch.setenv(
        "DATABASE_URL", "postgres://iop@db.example.org:5432/iop?options=-c%20jit%3Don"
    )
    assert env.env_database("DATABASE_URL", None)["OPTIONS"]["options"] == "-c jit=on"


@pytest.mark.django_db
def test_the_app_s_postgresql_connection_has_jit_off():
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
