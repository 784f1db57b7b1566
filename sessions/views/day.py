"""Today: a clinician's day on one page (the data is `sessions.today.today_for`), and the
worklists it opens onto, each paginated with its true count: notes to write, alerts, patients
below their hours (the co-signature queue is `notes.CosignQueue`)."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from iop.accounts.roles import Role
from iop.audit.models import AuditEvent
from iop.audit.services import audit_record_patients
from patients.part2 import part2_patient_ids
from sessions.today import (
    below_hours,
    mark_missing_safety_plans,
    notes_page_start,
    notes_to_write_ids,
    notes_to_write_rows,
    notes_window_start,
    older_notes_to_write_ids,
    older_notes_to_write_rows,
    today_for,
    worklist_alerts,
)
from sessions.views.session import ATTENDANCE_BUTTONS

PAGE_SIZE = 25


def page_of(request, rows, per_page=PAGE_SIZE):
    """The page of `rows` the request asks for (`?page=`; the last one past the end, the first
    for anything else): a count and one slice of a QuerySet."""
    page = Paginator(rows, per_page).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)  # read once, however often the page is walked
    return page


def page_by_ids(request, ids, rows_of, per_page=PAGE_SIZE):
    """`page_of` for a list whose filter costs more than its rows (the notes to write check
    every session for a note and an attendee): the filter runs once for the `ids`, in order,
    counted and paged here, then `rows_of` the page's ids reads its rows (two queries, as
    `page_of`, but one pass of the filter instead of two)."""
    page = Paginator(list(ids), per_page).get_page(request.GET.get("page"))
    page.object_list = list(rows_of(list(page.object_list))) if page.object_list else []
    return page


@login_required
@require_safe
def today(request):
    """A clinician's day: sessions with attendance sheets, notes to write and sign, alerts,
    patients below their hours; supervisors also see notes waiting for co-signature."""
    context = today_for(request.user)
    if context["is_clinical"]:
        context["statuses"] = ATTENDANCE_BUTTONS
        # One event per patient the page shows, in one statement (a clinician with no
        # patients today still gets one, with none).
        audit_record_patients(
            action=AuditEvent.Action.VIEW,
            request=request,
            object_type="today",
            patient_ids=context["shown_patient_ids"] or [None],
            detail=f"{len(context['sessions'])} sessions, {len(context['alerts'])} alerts",
        )
    return render(request, "today.html", context)


def render_worklist(request, template, page, patient_ids, what, **context):
    """A page of one of Today's worklists, audited once per patient it names."""
    patient_ids = sorted(set(patient_ids) - {None})
    audit_record_patients(
        action=AuditEvent.Action.VIEW,
        request=request,
        object_type=f"today {what}",
        patient_ids=patient_ids or [None],
        detail=f"{what}, page {page.number} of {page.paginator.num_pages}",
    )
    context.update(page_obj=page, is_part2=bool(part2_patient_ids(patient_ids)))
    return render(request, template, context)


def require_clinical(user):
    if not user.has_role(*Role.CLINICAL):
        raise PermissionDenied("Today's worklists are for clinicians and supervisors.")


@login_required
@require_safe
def notes_to_write_page(request):
    """The user's sessions of the last `NOTES_PAGE_DAYS` days still needing a note (none, or
    a draft), oldest first, with a link to the older ones."""
    require_clinical(request.user)
    now, user = timezone.now(), request.user
    start = notes_page_start(now)
    page = page_by_ids(
        request,
        notes_to_write_ids(user, start, now),
        lambda ids: notes_to_write_rows(user, start, now, ids),
    )
    return render_worklist(
        request,
        "sessions/notes_to_write.html",
        page,
        [s.patient_id for s in page],
        "notes to write",
        window_start=notes_window_start(now),
        page_start=start,
    )


@login_required
@require_safe
def older_notes_to_write_page(request):
    """The user's sessions before the notes page's days still needing a note, oldest first:
    every session they ever ran is checked, so only when asked for."""
    require_clinical(request.user)
    now, user = timezone.now(), request.user
    before = notes_page_start(now)
    page = page_by_ids(
        request,
        older_notes_to_write_ids(user, before, now),
        lambda ids: older_notes_to_write_rows(user, before, now, ids),
    )
    return render_worklist(
        request,
        "sessions/notes_to_write.html",
        page,
        [s.patient_id for s in page],
        "older notes to write",
        page_start=notes_page_start(now),
        older=True,
    )


@login_required
@require_safe
def alerts_page(request):
    """The user's open alerts, risk first, then newest."""
    require_clinical(request.user)
    page = page_of(request, worklist_alerts(request.user))
    mark_missing_safety_plans(page.object_list)
    return render_worklist(
        request, "sessions/alerts.html", page, [a.patient_id for a in page], "alerts"
    )


@login_required
@require_safe
def below_hours_page(request):
    """Every caseload patient below their hours last week, the largest shortfall first."""
    require_clinical(request.user)
    page = page_of(request, below_hours(request.user))
    return render_worklist(
        request,
        "sessions/below_hours.html",
        page,
        [episode.patient_id for episode, _, _ in page],
        "below hours",
    )
