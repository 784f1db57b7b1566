from django.core.management.base import BaseCommand

from iop.jobs.registry import run_job


class Command(BaseCommand):
    help = (
        "Raise the authorization alerts due today (80 % used, ending within 3 days, concurrent "
        "review due); idempotent: `run_job authorization_alerts` under a name that says what "
        "it does."
    )

    def handle(self, *args, **options):
        counts = run_job("authorization_alerts", task_id="manual")
        self.stdout.write(
            f"{counts['low']} running low, {counts['ending']} ending, "
            f"{counts['review_due']} due for review."
        )
