"""Search terms are not stored in clear: a search is typed as a patient's name, so the trail
keeps the path without its query string and a keyed digest of the term, which an investigator
can test (`manage.py audit_searched`); the access logs leave the query string out too."""

import importlib.util
import io
import logging
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

from django.core.management import call_command
from django.http import QueryDict
from django.urls import reverse

from iop.audit.models import AuditEvent
from iop.audit.searches import describe_query, search_digest, search_marker

ROOT = Path(__file__).resolve().parents[2]


def fields(event):
    return " ".join(
        str(getattr(event, name)) for name in ("object_type", "object_id", "path", "detail")
    )


def assert_not_in_trail(term):
    for event in AuditEvent.objects.all():
        assert term.casefold() not in fields(event).casefold(), fields(event)


def test_the_caseload_search_is_recorded_as_a_digest(client, clinician, make_episode):
    robin = make_episode(clinician=clinician, last_name="Robinson")
    make_episode(clinician=clinician)
    client.force_login(clinician)
    response = client.get(reverse("patients:caseload"), {"q": "Robinson", "status": "active"})
    assert robin.patient.display_name in response.content.decode()
    [event] = AuditEvent.objects.filter(action=AuditEvent.Action.VIEW)
    assert event.patient_id == robin.patient_id
    assert event.path == "/patients/"
    assert event.detail == f"patients shown: 1; filters: status; {search_marker('robinson')}"
    assert_not_in_trail("Robinson")


def test_the_api_search_is_recorded_as_a_digest(api_client, supervisor, make_episode):
    make_episode(status="referred", last_name="Quimby")
    api_client.force_authenticate(supervisor)
    assert len(api_client.get(reverse("patient-list"), {"search": "Quimby"}).json()["results"])
    assert AuditEvent.objects.filter(detail__contains=search_marker("quimby")).exists()
    assert_not_in_trail("Quimby")


def test_an_investigator_can_ask_who_searched_a_term(client, clinician, supervisor):
    client.force_login(clinician)
    client.get(reverse("patients:caseload"), {"q": "Robin  SMITH"})
    client.force_login(supervisor)
    client.get(reverse("patients:caseload"), {"q": "someone else"})
    out = io.StringIO()
    call_command("audit_searched", "robin smith", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0] == f"digest {search_digest('Robin Smith')}"
    assert len(lines) == 3 and " clinician /patients/ " in lines[1]
    assert lines[2] == "1 searches"


def test_the_digest_reads_the_term_as_the_search_does_and_is_keyed(settings):
    assert search_digest("  Robin\tSMITH ") == search_digest("robin smith")
    assert len(search_digest("robin smith")) == 16
    assert search_digest("robin smith") != search_digest("robin smyth")
    assert search_digest("") == search_digest("   ") == ""
    before = search_digest("robin smith")
    settings.SECRET_KEY = "another-key-" + "x" * 50
    assert search_digest("robin smith") != before  # not a plain hash anyone can compute


def test_filters_are_recorded_by_name_and_odd_names_are_not(db):
    query = QueryDict("program=3&status=active&Robin Smith=1&page=2")
    assert describe_query(query) == "filters: page, program, status, (other)"


def test_the_gunicorn_access_log_leaves_out_the_query_string_and_the_referrer():
    from gunicorn.config import Config
    from gunicorn.glogging import Logger

    spec = importlib.util.spec_from_file_location("gunicorn_conf", ROOT / "gunicorn.conf.py")
    conf = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(conf)
    cfg = Config()
    cfg.set("access_log_format", conf.access_log_format)
    logger = Logger(cfg)
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": "/patients/?q=Robin+Smith",
        "PATH_INFO": "/patients/",
        "QUERY_STRING": "q=Robin+Smith",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "10.0.0.1",
        "HTTP_REFERER": "https://iop.example/patients/?q=Robin+Smith",
    }
    resp = SimpleNamespace(status="200 OK", sent=512, headers=[("X-Request-ID", "ab" * 16)])
    atoms = logger.atoms_wrapper_class(logger.atoms(resp, [], environ, timedelta(seconds=0.2)))
    line = conf.access_log_format % atoms
    assert "Robin" not in line
    assert '"GET /patients/ HTTP/1.1" 200' in line and f"id={'ab' * 16}" in line


def test_the_development_servers_request_lines_leave_out_the_query_string(caplog):
    logger = logging.getLogger("django.server")
    with caplog.at_level(logging.INFO, logger="django.server"):
        logger.handlers, handlers = [caplog.handler], logger.handlers
        try:
            logger.info('"%s" %s %s', "GET /patients/?q=Robin+Smith HTTP/1.1", "200", "512")
        finally:
            logger.handlers = handlers
    assert caplog.records[-1].getMessage() == '"GET /patients/ HTTP/1.1" 200 512'
