"""docker-compose runs migrations as the owner role and the app as its restricted role."""

from urllib.parse import urlsplit

import yaml

from tests.conftest import ROOT


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
