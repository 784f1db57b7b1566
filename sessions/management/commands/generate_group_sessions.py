from django.conf import settings
from django.core.management.base import BaseCommand

from iop.jobs.registry import run_job


class Command(BaseCommand):
    help = (
        "Create each active group's sessions for the next GROUP_SCHEDULE_WEEKS weeks (never "
        "twice for a slot): `run_job group_schedule` under its old name."
    )

    def handle(self, *args, **options):
        counts = run_job("group_schedule", task_id="manual")
        self.stdout.write(
            f"{counts['created']} group sessions created for the next "
            f"{settings.GROUP_SCHEDULE_WEEKS} weeks."
        )
