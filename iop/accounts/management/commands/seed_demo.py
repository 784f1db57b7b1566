import importlib
import os

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

DEFAULT_PASSWORD = "iop-demo-2026"


class Command(BaseCommand):
    help = (
        "Load demo data: one user per role, then each app's demo records (its demo.py). "
        "Refuses to run with DEBUG off: the demo password is published."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--password",
            default=os.environ.get("DEMO_PASSWORD", DEFAULT_PASSWORD),
            help="Password for every demo user (default: $DEMO_PASSWORD or %(default)s).",
        )

    def handle(self, *args, password, **options):
        if not settings.DEBUG:
            raise CommandError(
                "seed_demo only runs with DEBUG on: it creates users with a published password. "
                "Set DEBUG=1 on a machine without real patient data."
            )
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
                f"clinician, clinician2 or intake with the password: {password}"
            )
        )
