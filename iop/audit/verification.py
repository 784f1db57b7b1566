"""Verifying the audit trail's hash chain (`manage.py audit_verify`, nightly as the
`audit_verify` job).

The walk reads the events in `seq` order, a batch at a time (memory stays flat however long the
trail), and reports:

- an **edited** event: its fields no longer hash to its `hash`;
- a **deleted** event: a gap in `seq`;
- an **inserted** or rewritten event: an event whose `prev_hash` is not the hash of the one
  before it (the unique `seq` leaves no room to slip one in without renumbering or relinking);
- a **truncated** trail: the trail ends before, or differs at, the event that the last good
  verification reached. Each run writes an `AuditCheckpoint` (when, up to which seq, its hash,
  OK or broken) and the next run compares the chain with the last good one.

Why a checkpoint table: a chain alone cannot tell a trail whose tail was cut off from one that
is merely shorter. The checkpoints live beside the events under the same protection — the app's
database role may only INSERT and SELECT them, and triggers refuse UPDATE, DELETE and TRUNCATE —
so the role the app runs as cannot remove events, nor the checkpoints that would reveal their
removal; the most it can do is add a checkpoint, which never hides anything (a forged one only
makes the next run report a break; the audit page ignores one dated in the future and keeps
showing a break under any later OK). Someone with the owner's or a superuser's rights can rewrite
both tables consistently; against that, keep each run's head (`seq` and hash, printed by the
command and shown on the admins' audit page) somewhere outside the database and pass it back
with `audit_verify --expect SEQ:HASH`.
"""

import logging
from dataclasses import dataclass, field
from datetime import timedelta

from django.core.mail import mail_admins
from django.db import DEFAULT_DB_ALIAS
from django.utils import timezone

from iop.audit.chain import CHAINED_FIELDS, GENESIS, event_hash
from iop.audit.models import AuditCheckpoint, AuditEvent

logger = logging.getLogger(__name__)

BATCH_SIZE = 2000
KEPT_PROBLEMS = 100  # listed one by one; beyond that only counted
STALE_AFTER = timedelta(hours=48)  # a nightly job that has not run for two nights


class AuditChainBroken(Exception):
    """The nightly job's failure when the chain does not hold (after recording and alerting)."""


@dataclass(frozen=True)
class Reference:
    """A (seq, hash) the chain must still contain: the last good checkpoint, or one given."""

    seq: int
    hash: str
    source: str


@dataclass
class Verification:
    events: int = 0
    head_seq: int = 0
    head_hash: str = ""
    problem_count: int = 0
    problems: list = field(default_factory=list)  # "seq N: ..." lines, the first KEPT_PROBLEMS

    @property
    def ok(self):
        return self.problem_count == 0

    def report(self, seq, text):
        self.problem_count += 1
        if len(self.problems) < KEPT_PROBLEMS:
            self.problems.append(f"seq {seq}: {text}")

    @property
    def summary(self):
        if self.ok:
            return f"{self.events} events, up to seq {self.head_seq}: the chain holds."
        more = self.problem_count - len(self.problems)
        return "; ".join(self.problems) + (f"; and {more} more" if more else "")


def _span(first, last):
    return f"seq {first}" if first == last else f"seq {first}–{last}"


def chain_walk(*, references=(), batch_size=BATCH_SIZE, using=DEFAULT_DB_ALIAS):
    """Walk the whole chain and return a `Verification` (nothing is written)."""
    result = Verification()
    pending = {ref.seq: ref for ref in references if ref.seq > 0}
    rows_of = (
        AuditEvent._base_manager.using(using)
        .order_by("seq")
        .values_list(*CHAINED_FIELDS, "prev_hash", "hash")
    )
    expected, prev, last = 1, GENESIS, -1
    while True:
        rows = list(rows_of.filter(seq__gt=last)[:batch_size])
        if not rows:
            break
        for row in rows:
            values = dict(zip(CHAINED_FIELDS, row[:-2], strict=True))
            prev_hash, stored = row[-2:]
            seq = values["seq"]
            if seq > expected:
                result.report(seq, f"{_span(expected, seq - 1)} missing before it (deleted)")
            elif seq < expected:
                result.report(seq, "out of sequence before seq 1 (inserted)")
            elif prev_hash != prev:
                result.report(
                    seq,
                    f"does not link to seq {seq - 1} (an event inserted or rewritten there)",
                )
            if event_hash(values, prev_hash) != stored:
                result.report(seq, "its contents do not match its hash (edited)")
            ref = pending.pop(seq, None)
            if ref is not None and ref.hash != stored:
                result.report(
                    seq,
                    f"differs from {ref.source} (the trail up to it was rewritten)",
                )
            prev, expected = stored, seq + 1
            result.events += 1
            result.head_seq, result.head_hash = seq, stored
        last = rows[-1][0]
    for ref in sorted(pending.values(), key=lambda r: r.seq):
        if ref.seq > result.head_seq:
            ends = f"ends at seq {result.head_seq}" if result.head_seq else "is empty"
            result.report(
                ref.seq,
                f"the trail {ends} but {ref.source} reached seq {ref.seq}: "
                f"{_span(result.head_seq + 1, ref.seq)} gone (truncated)",
            )
        # A reference inside the trail that was never met is a gap, reported above.
    return result


def audit_verify(*, expect=(), task_id="", batch_size=BATCH_SIZE):
    """Verify the chain against the last good checkpoint (and any `expect`ed (seq, hash)),
    record the run as a checkpoint, and alert the admins when it is broken.
    Returns (Verification, AuditCheckpoint)."""
    references = [Reference(seq, digest, "the head given") for seq, digest in expect]
    good = AuditCheckpoint.objects.last_good()
    if good is not None and good.verified_seq:
        source = f"the verification of {timezone.localtime(good.at):%Y-%m-%d %H:%M}"
        references.append(Reference(good.verified_seq, good.head_hash, source))
    result = chain_walk(references=references, batch_size=batch_size)
    checkpoint = AuditCheckpoint.objects.create(
        ok=result.ok,
        verified_seq=result.head_seq,
        head_hash=result.head_hash,
        events=result.events,
        problems=result.problem_count,
        summary=result.summary[:500],
        task_id=task_id[:64],
    )
    if not result.ok:
        _alert(result)
    return result, checkpoint


def _alert(result):
    subject = f"Audit trail broken: {result.problem_count} problem(s)"
    logger.error("%s: %s", subject, result.summary)
    # Seq numbers and hashes only: nothing about patients.
    message = (
        f"The nightly verification of the audit trail found {result.problem_count} problem(s):\n\n"
        + "\n".join(result.problems)
        + "\n\nRun `manage.py audit_verify` for the full list, and treat the trail as tampered "
        "with until explained."
    )
    mail_admins(subject, message, fail_silently=True)


# A run dates its checkpoint when it ends; one dated later than this is not a run's.
CLOCK_SKEW = timedelta(minutes=5)


def _newest(checkpoints, now=None):
    """The newest of `checkpoints` not dated in the future. The app's database role may add
    checkpoints (never change or remove them), so a forged one dated ahead would otherwise
    stand as the last verification for ever, whatever the nightly runs found."""
    horizon = (now or timezone.now()) + CLOCK_SKEW
    return checkpoints.filter(at__lte=horizon).order_by("-at", "-id").first()


def last_verification(now=None):
    """The newest checkpoint (for the admins' audit page), or None."""
    return _newest(AuditCheckpoint.objects.all(), now)


def last_break(now=None):
    """The newest checkpoint that found the chain broken, or None. A break never heals (no
    one can change an event back through the app's role, nor the owner past the triggers), so
    the audit page keeps showing it under a later OK: that OK was forged, or the trail was
    rewritten with a superuser's rights."""
    return _newest(AuditCheckpoint.objects.filter(ok=False), now)


def verification_is_stale(checkpoint, now=None):
    return checkpoint is None or (now or timezone.now()) - checkpoint.at > STALE_AFTER
