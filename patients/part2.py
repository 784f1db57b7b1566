"""42 CFR Part 2 at the edges of the program: which patients it protects, the notice their
records carry, and the one check every way out (print, export, an integration's API read) asks.

Inside the program the care team and their supervisors use a SUD patient's records freely
(need to know); what leaves the program is a disclosure, made through a release of
information that a consent covers (the `disclosures` app), or refused.

Protection is per patient, not per episode: a patient with any SUD episode (referred,
admitted, discharged or declined) is protected in every record of theirs, for good. Part 2
protects any information that would identify someone as having applied for or received SUD
care, and a chart, a measure list or a session roster of that patient says so whichever
episode a record was written in; a discharge or a later mental-health-only episode does not
lift it.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q

from iop.audit.models import AuditEvent
from iop.audit.services import audit_record
from iop.ids import in_ids
from iop.shapes import shape
from iop.together import run
from patients.models import Episode, Patient

# 42 CFR 2.32(a)(1), as amended in 2024 (89 FR 12472): the notice every disclosure carries.
REDISCLOSURE_NOTICE = (
    "This record which has been disclosed to you is protected by Federal confidentiality "
    "rules (42 CFR part 2). These rules prohibit you from using or disclosing this record, or "
    "testimony that describes the information contained in this record, in any civil, "
    "criminal, administrative, or legislative proceedings by any Federal, State, or local "
    "authority, against the patient, unless authorized by the consent of the patient, except "
    "as provided at 42 CFR 2.12(c)(5) or as authorized by a court in accordance with 42 CFR "
    "2.64 or 2.65. In addition, the Federal rules prohibit you from making any other use or "
    "disclosure of this record unless at least one of the following applies: (i) Further use "
    "or disclosure is expressly permitted by the written consent of the individual whose "
    "information is being disclosed in this record or as otherwise permitted by 42 CFR part "
    "2. (ii) You are a covered entity or business associate and have received the record for "
    "treatment, payment, or health care operations, or (iii) You have received the record "
    "from a covered entity or business associate as permitted by 45 CFR part 164, subparts A "
    "and E. A general authorization for the release of medical or other information is NOT "
    "sufficient to meet the required elements of written consent to further use or "
    "redisclose the record (see 42 CFR 2.31)."
)
# 42 CFR 2.32(a)(2): the abbreviated statement, for the screen.
REDISCLOSURE_NOTICE_SHORT = (
    "42 CFR part 2 prohibits unauthorized use or disclosure of these records."
)

REFUSED = "42 CFR Part 2: a SUD record leaves the program only through a release of information."


class Part2Refused(PermissionDenied):
    """A SUD record was about to leave the program other than through a release (403)."""

    def __init__(self, message=REFUSED):
        super().__init__(message)


def _sud_patients():
    """The protected patients, as a subquery of patient ids."""
    return Episode.objects.filter(is_sud=True).values("patient_id")


def is_part2_protected(patient, *, episodes=None):
    """Whether Part 2 protects this patient's records: any SUD episode, ever. `episodes`: the
    patient's episodes when already loaded (no query then)."""
    if episodes is not None:
        return any(e.is_sud for e in episodes)
    return Episode.objects.filter(patient=patient, is_sud=True).exists()


def part2_patient_ids(patient_ids):
    """The protected ones among these patient ids (a set; one query)."""
    return run(read_part2_patient_ids(patient_ids))


def read_part2_patient_ids(patient_ids):
    """`part2_patient_ids` as a reader (`iop.together`)."""
    ids = sorted({pid for pid in patient_ids if pid is not None})
    if not ids:
        return set()
    (protected,) = yield (_protected_among(ids),)
    return set(protected)


@shape
def _protected_among(patient_ids):
    """The patient ids among these with a substance use episode (a shape: every page reads it
    for the patients it shows)."""
    return (
        Episode.objects.filter(in_ids("patient_id", patient_ids), is_sud=True)
        .order_by()  # a set: not the episodes' default order, a sort for nothing
        .values_list("patient_id", flat=True)
    )


def protects_patient_of_row(patient_id="patient_id"):
    """Whether Part 2 protects the patient of each row (`part2_patient_ids` as an annotation:
    any SUD episode of the row's `patient_id`), for a list that reads its rows anyway."""
    return Exists(Episode.objects.filter(is_sud=True, patient_id=OuterRef(patient_id)))


def without_part2(queryset, paths):
    """`queryset` without the rows that show a protected patient through any of `paths`
    (lookups from the model to a Patient, e.g. "patient", "entries__patient"; "pk" for
    patients themselves). A row reaching several patients is left out if any is protected."""
    protected = _sud_patients()
    for path in paths:
        queryset = queryset.exclude(**{f"{path}__in": protected})
    return queryset


def only_part2(queryset, paths):
    """The rows of `queryset` that show a protected patient through any of `paths` (what
    `without_part2` leaves out), each once."""
    protected = _sud_patients()
    shows = Q()
    for path in paths:
        shows |= Q(**{f"{path}__in": protected})
    return queryset.filter(shows).distinct() if shows else queryset.none()


def _patient_ids(patients):
    if isinstance(patients, Patient):
        return [patients.pk]
    if hasattr(patients, "model") and hasattr(patients, "values_list"):  # a QuerySet
        if patients.model is Patient:
            return list(patients.values_list("pk", flat=True))
        return list(patients.values_list("patient_id", flat=True))
    return [p.pk if isinstance(p, Patient) else p for p in patients]


def disclosure_required(patients):
    """Whether taking these patients' records out of the program is a Part 2 disclosure:
    `patients` a Patient, an iterable of Patients or ids, or a QuerySet of Patients (or of
    records with a `patient`). Every export asks this before it writes a file."""
    return bool(part2_patient_ids(_patient_ids(patients)))


def export_check(patients, *, user, what, context=None):
    """The guard every export (CSV, file, print-ready view) calls first: refuses (Part2Refused,
    audited as a refusal with the export's `what`, never PHI) when any of `patients` is
    protected. A SUD record leaves only in a release packet (`disclosures`), which carries the
    notice and is accounted for; an export of others' records goes ahead."""
    protected = part2_patient_ids(_patient_ids(patients))
    if not protected:
        return
    for patient_id in sorted(protected):
        audit_record(
            action=AuditEvent.Action.DENIED,
            outcome=AuditEvent.Outcome.DENIED,
            context=context,
            user=user,
            object_type=what[:100],
            patient_id=patient_id,
            detail=f"42 CFR Part 2: {what} refused; release of information required",
        )
    raise Part2Refused()


def withholds_part2(user):
    """Whether this account is an external integration: its API reads leave the program, so
    they never include a protected patient's records."""
    return bool(user and user.is_authenticated and getattr(user, "is_external_integration", False))
