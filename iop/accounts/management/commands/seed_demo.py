import importlib
import os
import time

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

DEFAULT_PASSWORD = "iop-demo-2026"
SCALE_HELP = (
    "Instead of the demo, generate a large program for benchmarks: SCALE × (5,000 patients, "
    "600 of them active; 60 clinicians; 40 groups; two years of sessions with attendance, "
    "signed notes, measures, plan versions, alerts and the audit trail, about 3 M events). "
    "Bulk inserts (COPY on PostgreSQL); about 10 minutes at 1 on PostgreSQL. Logins: the demo "
    "usernames with the demo password — clinician (a caseload of about 40), clinician2 (a "
    "trainee), supervisor, supervisor2, director, intake, admin — and clinician3…, "
    "supervisor3…, intake2…. Refuses a database that already holds users, patients, sessions "
    "or audit events, unless --flush."
)


class Command(BaseCommand):
    help = (
        "Load demo data: one user per role, then each app's demo records (its demo.py). "
        "With --scale N, generate the scale data set instead (iop.scale). "
        "Refuses to run with DEBUG off: the demo password is published."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--password",
            default=os.environ.get("DEMO_PASSWORD", DEFAULT_PASSWORD),
            help="Password for every demo user (default: $DEMO_PASSWORD or %(default)s).",
        )
        parser.add_argument("--scale", type=float, metavar="SCALE", help=SCALE_HELP)
        parser.add_argument(
            "--seed", type=int, default=2026, help="With --scale: the random seed (repeatable)."
        )
        parser.add_argument(
            "--flush",
            action="store_true",
            help="With --scale: first DELETE EVERY ROW OF EVERY TABLE (manage.py flush), the "
            "audit trail included (on PostgreSQL its append-only triggers are switched off for "
            "that one TRUNCATE, which needs the tables' owner), then restore the role groups.",
        )

    def handle(self, *args, password, scale=None, seed=2026, flush=False, **options):
        if not settings.DEBUG:
            raise CommandError(
                "seed_demo only runs with DEBUG on: it creates users with a published password. "
                "Set DEBUG=1 on a machine without real patient data."
            )
        if scale is not None:
            return self.scale(scale=scale, seed=seed, flush=flush, password=password)
        with transaction.atomic():
            for app_config in apps.get_app_configs():
                try:
                    module = importlib.import_module(f"{app_config.name}.demo")
                except ModuleNotFoundError as exc:
                    if exc.name != f"{app_config.name}.demo":
                        raise
                    continue
                self.stdout.write(f"{app_config.verbose_name}:")
                module.seed(password=password, stdout=self.stdout)
        self.stdout.write(
            self.style.SUCCESS(
                "Demo data loaded. Sign in as admin, director, supervisor, supervisor2, "
                f"clinician, clinician2, intake or biller with the password: {password}"
            )
        )

    def scale(self, *, scale, seed, flush, password):
        from iop.scale import build, report
        from iop.scale.sink import Progress

        if not 0 < scale <= 20:
            raise CommandError("--scale takes a number above 0 (1 is the reference size).")
        if build.holds_data():
            if not flush:
                raise CommandError(
                    "This database already holds data (users, patients, sessions or audit "
                    "events). Use an empty, migrated database, or pass --flush to delete "
                    "every row first."
                )
            report.flush_database()
        started = time.monotonic()
        counts, world = build.build(
            scale=scale, seed=seed, password=password, progress=Progress(self.stderr)
        )
        self.stdout.write(report.summary(counts, world, time.monotonic() - started, password))
