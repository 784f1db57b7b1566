"""Benchmark: the reports at scale — the dashboard (every section built), each section through
the API, and each section's first drill-down (page and API), as a supervisor (their programs)
and a clinician (their caseload): p50/p95 through gunicorn against the floor, query counts.

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_scale \\
        .venv/bin/python bench/reports.py --requests 10

The machinery is bench/pages.py's (the server, the clients, the timing, the table); only the
URLs differ: they come from the sections installed (`reports.sections`), each section's first
figure that lists patients giving its drill-down. Writes happen (audit events, sessions,
tokens): use a copy of the data set. Exits 1 on any answer that is not a 2xx.
"""

import argparse
import os
import sys
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import DEMO_PASSWORD, Client, Server, setup_django, work_dir  # noqa: E402
from bench.pages import measure, query_counts, table  # noqa: E402

ROLES = ("clinician", "supervisor")


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=10, help="per URL (default 10)")
    parser.add_argument(
        "--max-seconds", type=float, default=10.0, help="time cap per URL (default 10 s)"
    )
    parser.add_argument("--timeout", type=float, default=60.0, help="per request (default 60 s)")
    parser.add_argument("--password", default=os.environ.get("BENCH_PASSWORD", DEMO_PASSWORD))
    for role in ROLES:
        parser.add_argument(f"--{role}", default=role, help=f"the {role}'s username")
    parser.add_argument("--no-timing", action="store_true", help="query counts only")
    parser.add_argument("--work", help=argparse.SUPPRESS)
    return parser.parse_args()


def targets(args):
    """[(label, role, path)]: the dashboard, each section (API) and its first drill-down."""
    from django.contrib.auth import get_user_model
    from django.urls import reverse

    from reports.scope import default_scope
    from reports.sections import sections

    users = {role: get_user_model().objects.get(username=getattr(args, role)) for role in ROLES}
    rows = []
    for role, user in users.items():
        rows.append((f"dashboard ({role})", role, reverse("reports:dashboard")))
        rows.append((f"dashboard PDF ({role})", role, reverse("reports:dashboard-pdf")))
        scope = default_scope(user)
        for module in sections():
            slug = module.SLUG
            rows.append((f"API section {slug} ({role})", role, f"/api/v1/reports/{slug}/"))
            figure = next(
                (f for f in module.build(scope).figures if f.drill_key and f.patients), None
            )
            if figure is None:
                continue
            key = figure.drill_key
            page = reverse("reports:drill", args=[slug, key])
            rows.append((f"drill-down {slug}:{key} ({role})", role, page))
            api = f"/api/v1/reports/{slug}/drill/{quote(key, safe=':')}/"
            rows.append((f"API drill-down {slug}:{key} ({role})", role, api))
    return users, rows


def main():
    args = parse_args()
    url = os.environ.get("BENCH_DATABASE_URL")
    if not url:
        sys.exit("Set BENCH_DATABASE_URL to a copy of the data set (it is written to).")
    work = work_dir(args.work)
    setup_django(url, work)
    users, rows = targets(args)
    print(f"{len(rows)} URLs; query counts ...", flush=True)
    counts = query_counts(users, rows, args.timeout)
    failures = [f"{label}: {n}" for label, n in counts.items() if isinstance(n, str)]
    timings, floor = {}, [0.001]
    if not args.no_timing:
        from django.db import connections

        connections.close_all()
        server = Server(url, work, timeout=args.timeout)
        try:
            clients = {
                role: {
                    "pages": Client(server.port, args.timeout).sign_in(
                        getattr(args, role), args.password
                    ),
                    "api": Client(server.port, args.timeout).api_token(
                        getattr(args, role), args.password
                    ),
                }
                for role in ROLES
            }
            floor_rows = [("floor", "clinician", "/bench/floor/")]
            floor_times, fail = measure(clients, floor_rows, args, max(args.requests, 30))
            timings, failed = measure(clients, rows, args)
            failures += fail + failed
            floor = floor_times.get("floor") or floor
        finally:
            server.stop()
    print()
    print(table(rows, timings, floor, counts, {}))
    if failures:
        print("\nNot 2xx:\n  " + "\n  ".join(failures))
        sys.exit(1)


if __name__ == "__main__":
    main()
