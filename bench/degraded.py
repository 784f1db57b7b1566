"""Benchmark: how long a request takes with Redis (broker and cache) or the database down.

    .venv/bin/python bench/degraded.py                   # a fresh SQLite
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/iop_bench \\
        .venv/bin/python bench/degraded.py               # PostgreSQL (flushed first)

Redis is "down" by pointing REDIS_URL at a closed port (`--redis-url ''` compares with the
embedded default): bookings (each enqueues a reminder job, which waits in the outbox), Today,
an API list and /healthz are timed through the whole middleware stack with Django's test
client, after one untimed request of each. Then the database is pointed at a closed port and a
page is timed to its 503. Exits non-zero if any request took over 2 s or answered a 500.
See bench/README.md for recorded figures.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
LIMIT_SECONDS = 2.0


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=20, help="requests of each kind")
    parser.add_argument(
        "--redis-url",
        default="redis://127.0.0.1:1/0",
        help="REDIS_URL (default: a closed port; '' for the embedded default, to compare)",
    )
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="iop-bench-"))
    os.environ.update(
        {
            "DEBUG": "1",
            "VAR_DIR": str(work),
            "REDIS_URL": args.redis_url,
            "ALLOWED_HOSTS": "testserver",
            "MFA_ENFORCED": "0",
            # With a real Redis, the bookings' jobs go to a queue no worker of yours reads.
            "CELERY_QUEUE": "iop-bench",
        }
    )
    os.environ.pop("DATABASE_URL", None)
    if os.environ.get("BENCH_DATABASE_URL"):
        os.environ["DATABASE_URL"] = os.environ["BENCH_DATABASE_URL"]
    os.environ["DJANGO_SETTINGS_MODULE"] = "iop.settings"

    import django

    from iop.runtime import ensure_var_dirs

    ensure_var_dirs()  # as manage.py and wsgi.py do: the embedded broker's folders
    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    if connection.vendor == "postgresql":
        from tests.dbflush import allow_flushing_the_audit_trail

        allow_flushing_the_audit_trail()  # a throwaway database: its audit trail goes too
        call_command("flush", "--noinput", verbosity=0) if _has_tables(connection) else None
    call_command("migrate", verbosity=0)

    from iop.jobs.models import PendingTask
    from tests.factories import EpisodeFactory, UserFactory

    clinician = UserFactory(role="clinician")
    episode = EpisodeFactory(primary_clinician=clinician)
    client = Client()
    client.force_login(clinician)

    def booking(n):
        starts_at = timezone.localtime(timezone.now() + timedelta(hours=2, minutes=55 * n))
        return client.post(
            "/sessions/new/",
            {
                "kind": "individual",
                "episode": episode.pk,
                "starts_at": starts_at.strftime("%Y-%m-%dT%H:%M"),
                "duration_minutes": "50",
                "delivery": "in_person",
                "location": "Room 1",
                "clinicians": [clinician.pk],
            },
        )

    pages = {"Today": "/today/", "API list": "/api/v1/patients/", "/healthz": "/healthz"}
    for path in ["/sessions/new/", *pages.values()]:
        client.get(path)  # the first request of a process imports the views: not timed
    timings = {"booking": _time(args.count, booking, expect=302)}
    for name, path in pages.items():
        timings[name] = _time(args.count, lambda n, path=path: client.get(path), expect=200)
    waiting = PendingTask.objects.count()

    connection.close()
    if connection.vendor == "sqlite":
        connection.settings_dict["NAME"] = str(work / "missing" / "iop.sqlite3")
    else:
        connection.settings_dict.update(HOST="127.0.0.1", PORT="1")
    timings["Today (database down)"] = _time(
        args.count, lambda n: client.get("/today/"), expect=503
    )

    print(f"database        {connection.vendor}; REDIS_URL={args.redis_url or '(unset)'}")
    for name, seconds in timings.items():
        print(
            f"{name:24} median {statistics.median(seconds) * 1000:7.1f} ms, "
            f"max {max(seconds) * 1000:7.1f} ms ({len(seconds)} requests)"
        )
    print(f"tasks waiting   {waiting} (with the broker down: one per booking, for the sweep)")
    worst = max(max(seconds) for seconds in timings.values())
    if worst > LIMIT_SECONDS:
        sys.exit(f"TOO SLOW: a request took {worst:.2f} s (limit {LIMIT_SECONDS} s)")


def _time(count, request, *, expect):
    seconds = []
    for n in range(count):
        started = time.perf_counter()
        response = request(n)
        seconds.append(time.perf_counter() - started)
        if response.status_code != expect:
            sys.exit(f"UNEXPECTED: {response.status_code} where {expect} was expected")
    return seconds


def _has_tables(connection):
    return "django_migrations" in connection.introspection.table_names()


if __name__ == "__main__":
    main()
