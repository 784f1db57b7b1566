"""Benchmark: every page a clinician, supervisor or intake coordinator opens and every API list
(default and maximum page size), p50/p95 through gunicorn against the floor view, with query
counts at demo size and at scale.

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_scale \\
    BENCH_DEMO_DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_demo \\
        .venv/bin/python bench/pages.py --requests 30

The pages and lists are those of tests/pages.py (the query-budget tests' list); the objects in
their URLs come from the data (bench/common.py `discover`). Time is the round trip on loopback
(request sent to last byte read), one request at a time, after a warm-up in which every
gunicorn worker has served every URL (`--cold`: one unmeasured request per URL, as before);
each URL gets `--requests` requests or as many as fit in `--max-seconds`. Query counts are taken
in-process (Django's test client, the second GET of each URL) against the same database, and
against BENCH_DEMO_DATABASE_URL when given. Writes happen (audit events, sessions, tokens): use
a copy of the data set. Exits 1 on any answer that is not a 2xx. See bench/README.md.
"""

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (  # noqa: E402
    DEMO_PASSWORD,
    ROOT,
    Client,
    Server,
    discover,
    percentile,
    setup_django,
    work_dir,
)

ROLES = ("clinician", "supervisor", "intake")


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=30, help="per URL (default 30)")
    parser.add_argument(
        "--max-seconds", type=float, default=4.0, help="time cap per URL (default 4 s)"
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=30.0,
        help="a request (and an in-process query) taking longer fails (default 30 s)",
    )
    parser.add_argument(
        "--only", default="", help="measure the rows whose label has this text (a|b: either)"
    )
    parser.add_argument("--password", default=os.environ.get("BENCH_PASSWORD", DEMO_PASSWORD))
    for role in ROLES:
        parser.add_argument(f"--{role}", default=role, help=f"the {role}'s username")
    parser.add_argument(
        "--cold",
        action="store_true",
        help="no warm-up pass: one unmeasured request per URL, served by one worker only",
    )
    parser.add_argument("--no-timing", action="store_true", help="query counts only")
    parser.add_argument("--counts-json", help=argparse.SUPPRESS)  # the demo-size subprocess
    parser.add_argument("--work", help=argparse.SUPPRESS)
    return parser.parse_args()


def targets(args):
    """[(label, role, path)] for every page and API list the data allows; and the skipped."""
    from django.contrib.auth import get_user_model

    from tests.pages import MAX_PAGE_SIZE, PAGES, api_lists, report_objects

    users = {role: get_user_model().objects.get(username=getattr(args, role)) for role in ROLES}
    objects = {"clinician": discover(users["clinician"])}
    for role in ("supervisor", "intake"):
        objects[role] = discover(users[role], clinician_objects=objects["clinician"])
    for role in ("clinician", "supervisor"):  # a drill-down of their own reports
        objects[role] = {**objects[role], **report_objects(users[role])}
    rows, skipped = [], []
    for page in PAGES:
        for role in page.roles:
            if role not in objects:  # e.g. a biller: no such demo login in the benchmark
                skipped.append(f"{page.label} ({role}): no {role} measured")
                continue
            missing = [name for name in page.args if name not in objects[role]]
            if missing:
                skipped.append(f"{page.label} ({role}): no {', '.join(missing)} in the data")
            else:
                rows.append((f"{page.label} ({role})", role, page.path(objects[role])))
    for api in api_lists(page_sizes=(None, MAX_PAGE_SIZE)):
        for role in api.roles:
            if role in users:
                rows.append((f"{api.label} ({role})", role, api.path()))
    if args.only:
        wanted = [text.strip().lower() for text in args.only.split("|")]
        rows = [row for row in rows if any(text in row[0].lower() for text in wanted)]
        skipped = [line for line in skipped if any(text in line.lower() for text in wanted)]
    return users, rows, skipped


def query_counts(users, rows, timeout):
    """{label: queries} of each URL's second GET through Django's test client; a failure is
    noted as text (a status other than 200, or a statement cancelled after `timeout`)."""
    from django.db import DatabaseError, connection
    from django.test import Client as DjangoClient
    from django.test.utils import CaptureQueriesContext

    clients = {}
    for role, user in users.items():
        clients[role] = DjangoClient()
        clients[role].force_login(user)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"SET statement_timeout = {int(timeout * 1000)}")
    counts = {}
    for label, role, path in rows:
        try:
            clients[role].get(path)
            connection.queries_log.clear()
            with CaptureQueriesContext(connection) as queries:
                # As a page's own polling: the session's activity time, refreshed every 10 s
                # (3 queries), is left out of the count.
                answer = clients[role].get(path, headers={"X-IOP-Background": "1"})
        except DatabaseError:
            counts[label] = f"query over {timeout:.0f} s!"
            continue
        counts[label] = len(queries) if answer.status_code == 200 else f"{answer.status_code}!"
        print(f"  {label:60} {counts[label]}", flush=True)
    return counts


def demo_counts(args, work):
    """The same rows' query counts on the demo database (a subprocess: one database each)."""
    url = os.environ.get("BENCH_DEMO_DATABASE_URL")
    if not url:
        return {}
    out = work / "demo-counts.json"
    env = {**os.environ, "BENCH_DATABASE_URL": url}
    command = [sys.executable, str(Path(__file__)), "--counts-json", str(out), "--work", str(work)]
    command += ["--password", DEMO_PASSWORD, "--timeout", str(args.timeout)]
    command += ["--only", args.only] if args.only else []
    subprocess.run(command, env=env, cwd=ROOT, check=True)
    return json.loads(out.read_text())


def measure(clients, rows, args, requests=None):
    """{label: [seconds]} and the failures."""
    requests = requests or args.requests
    timings, failures = {}, []
    for label, role, path in rows:
        client = clients[role]["api" if path.startswith("/api/") else "pages"]
        times, started = [], time.monotonic()
        try:
            first = client.get(path)
            if not first.ok:
                failures.append(f"{label}: {path} answered {first.status}")
                continue
            if first.seconds > args.max_seconds:
                times.append(first.seconds)  # too slow to repeat: its one answer is the sample
            while len(times) < requests and time.monotonic() - started < args.max_seconds:
                answer = client.get(path)
                if not answer.ok:
                    failures.append(f"{label}: {path} answered {answer.status}")
                    break
                times.append(answer.seconds)
        except TimeoutError:
            failures.append(f"{label}: {path} gave no answer within {args.timeout:.0f} s")
            timings[label] = f"over {args.timeout:.0f} s"
            time.sleep(args.timeout + 10)  # gunicorn restarts the worker still busy with it
            continue
        if times:
            timings[label] = times
            print(
                f"  {label:60} {len(times):3} × {1000 * percentile(times, 0.5):7.1f} ms", flush=True
            )
    return timings, failures


def warm(clients, rows, workers):
    """Every URL asked by `workers` clients at once, twice, unmeasured, so that each gunicorn
    worker has served it before the clock starts, as each worker of a running server has: a
    worker's first request of a page builds what it keeps for the next ones (its templates,
    its reads' compiled SQL, `iop.shapes`), and with one warm-up request per URL the other
    worker's first one fell among the measured (a page's p95 is its second slowest of 30)."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(workers) as pool:
        for _, role, path in rows:
            client = clients[role]["api" if path.startswith("/api/") else "pages"]
            list(pool.map(client.get, [path] * (2 * workers)))


def table(rows, timings, floor, scale_counts, demo):
    floor_p95 = percentile(floor, 0.95)
    lines = [
        "| page | p50 ms | p95 ms | × floor | queries demo | queries scale |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    if timings:
        lines.append(
            f"| floor (signed in, one indexed query) | {1000 * percentile(floor, 0.5):.1f} "
            f"| {1000 * floor_p95:.1f} | 1.0 | | |"
        )
    for label, _role, _path in rows:
        times = timings.get(label)
        if isinstance(times, str):
            timing = f"{times} | | "
        elif times:
            p50, p95 = percentile(times, 0.5), percentile(times, 0.95)
            timing = f"{1000 * p50:.1f} | {1000 * p95:.1f} | {p95 / floor_p95:.1f}"
        else:
            timing = "– | – | –"
        lines.append(
            f"| {label} | {timing} | {demo.get(label, '–')} | {scale_counts.get(label, '–')} |"
        )
    return "\n".join(lines)


def main():
    args = parse_args()
    url = os.environ.get("BENCH_DATABASE_URL")
    if not url:
        sys.exit("Set BENCH_DATABASE_URL to a copy of the data set (it is written to).")
    work = work_dir(args.work)
    setup_django(url, work)
    users, rows, skipped = targets(args)
    if args.counts_json:
        Path(args.counts_json).write_text(json.dumps(query_counts(users, rows, args.timeout)))
        return
    print(f"{len(rows)} URLs; skipped: {len(skipped)}", flush=True)
    for line in skipped:
        print(f"  skipped {line}")
    print("query counts at scale ...", flush=True)
    scale_counts = query_counts(users, rows, args.timeout)
    print("query counts at demo size ...", flush=True)
    demo = demo_counts(args, work)
    failures = [f"{label}: {n}" for label, n in scale_counts.items() if isinstance(n, str)]
    if args.no_timing:
        timings, floor = {}, [0.001]
    else:
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
            if not args.cold:
                print("warming every worker up on every URL ...", flush=True)
                warm(clients, floor_rows + rows, server.workers)
            print(f"timing through gunicorn on port {server.port} ...", flush=True)
            # The floor is cheap: 30 requests at least, before and after the rest.
            floor_requests = max(args.requests, 30)
            floor_before, fail = measure(clients, floor_rows, args, floor_requests)
            timings, failed = measure(clients, rows, args)
            floor_after, fail2 = measure(clients, floor_rows, args, floor_requests)
            failures += fail + failed + fail2
            floor = floor_before.get("floor", []) + floor_after.get("floor", [])
        finally:
            server.stop()
    print()
    print(table(rows, timings, floor or [0.001], scale_counts, demo))
    if failures:
        print("\nNot 2xx:\n  " + "\n  ".join(failures))
        sys.exit(1)


if __name__ == "__main__":
    main()
