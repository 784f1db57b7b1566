"""Benchmark: 50 staff at once through gunicorn for 5 minutes; requests, errors, p50/p95/p99.

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_scale \\
        .venv/bin/python bench/load.py --users 50 --duration 300

Each simulated user is a thread signed in as a member of staff of the data set (clinicians,
supervisors and intake coordinators, as many distinct ones as there are, reused round-robin
beyond), with a session cookie for the pages and an API token for the API. It loops until the
time is up: a request from a realistic mix, then a pause (`--think`, default 1 s on average):

- Today 25%, caseload 10%, a chart tab of one of their patients 30%, the session page of a
  group they ran this week 10%, the week or the groups 5%, an API list 10% (default page);
- saves 10%: marking an attendee of their latest group session today as present (what the
  attendance sheet sends with htmx; repeating it is harmless). Intake coordinators open the
  intake queue and charts instead.

Any answer that is not a 2xx is an error; the run exits 1 if there is one. Time is the round
trip on loopback. Writes happen (audit events, attendance): use a copy of the data set.
"""

import argparse
import os
import random
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import DEMO_PASSWORD, Client, Server, percentile, setup_django, work_dir  # noqa: E402

CHART_TABS = [
    "patients:chart",
    "patients:measures",
    "patients:alerts",
    "sessions:chart",
    "plans:patient-plan",
    "patients:intake",
]
API_LISTS = ["patient-list", "episode-list", "alert-list", "session-list", "attendance-list"]
API_LISTS += ["note-list", "measure-list", "plan-list"]


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--duration", type=float, default=300, help="seconds (default 300)")
    parser.add_argument("--think", type=float, default=1.0, help="mean pause between requests")
    parser.add_argument("--password", default=os.environ.get("BENCH_PASSWORD", DEMO_PASSWORD))
    parser.add_argument("--seed", type=int, default=14)
    return parser.parse_args()


def staff(count):
    """`count` users: clinicians, supervisors and intake coordinators about 8:1:1."""
    from django.contrib.auth import get_user_model

    from iop.accounts.roles import Role

    users = get_user_model().objects.filter(is_active=True).order_by("pk")
    by_role = {
        role: list(users.filter(groups__name=role))
        for role in (Role.CLINICIAN, Role.SUPERVISOR, Role.INTAKE)
    }
    wanted = {
        Role.SUPERVISOR: max(1, count // 10),
        Role.INTAKE: max(1, count // 10),
    }
    wanted[Role.CLINICIAN] = count - sum(wanted.values())
    chosen = []
    for role, n in wanted.items():
        pool = by_role[role]
        if not pool:
            raise SystemExit(f"no active {role} in the data set")
        chosen += [(role, pool[i % len(pool)]) for i in range(n)]
    return chosen


def plan_for(role, user):
    """The paths a user's mix draws from (computed up front, in this process)."""
    from django.urls import reverse
    from django.utils import timezone

    from patients.models import Episode
    from sessions.models import TherapySession

    now = timezone.now()
    if role == "intake":
        patients = list(
            Episode.objects.filter(status__in=["referred", "intake"])
            .order_by("-pk")
            .values_list("patient_id", flat=True)[:5]
        )
    else:
        patients = list(
            Episode.objects.on_caseload_of(user)
            .filter(status="active")
            .order_by("pk")
            .values_list("patient_id", flat=True)[:5]
        )
    sessions = TherapySession.objects.for_user(user).filter(
        kind="group", starts_at__gte=now - timedelta(days=7), starts_at__lte=now
    )
    if role == "clinician":
        sessions = sessions.filter(clinicians=user)
    session_ids = list(sessions.order_by("-starts_at").values_list("pk", flat=True)[:3])
    marks = []
    today = sessions.filter(
        starts_at__date=timezone.localdate(), note__isnull=True, clinicians=user
    ).first()
    if today is not None:
        from sessions.services import session_roster

        marks = [
            reverse("sessions:attendance", args=[today.pk, episode.pk])
            for episode in session_roster(today)[:12]
        ]
    charts = []
    for patient in patients:
        tabs = CHART_TABS if role != "intake" else ["patients:chart", "patients:intake"]
        charts += [reverse(name, args=[patient]) for name in tabs]
    return {
        "today": [reverse("today")],
        "caseload": [reverse("patients:caseload")]
        if role != "intake"
        else [reverse("patients:intake-queue")],
        "chart": charts or [reverse("today")],
        "session": [reverse("sessions:session", args=[pk]) for pk in session_ids]
        or [reverse("today")],
        "week": [reverse("sessions:week"), reverse("sessions:groups")]
        if role != "intake"
        else [reverse("patients:intake-queue")],
        "api": [reverse(name) for name in API_LISTS]
        if role != "intake"
        else [reverse("patient-list")],
        "save": marks,
    }


MIX = [("today", 25), ("caseload", 10), ("chart", 30), ("session", 10), ("week", 5)]
MIX += [("api", 10), ("save", 10)]


class Results:
    def __init__(self):
        self.lock = threading.Lock()
        self.times, self.errors, self.by_kind = [], [], {}

    def add(self, kind, path, answer):
        with self.lock:
            self.times.append(answer.seconds)
            self.by_kind.setdefault(kind, []).append(answer.seconds)
            if not answer.ok:
                self.errors.append(f"{answer.status} {path}")
            elif kind == "save" and b'role="alert"' in answer.body:
                # A refused mark re-draws the row with the reason (a 200 for htmx).
                self.errors.append(f"refused {path}")


def simulate(pages, api, paths, deadline, args, results, seed):
    rng = random.Random(seed)  # noqa: S311 - a load mix, not security
    kinds = [kind for kind, weight in MIX for _ in range(weight)]
    while time.monotonic() < deadline:
        kind = rng.choice(kinds)
        if kind == "save" and not paths["save"]:
            kind = "session"
        path = rng.choice(paths[kind])
        try:
            if kind == "api":
                answer = api.get(path)
            elif kind == "save":
                answer = pages.post_form(path, {"status": "present"}, {"HX-Request": "true"})
            else:
                answer = pages.get(path)
        except OSError as exc:
            with results.lock:
                results.errors.append(f"{type(exc).__name__} {path}")
            continue
        results.add(kind, path, answer)
        time.sleep(rng.uniform(0.5, 1.5) * args.think)


def main():
    args = parse_args()
    url = os.environ.get("BENCH_DATABASE_URL")
    if not url:
        sys.exit("Set BENCH_DATABASE_URL to a copy of the data set (it is written to).")
    work = work_dir()
    setup_django(url, work)
    people = [(role, user.username, plan_for(role, user)) for role, user in staff(args.users)]
    from django.db import connections

    connections.close_all()
    server = Server(url, work)
    results = Results()
    try:
        print(f"{len(people)} users signing in (not timed) ...", flush=True)
        clients = [
            (
                Client(server.port).sign_in(name, args.password),
                Client(server.port).api_token(name, args.password),
            )
            for _role, name, _paths in people
        ]
        print(f"running for {args.duration:.0f} s ...", flush=True)
        started = time.monotonic()
        deadline = started + args.duration
        threads = [
            threading.Thread(
                target=simulate,
                args=(pages, api, paths, deadline, args, results, n),
                daemon=True,
            )
            for n, ((_role, _name, paths), (pages, api)) in enumerate(
                zip(people, clients, strict=True)
            )
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=args.duration + 120)
        elapsed = time.monotonic() - started
    finally:
        server.stop()
    times = results.times or [0.0]
    print(f"\n{len(people)} users for {elapsed:.0f} s (think time {args.think} s on average)")
    print(f"requests {len(results.times)} ({len(results.times) / elapsed:.1f}/s)")
    print(f"errors   {len(results.errors)}")
    print(
        f"p50 {1000 * percentile(times, 0.5):.0f} ms, p95 {1000 * percentile(times, 0.95):.0f} "
        f"ms, p99 {1000 * percentile(times, 0.99):.0f} ms"
    )
    print("\n| kind | requests | p50 ms | p95 ms | p99 ms |\n|---|---:|---:|---:|---:|")
    for kind, values in sorted(results.by_kind.items()):
        print(
            f"| {kind} | {len(values)} | {1000 * percentile(values, 0.5):.0f} "
            f"| {1000 * percentile(values, 0.95):.0f} | {1000 * percentile(values, 0.99):.0f} |"
        )
    if results.errors:
        print("\nErrors (first 20):\n  " + "\n  ".join(results.errors[:20]))
        sys.exit(1)


if __name__ == "__main__":
    main()
