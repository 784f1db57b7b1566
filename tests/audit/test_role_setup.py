"""Setting up the two database roles: DATABASE_OWNER_URL, and docker-compose running
migrations as the owner and the app as its restricted role."""

from urllib.parse import urlsplit

import pytest
import yaml
from django.core.exceptions import ImproperlyConfigured

from iop.env import env_database, env_owner_database
from tests.conftest import ROOT

APP = "postgres://iop_app:secret@db.example.org:5432/iop"


@pytest.fixture
def app_database(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", APP)
    return env_database("DATABASE_URL", None)


def test_without_an_owner_url_migrations_run_as_the_app_role(monkeypatch, app_database):
    monkeypatch.delenv("DATABASE_OWNER_URL", raising=False)
    assert env_owner_database("DATABASE_OWNER_URL", app_database) is None


def test_the_owner_url_is_another_role_on_the_same_database(monkeypatch, app_database):
    monkeypatch.setenv("DATABASE_OWNER_URL", "postgres://iop:owner-pw@db.example.org:5432/iop")
    owner = env_owner_database("DATABASE_OWNER_URL", app_database)
    assert (owner["USER"], owner["PASSWORD"]) == ("iop", "owner-pw")


@pytest.mark.parametrize(
    "url, message",
    [
        ("postgres://iop:pw@db.example.org:5432/other", "same server and database"),
        ("postgres://iop:pw@elsewhere:5432/iop", "same server and database"),
        ("sqlite:////tmp/x.sqlite3", "PostgreSQL only"),
    ],
)
def test_an_owner_url_elsewhere_is_refused_at_start(monkeypatch, app_database, url, message):
    monkeypatch.setenv("DATABASE_OWNER_URL", url)
    with pytest.raises(ImproperlyConfigured, match=message):
        env_owner_database("DATABASE_OWNER_URL", app_database)


def test_the_app_connects_as_its_role_and_only_migrate_as_the_owner():
    services = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]
    migrate = services["migrate"]
    assert migrate["command"] == ["python", "manage.py", "migrate", "--noinput"]
    assert urlsplit(migrate["environment"]["DATABASE_OWNER_URL"]).username == "iop"
    assert urlsplit(migrate["environment"]["DATABASE_URL"]).username == "iop_app"
    assert migrate["restart"] == "no"
    for name in ("web", "worker", "beat"):
        service = services[name]
        assert urlsplit(service["environment"]["DATABASE_URL"]).username == "iop_app", name
        assert "DATABASE_OWNER_URL" not in service["environment"], name
        assert service["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}
        assert "migrate" not in " ".join(service["command"]), name
    postgres = services["postgres"]
    assert postgres["environment"]["POSTGRES_USER"] == "iop"
    assert "./docker/postgres:/docker-entrypoint-initdb.d:ro" in postgres["volumes"]


def test_the_init_script_creates_an_app_role_that_is_no_superuser():
    sql = (ROOT / "docker" / "postgres" / "10-app-role.sql").read_text()
    assert "CREATE ROLE iop_app LOGIN NOSUPERUSER" in sql
    assert "GRANT USAGE ON SCHEMA public TO iop_app" in sql
