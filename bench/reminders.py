"""Benchmark: a reminder run over many due reminders (default 10,000).

    .venv/bin/python bench/reminders.py          # embedded default: a fresh SQLite
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/iop_bench \
        .venv/bin/python bench/reminders.py      # PostgreSQL (flushed first)

It builds the patients, consents and group sessions in a throwaway database, then times
`reminders_plan` and `reminders_send` (SMS to the file backend in a temporary outbox) and counts
the SQL statements per batch. See bench/README.md for recorded figures.
"""

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--batch-size", type=int, default=500)
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="iop-bench-"))
    os.environ.update(
        {"DEBUG": "1", "VAR_DIR": str(work), "REMINDER_BATCH_SIZE": str(args.batch_size)}
    )
    os.environ.pop("DATABASE_URL", None)
    if os.environ.get("BENCH_DATABASE_URL"):
        os.environ["DATABASE_URL"] = os.environ["BENCH_DATABASE_URL"]
    os.environ["DJANGO_SETTINGS_MODULE"] = "iop.settings"

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    if connection.vendor == "postgresql":
        from tests.dbflush import allow_flushing_the_audit_trail

        allow_flushing_the_audit_trail()  # a throwaway database: its audit trail goes too
        call_command("flush", "--noinput", verbosity=0) if _has_tables(connection) else None
    call_command("migrate", verbosity=0)

    from iop.accounts.models import User
    from patients.models import Program
    from sessions.models import ReminderDelivery
    from sessions.reminders import reminders_plan, reminders_send
    from tests.jobs.load import build_due_reminders

    program = Program.objects.create(name="Bench IOP", track="mental_health")
    clinician = User.objects.create(username="bench-clinician")
    started = time.perf_counter()
    build_due_reminders(program, clinician, args.count)
    built = time.perf_counter() - started

    with CaptureQueriesContext(connection) as plan_q:
        started = time.perf_counter()
        planned = reminders_plan(batch_size=args.batch_size)
        plan_s = time.perf_counter() - started
    with CaptureQueriesContext(connection) as send_q:
        started = time.perf_counter()
        counts = reminders_send(batch_size=args.batch_size, worker="bench")
        send_s = time.perf_counter() - started
    batches = -(-args.count // args.batch_size)
    sent = ReminderDelivery.objects.filter(status="sent").count()
    files = len(list((work / "outbox" / "sms").glob("reminder-*.txt")))
    print(f"database        {connection.vendor}")
    print(f"reminders       {args.count} due, batch size {args.batch_size} ({batches} batches)")
    print(f"data built in   {built:.1f} s")
    print(f"plan            {planned} rows in {plan_s:.2f} s, {len(plan_q)} queries")
    print(
        f"send            {counts['sent']} sent in {send_s:.2f} s, {len(send_q)} queries "
        f"({len(send_q) / (batches + 1):.1f} per batch), {args.count / send_s:.0f} reminders/s"
    )
    print(f"check           {sent} rows sent, {files} messages in the outbox")
    if not sent == files == args.count:
        sys.exit("MISMATCH: not every reminder was sent exactly once")


def _has_tables(connection):
    return "django_migrations" in connection.introspection.table_names()


if __name__ == "__main__":
    main()
