"""Re-computing every stored signature hash: progress notes, addenda, treatment plans and
safety plans. `manage.py verify_signatures` prints what this finds."""

from dataclasses import dataclass

from django.utils import timezone

from plans.models import SafetyPlan, TreatmentPlan
from plans.signatures import plan_hash, safety_plan_hash
from sessions.models import Addendum, ProgressNote


@dataclass(frozen=True)
class Mismatch:
    kind: str
    id: int
    patient_ids: tuple
    signed_by: str
    signed_at: object

    def __str__(self):
        who = ", ".join(str(p) for p in self.patient_ids) or "none (no attendee)"
        when = f"{timezone.localtime(self.signed_at):%Y-%m-%d %H:%M}" if self.signed_at else "—"
        return (
            f"{self.kind} {self.id}: patient {who}; signed by {self.signed_by or '—'} at {when}: "
            "the content does not match its signature hash."
        )


def _name(user):
    return user.display_name if user else ""


def signature_check():
    """(mismatches, counts checked by kind). A signed document with no stored hash is a
    mismatch too: every signature since hashing began has one, and migrations gave the older
    ones theirs."""
    mismatches, counts = [], {}
    notes = (
        ProgressNote.objects.exclude(status=ProgressNote.Status.DRAFT)
        .select_related("signed_by")
        .prefetch_related("entries")
        .order_by("pk")
    )
    for note in notes:
        entries = list(note.entries.all())
        if note.content_hash != note.compute_hash(entries):
            patients = tuple(sorted(e.patient_id for e in entries))
            mismatches.append(
                Mismatch("progress note", note.pk, patients, _name(note.signed_by), note.signed_at)
            )
    counts["progress notes"] = len(notes)
    addenda = Addendum.objects.select_related("note__session", "author").prefetch_related(
        "note__entries"
    )
    for addendum in addenda.order_by("pk"):
        if addendum.content_hash != addendum.compute_hash():
            patients = tuple(sorted(e.patient_id for e in addendum.note.entries.all()))
            mismatches.append(
                Mismatch(
                    "addendum", addendum.pk, patients, _name(addendum.author), addendum.created_at
                )
            )
    counts["addenda"] = len(addenda)
    for label, model, compute in (
        ("treatment plan", TreatmentPlan, plan_hash),
        ("safety plan", SafetyPlan, safety_plan_hash),
    ):
        signed = model.objects.exclude(signed_at=None).select_related("signed_by").order_by("pk")
        for plan in signed:
            if plan.content_hash != compute(plan):
                mismatches.append(
                    Mismatch(
                        label, plan.pk, (plan.patient_id,), _name(plan.signed_by), plan.signed_at
                    )
                )
        counts[f"{label}s"] = len(signed)
    return mismatches, counts
