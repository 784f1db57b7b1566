"""Walk the audit trail's hash chain and report every break; exit status 1 if any.

How it detects each kind of tampering, and why the checkpoints it writes are kept in their own
append-only table, is explained in `iop.audit.verification`."""

import re

from django.core.management.base import BaseCommand, CommandError

from iop.audit.verification import BATCH_SIZE, audit_verify

EXPECT = re.compile(r"^(\d+):([0-9a-f]{64})$")


def _expect(value):
    match = EXPECT.match(value.strip().lower())
    if not match:
        raise CommandError(f"--expect wants SEQ:HASH (a number, a colon, 64 hex digits): {value!r}")
    return int(match[1]), match[2]


class Command(BaseCommand):
    help = (
        "Verify the audit trail's hash chain (edited, deleted, inserted or truncated events) "
        "against the last good verification, record this run as a checkpoint, alert the admins "
        "on a break, and exit with status 1 if there is any."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--expect",
            action="append",
            default=[],
            metavar="SEQ:HASH",
            help="a head printed by an earlier run and kept outside the database; the chain "
            "must still contain it (repeatable)",
        )
        parser.add_argument("--batch-size", type=int, default=BATCH_SIZE)

    def handle(self, *args, expect, batch_size, **options):
        expected = [_expect(value) for value in expect]
        result, checkpoint = audit_verify(
            expect=expected, task_id="manual", batch_size=max(batch_size, 1)
        )
        for problem in result.problems:
            self.stdout.write(problem)
        if not result.ok:
            more = result.problem_count - len(result.problems)
            if more:
                self.stdout.write(f"... and {more} more")
            raise CommandError(
                f"The audit trail is broken: {result.problem_count} problem(s) in "
                f"{result.events} events (first: {result.problems[0]})."
            )
        self.stdout.write(
            f"The audit trail holds: {result.events} events, up to seq {result.head_seq}; "
            f"head {result.head_seq}:{result.head_hash or '-'} "
            f"(keep it to pass back with --expect)."
        )
