"""A patient's sessions as the chart's Sessions tab shows them: attendance a page at a time
(newest first) and what is coming up, each in a fixed number of indexed queries whatever the
length of the patient's history or the size of the program."""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db.models import (
    BooleanField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    Value,
)
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from iop.accounts.models import display_name
from iop.ids import InArray, in_ids
from iop.paging import CountedPagePaginator, counted_rows
from iop.shapes import shape
from sessions.billing import evaluation_code
from sessions.models import Attendance, GroupEnrollment, ProgressNote, TherapySession

ATTENDANCE_PER_PAGE = 25
UPCOMING_WEEKS = 4
UPCOMING_SHOWN = 10


def attendance_page(patient, number):
    """One page of the patient's attendance, newest session first; `number` as the query
    string gave it (a bad or past-the-end number gives the nearest page). One query (the page
    with the count beside it; a number past the end reads the count and the last page), of
    the columns the tab shows (every column of three tables cost a quarter of this read). A
    page that exists is read by a shape (`_attendance_rows`)."""
    records = SimpleLazyObject(lambda: _attendance_of(patient.pk))  # for a page past the end

    def rows(start, size):
        return _attendance_rows(patient.pk, start, size)

    return CountedPagePaginator(records, ATTENDANCE_PER_PAGE, rows=rows).get_page(number)


def _attendance_of(patient_id):
    return (
        Attendance.objects.filter(patient=patient_id)
        .select_related("session__group")
        .only(
            "status",
            "minutes_attended",
            "session__starts_at",
            "session__kind",
            "session__patient",
            "session__group__name",
        )
        .order_by("-session__starts_at", "-session_id")
    )


@shape(key=("start", "size"))
def _attendance_rows(patient_id, start, size):
    return counted_rows(_attendance_of(patient_id), start, size)


def upcoming_for(patient, *, now=None):
    """The patient's sessions in the next UPCOMING_WEEKS weeks, not cancelled, soonest first:
    their own (individual, family, ...) and those of the groups they are enrolled in now.

    (shown, total): the first UPCOMING_SHOWN and how many there are in the window. One query,
    on two indexes (`patient, starts_at`; `group, starts_at`): the open enrolments' groups are
    read as an array before the sessions (`InArray`) rather than joining every session to
    every enrolment the patient ever had, or testing each of the window's sessions (~4,300 at
    scale) against them."""
    now = now or timezone.now()
    sessions = list(_upcoming(patient.pk, now, now + timedelta(weeks=UPCOMING_WEEKS)))
    return sessions[:UPCOMING_SHOWN], len(sessions)


@shape
def _upcoming(patient_id, start, end):
    groups = (
        GroupEnrollment.objects.filter(episode__patient=patient_id, end_date__isnull=True)
        .order_by()
        .values("group_id")
    )
    return (
        TherapySession.objects.filter(
            Q(patient=patient_id) | InArray(F("group_id"), groups),
            starts_at__gte=start,
            starts_at__lt=end,
        )
        .exclude(status=TherapySession.Status.CANCELLED)
        .select_related("group")
        .only("starts_at", "kind", "patient", "group__name")
        .order_by("starts_at", "pk")
    )


EVALUATIONS_SHOWN = 5
# What names a clinician (`display_name`), then whether they prescribe.
CLINICIAN_NAME = ("username", "first_name", "last_name", "credentials", "prescriber_credential")


@shape
def _evaluation_rows(patient_id):
    """(attendance, session, session's patient, start, *a clinician's CLINICIAN_NAME) of the
    patient's newest attended intake evaluations, a row per clinician, in order."""
    newest = (
        Attendance.objects.filter(
            patient=patient_id,
            session__kind=TherapySession.Kind.INTAKE_EVAL,
            status__in=Attendance.ATTENDED,
        )
        .exclude(session__status=TherapySession.Status.CANCELLED)
        .order_by("-session__starts_at")
        .values("pk")[:EVALUATIONS_SHOWN]
    )
    people = [f"session__clinicians__{name}" for name in CLINICIAN_NAME]
    return (
        Attendance.objects.filter(pk__in=newest)
        .order_by(
            "-session__starts_at",
            "pk",
            *(f"session__clinicians__{name}" for name in get_user_model()._meta.ordering),
        )
        .values_list("pk", "session_id", "session__patient_id", "session__starts_at", *people)
    )


def psychiatric_evaluations(patient):
    """The patient's attended intake evaluations, newest first (at most EVALUATIONS_SHOWN),
    each with its code: 90792 when a prescriber took part (medical services), else 90791.
    One query whatever the history: the newest attendances (a subquery), each joined to its
    session's clinicians as plain values, in the clinicians' order (no session or user rows,
    no second query for the clinicians)."""
    evaluations = {}  # attendance id -> its row, in order
    for pk, session_id, owner, starts_at, *names in _evaluation_rows(patient.pk):
        row = evaluations.setdefault(
            pk,
            {
                "session_id": session_id,
                "patient_id": owner,
                "starts_at": starts_at,
                "clinicians": [],
            },
        )
        if names[0] is not None:  # a LEFT JOIN: a session without clinicians has none
            row["clinicians"].append(names)
    found = []
    for row in evaluations.values():
        clinicians = row.pop("clinicians")
        prescribers = [c for c in clinicians if c[-1]]
        code = evaluation_code(by_prescriber=bool(prescribers))
        row.update(
            code=code[0],
            label=code[1],
            by=", ".join(display_name(*c[:-1]) for c in prescribers or clinicians),
        )
        found.append(row)
    return found


def session_links(user, patient, attendance, shown):
    """What the tab links from the sessions it shows (`shown`: {session id: its patient's id,
    None for a group's}, `attendance`'s among them): (the ids of those `user` may open,
    `TherapySession.objects.for_user`; the ids of the group sessions among `attendance` with a
    note holding a part for this patient, whose note the chart links: a group session attended
    before its note is started has none, and the link was a 404). One query, both answers a
    column of each shown session.

    `patient` is one `user` opens (the chart is open: `Patient.objects.for_user`), so a session
    of theirs is open by that rule alone, and the other rows probe the indexes one by one: the
    whole visible set as subqueries (every session the user ever ran, every patient of theirs)
    was built to test a page's few dozen rows (20 ms → 0.4 ms at scale). The user's patients
    are asked about only when a shown session is another patient's (none, as a rule: building
    and planning that test was a third of this read). The ids go as arrays: as a rule
    (a clinician or supervisor, every session the patient's or a group's) the read is a shape,
    the ways in depending on nothing but its values; the user's patients are read at the time
    of the call (an emergency grant's minutes), and a director's every session is tested by
    `for_user`: those are built each time."""
    from iop.accounts.roles import Role

    attended = [a.session_id for a in attendance if a.attended]
    clinical = user.is_active and user.has_role(Role.SUPERVISOR, Role.CLINICIAN)
    others = any(owner not in (None, patient.pk) for owner in shown.values())
    ids = (user, patient.pk, sorted(shown), attended or None)
    if others or not clinical or user.has_role(Role.DIRECTOR):
        rows = _link_rows(*ids, others=others)
    else:
        rows = _own_links(*ids)
    openable, with_note = set(), set()
    for pk, is_open, is_noted in rows:
        if is_open:
            openable.add(pk)
        if is_noted:
            with_note.add(pk)
    return openable, with_note


@shape
def _own_links(user, patient_id, shown, attended):
    """`_link_rows` of a clinician or supervisor (not a director) shown only the patient's own
    sessions and groups': a shape."""
    return _link_rows(user, patient_id, shown, attended, others=False)


def _link_rows(user, patient_id, shown, attended, *, others):
    """`session_links`' rows (pk, openable, noted) of the sessions `shown` (their ids) with
    `attended` among them (their ids, None for none); `others`: some shown session
    is another patient's."""
    from iop.accounts.roles import Role
    from sessions.querysets import runs, supervised_groups, visible_session_sets

    sessions = TherapySession.objects.filter(in_ids("pk", shown)).order_by()
    clinical = user.is_active and user.has_role(Role.SUPERVISOR, Role.CLINICIAN)
    if not clinical or user.has_role(Role.DIRECTOR):
        visible = Exists(TherapySession.objects.for_user(user).filter(pk=OuterRef("pk")))
    else:
        # Or-ed in this order and tested left to right: a group session (no patient) never
        # reads the patient set.
        visible = Q(patient=patient_id) | Q(runs(user))
        groups = supervised_groups(user)
        if groups is not None:
            visible |= Q(group__in=groups)
        if others:
            _, patients, _ = visible_session_sets(user)
            visible |= Q(patient__isnull=False) & ~Q(patient=patient_id) & Q(patient__in=patients)
    if attended is not None:
        parts = ProgressNote.objects.filter(session=OuterRef("pk"), entries__patient=patient_id)
        noted = Q(in_ids("pk", attended), group__isnull=False) & Q(Exists(parts))
    else:
        noted = Value(False)
    return sessions.annotate(
        openable=ExpressionWrapper(visible, output_field=BooleanField()),
        noted=ExpressionWrapper(noted, output_field=BooleanField()),
    ).values_list("pk", "openable", "noted")
