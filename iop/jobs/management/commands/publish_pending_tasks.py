from django.core.management.base import BaseCommand

from iop.jobs.registry import run_job


class Command(BaseCommand):
    help = (
        "Publish the tasks recorded while the broker was down (beat does it every minute, a "
        "worker when it starts): `run_job pending_tasks` under a name that says what it does."
    )

    def handle(self, *args, **options):
        counts = run_job("pending_tasks", task_id="manual")
        self.stdout.write(
            f"{counts['published']} published; {counts['waiting']} still waiting"
            + (" (the broker refused them)." if counts["refused"] else ".")
        )
