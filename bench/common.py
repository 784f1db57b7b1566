"""What bench/pages.py and bench/load.py share: the environment of the app under test, a
gunicorn server on loopback, a small HTTP client that signs in like a browser, and the
objects of the data set a user's pages are about.

The server runs as production does (DEBUG off, compressed static files, gunicorn with 2
workers and gunicorn.conf.py) with what a loopback benchmark needs: plain HTTP (HTTPS=0), two-step
verification not enforced (MFA_ENFORCED=0: the demo and scale users have not enrolled), API
throttles raised so that the benchmark is not throttled, and BENCH=1 for the floor view.
"""

import http.client
import json
import os
import re
import secrets
import socket
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEMO_PASSWORD = "iop-demo-2026"
HOST = "127.0.0.1"


def app_environment(database_url, work):
    """The app's environment variables for the server and for in-process query counts."""
    env = {
        "DEBUG": "0",
        "BENCH": "1",
        "SECRET_KEY": "bench-" + secrets.token_urlsafe(48),
        "HTTPS": "0",
        "MFA_ENFORCED": "0",
        "ALLOWED_HOSTS": f"{HOST},localhost,testserver",
        "DATABASE_URL": database_url,
        "VAR_DIR": str(work / "var"),
        "STATIC_ROOT": str(work / "static"),
        "API_THROTTLE_USER": "1000000/minute",
        "API_THROTTLE_ANON": "1000000/minute",
        "API_THROTTLE_TOKEN": "1000000/minute",
        "LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": "iop.settings",
    }
    if os.environ.get("BENCH_REDIS_URL"):
        env["REDIS_URL"] = os.environ["BENCH_REDIS_URL"]
    else:
        env.pop("REDIS_URL", None)
    return env


def setup_django(database_url, work):
    """Configure this process as the app (for discovery and query counts)."""
    os.environ.pop("REDIS_URL", None)
    os.environ.update(app_environment(database_url, work))
    import django

    django.setup()
    from django.core.management import call_command

    (work / "var").mkdir(parents=True, exist_ok=True)
    if not (work / "static" / "staticfiles.json").exists():
        call_command("collectstatic", "--noinput", verbosity=0)  # DEBUG off: the manifest


def free_port():
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


class Server:
    """gunicorn (2 sync workers by default) on loopback, on the given database."""

    def __init__(self, database_url, work, workers=2, threads=1, timeout=60):
        self.port = free_port()
        self.work, self.workers = work, workers
        env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "DATABASE_URL")}
        env.update(app_environment(database_url, work))
        self.log = open(work / "gunicorn.log", "w")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "gunicorn"),
                "iop.wsgi",
                "-c",
                str(ROOT / "gunicorn.conf.py"),
                "--workers",
                str(workers),
                "--threads",
                str(threads),
                "--bind",
                f"{HOST}:{self.port}",
                # A worker busy longer than a client waits is restarted (and the run goes on).
                "--timeout",
                str(int(timeout) + 5),
            ],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"gunicorn exited; see {work / 'gunicorn.log'}")
            try:
                if Client(self.port).get("/accounts/login/").status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.3)
        self.stop()
        raise SystemExit("gunicorn did not answer within 60 s")

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()


class Response:
    def __init__(self, status, headers, body, seconds):
        self.status, self.headers, self.body, self.seconds = status, headers, body, seconds

    @property
    def ok(self):
        return 200 <= self.status < 300


class Client:
    """One user's browser (cookies) or API client (a token): a connection per request, as
    gunicorn's sync workers close each one. `seconds` is the round trip on loopback, from
    sending the request to the last byte of the answer."""

    def __init__(self, port, timeout=60):
        self.port, self.timeout = port, timeout
        self.cookies = {}
        self.token = None

    def request(self, method, path, body=None, headers=None):
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if self.token:
            headers["Authorization"] = f"Token {self.token}"
        connection = http.client.HTTPConnection(HOST, self.port, timeout=self.timeout)
        try:
            started = time.perf_counter()
            connection.request(method, path, body=body, headers=headers)
            answer = connection.getresponse()
            data = answer.read()
            seconds = time.perf_counter() - started
        finally:
            connection.close()
        for header, value in answer.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
        return Response(answer.status, dict(answer.getheaders()), data, seconds)

    def get(self, path, headers=None):
        return self.request("GET", path, headers=headers)

    def post_form(self, path, data, headers=None):
        """A form's POST with the CSRF cookie's token (as the page's form would send)."""
        data = {"csrfmiddlewaretoken": self.cookies.get("csrftoken", ""), **data}
        headers = {
            **(headers or {}),
            "Content-Type": "application/x-www-form-urlencoded",
            "X-CSRFToken": self.cookies.get("csrftoken", ""),
        }
        return self.request("POST", path, urlencode(data).encode(), headers)

    def sign_in(self, username, password):
        """The login form, as a browser fills it in: a session cookie."""
        page = self.get("/accounts/login/")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page.body)
        data = {"username": username, "password": password}
        if token:
            data["csrfmiddlewaretoken"] = token.group(1).decode()
        answer = self.post_form("/accounts/login/", data)
        if answer.status != 302 or "sessionid" not in self.cookies:
            raise SystemExit(f"could not sign in as {username}: {answer.status}")
        return self

    def api_token(self, username, password):
        """A token from POST /api/v1/auth/token/ (no cookies: token authentication only)."""
        answer = self.request(
            "POST",
            "/api/v1/auth/token/",
            json.dumps({"username": username, "password": password}).encode(),
            {"Content-Type": "application/json"},
        )
        if answer.status != 200:
            raise SystemExit(f"no API token for {username}: {answer.status} {answer.body[:200]}")
        self.cookies = {}
        self.token = json.loads(answer.body)["token"]
        return self


def work_dir(given=None):
    """A folder for the server's var/, static files and log (`given`, or a new one)."""
    return Path(given) if given else Path(tempfile.mkdtemp(prefix="iop-bench-"))


# --- what a user's pages are about (needs setup_django) -------------------------------------


def discover(user, *, clinician_objects=None):
    """The objects of tests/pages.py's URLs for `user`: a patient of theirs with a plan and
    sessions, the group session they ran most recently with the most attendees, and so on.
    Objects the data has none of are left out (their pages are skipped). For a supervisor or
    intake coordinator, `clinician_objects` are used where they may open them."""
    from django.utils import timezone

    from iop.accounts.roles import Role
    from medications.models import Medication, Reconciliation
    from patients.models import Episode, Patient
    from patients.models.intake import INTAKE_STEPS
    from plans.models import PlanReview, SafetyPlan, TreatmentPlan
    from sessions.models import Attendance, TherapySession

    objects = {"instrument": "PHQ9", "intake_step": INTAKE_STEPS[0].slug}
    if user.has_role(Role.INTAKE):
        objects["intake_episode"] = (
            Episode.objects.filter(status=Episode.Status.INTAKE)
            .order_by("-pk")
            .values_list("pk", flat=True)
            .first()
        )
        if clinician_objects:
            for name in ("patient", "episode"):
                objects[name] = clinician_objects.get(name)
        return {k: v for k, v in objects.items() if v is not None}
    if user.has_role(Role.SUPERVISOR):  # the plan library pages
        from plans.library import LibraryEntry, maintained_programs

        entry = (
            LibraryEntry.objects.filter(program__in=maintained_programs(user))
            .order_by("pk")
            .first()
        )
        if entry is not None:
            objects.update(program=entry.program_id, library_entry=entry.pk)
    if clinician_objects:
        patient_ok = Patient.objects.for_user(user).filter(pk=clinician_objects.get("patient"))
        session_ok = TherapySession.objects.for_user(user).filter(
            pk=clinician_objects.get("session")
        )
        if patient_ok.exists() and session_ok.exists():
            return {**clinician_objects, **objects}
    from django.db.models import Count

    now = timezone.now()
    caseload = Episode.objects.on_caseload_of(user).filter(status=Episode.Status.ACTIVE)
    with_plan = caseload.filter(
        patient__in=TreatmentPlan.objects.filter(status="active").values("patient")
    )
    episode = (with_plan.order_by("pk").first()) or caseload.order_by("pk").first()
    if episode:
        patient = episode.patient_id
        objects.update(patient=patient, episode=episode.pk)
        plans = TreatmentPlan.objects.filter(patient=patient)
        objects["plan"] = plans.filter(status="active").values_list("pk", flat=True).first()
        objects["old_plan"] = (
            plans.filter(status="superseded").order_by("-pk").values_list("pk", flat=True).first()
        )
        objects["review"] = (
            PlanReview.objects.filter(plan__patient=patient)
            .order_by("-pk")
            .values_list("pk", flat=True)
            .first()
        )
        objects["note_session"] = (
            # A note with a part for this patient (an absent attendee has none: a 404).
            Attendance.objects.filter(
                patient=patient,
                session__note__status="signed",
                session__note__entries__patient=patient,
            )
            .order_by("-session__starts_at")
            .values_list("session_id", flat=True)
            .first()
        )
        meds = Medication.objects.filter(patient=patient, stop_date=None)
        objects["medication"] = meds.values_list("pk", flat=True).first()
        for name, status in (("reconciliation", "signed"), ("draft_reconciliation", "draft")):
            objects[name] = (
                Reconciliation.objects.filter(patient=patient, status=status)
                .values_list("pk", flat=True)
                .first()
            )
        patients = caseload.values("patient")
        objects["draft_plan"] = (
            TreatmentPlan.objects.filter(status="draft", patient__in=patients)
            .values_list("pk", flat=True)
            .first()
        )
        objects["safety_draft"] = (
            SafetyPlan.objects.filter(status="draft", patient__in=patients)
            .values_list("patient_id", flat=True)
            .first()
        )
    mine = TherapySession.objects.for_user(user).filter(
        kind="group", starts_at__lte=now, starts_at__gte=now - timedelta(days=7)
    )
    if user.has_role(Role.CLINICIAN):
        mine = mine.filter(clinicians=user)
    session = mine.annotate(n=Count("attendance")).order_by("-n", "-starts_at").first()
    if session:
        objects.update(session=session.pk, group=session.group_id)
    signed = (
        mine.filter(note__status__in=["signed", "awaiting_cosign"])
        .annotate(n=Count("attendance"))
        .order_by("-n", "-starts_at")
        .first()
    )
    if signed:
        objects["signed_session"] = signed.pk
    return {k: v for k, v in objects.items() if v is not None}


def percentile(values, fraction):
    """Nearest-rank percentile of a non-empty list."""
    ordered = sorted(values)
    rank = max(1, -(-int(fraction * 100) * len(ordered) // 100))
    return ordered[min(rank, len(ordered)) - 1]
