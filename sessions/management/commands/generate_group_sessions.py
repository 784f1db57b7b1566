from django.core.management.base import BaseCommand

from sessions.services import group_schedule_generate


class Command(BaseCommand):
    help = "Create each active group's sessions for the coming weeks (never twice for a slot)."

    def add_arguments(self, parser):
        parser.add_argument("--weeks", type=int, default=4, help="How many weeks ahead (4).")

    def handle(self, *args, weeks, **options):
        created = group_schedule_generate(weeks=weeks)
        self.stdout.write(f"{created} group sessions created for the next {weeks} weeks.")
