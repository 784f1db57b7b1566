"""Re-compute every stored signature hash and list the documents whose content no longer
matches it; exits non-zero when there is any."""

from django.core.management.base import BaseCommand, CommandError

from sessions.signatures import signature_check


class Command(BaseCommand):
    help = (
        "Re-compute the content hash of every signed progress note, addendum, treatment plan "
        "and safety plan, and list each mismatch (exit status 1 if any)."
    )

    def handle(self, *args, **options):
        mismatches, counts = signature_check()
        checked = ", ".join(f"{n} {label}" for label, n in counts.items())
        for mismatch in mismatches:
            self.stdout.write(str(mismatch))
        if mismatches:
            raise CommandError(
                f"{len(mismatches)} signature mismatch{'es' if len(mismatches) != 1 else ''} "
                f"(checked {checked})."
            )
        self.stdout.write(f"Every signature matches its content: checked {checked}.")
