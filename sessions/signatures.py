"""Re-computing every stored signature hash: progress notes (with the attendance they stated
and its corrections), addenda, treatment plans and safety plans. `manage.py verify_signatures`
prints what this finds; `note_is_intact` (the note's page and API) asks the same questions."""

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
    problem: str = "the content does not match its signature hash."

    def __str__(self):
        who = ", ".join(str(p) for p in self.patient_ids) or "none (no attendee)"
        when = f"{timezone.localtime(self.signed_at):%Y-%m-%d %H:%M}" if self.signed_at else "—"
        return (
            f"{self.kind} {self.id}: patient {who}; signed by {self.signed_by or '—'} at {when}: "
            f"{self.problem}"
        )


def _name(user):
    return user.display_name if user else ""


NOT_MARKED = ["", 0]


def attendance_state(records):
    """{patient id (str, as stored in JSON): [status, minutes]} of a session's attendance."""
    return {str(a.patient_id): [a.status, a.minutes_attended] for a in records}


def _label(state):
    status, minutes = state
    return f"{status.replace('_', ' ') or 'not marked'}, {minutes} min"


def note_mismatches(note, entries=None, records=None):
    """What no longer matches in a signed note (addenda apart): its content hash, each
    attendance correction's hash (chained to the note's), and the attendance it stated when
    signed with the recorded corrections applied in order against the attendance now. For a
    note signed before its hash covered attendance only corrected attendance can be checked:
    it must be the last correction's "after". `records`: every attendance record of the
    session with its corrections, already read (else read here)."""
    entries = list(note.entries.all()) if entries is None else entries
    signer = _name(note.signed_by)
    found = []
    if note.content_hash != note.compute_hash(entries):
        patients = tuple(sorted(e.patient_id for e in entries))
        found.append(Mismatch("progress note", note.pk, patients, signer, note.signed_at))
    records = list(note.session.attendance.all()) if records is None else records
    expected = dict(note.signed_attendance or {})
    checked = set(expected) if note.signed_attendance is not None else set()
    corrections = sorted(
        (c for a in records for c in a.corrections.all()), key=lambda c: (c.corrected_at, c.pk)
    )
    by_id = {a.pk: a for a in records}
    for correction in corrections:
        patient = by_id[correction.attendance_id].patient_id
        if correction.content_hash != correction.compute_hash(note_hash=note.content_hash):
            found.append(
                Mismatch(
                    "attendance correction",
                    correction.pk,
                    (patient,),
                    _name(correction.corrected_by),
                    correction.corrected_at,
                    f"the correction to progress note {note.pk} does not match its hash.",
                )
            )
        expected[str(patient)] = [correction.after_status, correction.after_minutes]
        checked.add(str(patient))
    current = attendance_state(records)
    if note.signed_attendance is not None:
        checked |= set(current)
    for patient in sorted(checked, key=int):
        now, signed = current.get(patient, NOT_MARKED), expected.get(patient, NOT_MARKED)
        if now != signed:
            found.append(
                Mismatch(
                    "progress note",
                    note.pk,
                    (int(patient),),
                    signer,
                    note.signed_at,
                    f"the attendance recorded now ({_label(now)}) is not what the note stated "
                    f"when signed, with its corrections ({_label(signed)}).",
                )
            )
    return found


# Signed documents of the apps above this one (documents: discharge summaries), registered from
# their AppConfig.ready(): (label, plural, callable returning the signed rows with `signed_by`
# selected, callable computing a row's hash).
signed_documents = []


def signature_check():
    """(mismatches, counts checked by kind). A signed document with no stored hash is a
    mismatch too: every signature since hashing began has one, and migrations gave the older
    ones theirs."""
    mismatches, counts = [], {}
    notes = (
        ProgressNote.objects.exclude(status=ProgressNote.Status.DRAFT)
        .select_related("signed_by", "session")
        .prefetch_related("entries", "session__attendance__corrections__corrected_by")
        .order_by("pk")
    )
    corrections = 0
    for note in notes:
        mismatches.extend(note_mismatches(note))
        corrections += sum(len(a.corrections.all()) for a in note.session.attendance.all())
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
    counts["attendance corrections"] = corrections
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
    for label, plural, signed_rows, compute in signed_documents:
        signed = list(signed_rows())
        for row in signed:
            if row.content_hash != compute(row):
                mismatches.append(
                    Mismatch(label, row.pk, (row.patient_id,), _name(row.signed_by), row.signed_at)
                )
        counts[plural] = len(signed)
    return mismatches, counts
