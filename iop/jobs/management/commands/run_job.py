from django.core.management.base import BaseCommand, CommandError

from iop.jobs.registry import JOBS, run_job


class Command(BaseCommand):
    help = "Run a background job now, by hand (the same code beat runs on its schedule)."

    def add_arguments(self, parser):
        parser.add_argument("job", nargs="+", help="Job names, or 'all': " + ", ".join(JOBS))

    def handle(self, *args, job, **options):
        names = [n for n in JOBS if n != "heartbeat"] if job == ["all"] else job
        unknown = [n for n in names if n not in JOBS]
        if unknown:
            raise CommandError(f"Unknown job {unknown[0]!r}; jobs are: {', '.join(JOBS)}.")
        for name in names:
            counts = run_job(name, task_id="manual")
            summary = ", ".join(f"{k} {v}" for k, v in counts.items()) or "nothing to do"
            self.stdout.write(f"{JOBS[name].title}: {summary}")
