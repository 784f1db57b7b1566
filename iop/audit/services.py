import logging

from django.utils import timezone

from iop.audit.context import NO_CONTEXT, AuditContext
from iop.audit.markers import marked_detail, marked_details
from iop.audit.models import AuditEvent

logger = logging.getLogger(__name__)


def _object_type(obj):
    return obj._meta.label_lower if obj is not None and hasattr(obj, "_meta") else ""


def audit_record(
    *,
    action,
    context=None,
    request=None,
    user=None,
    obj=None,
    object_type="",
    object_id="",
    patient_id=None,
    outcome=AuditEvent.Outcome.SUCCESS,
    username="",
    detail="",
    request_id="",
):
    """Record one audit event. The one way anything writes to the trail.

    `context` (an `AuditContext`) supplies the address, path and request id, and the user when
    none is given; views may pass their `request` instead. A background job passes
    `AuditContext.for_job(task_id)`. `obj` supplies the object type and id; `patient_id` is the
    patient the data belongs to, so a patient's accounting of access is one query.
    """
    if context is None:
        context = AuditContext.from_request(request) if request is not None else NO_CONTEXT
    user = user if user is not None else context.user
    if user is not None and not username:
        username = user.get_username()
    if obj is not None:
        object_type = object_type or _object_type(obj)
        object_id = object_id or str(obj.pk)
    detail = marked_detail(detail, user, patient_id)
    common = {
        "at": timezone.now(),
        "action": action,
        "user_id": user.pk if user is not None else None,
        "username": (username or "")[:150],
        "object_type": object_type,
        "object_id": str(object_id or "")[:64],
        "outcome": outcome,
        "ip": context.ip,
        "request_id": (request_id or context.request_id)[:64],
        "path": context.path[:300],
    }
    event = AuditEvent.objects.append_one(
        common, patient_id=patient_id, detail=detail[:300], user=user
    )
    logger.debug("audit %s", event)
    return event


def audit_change(action, obj, *, user, context=None, detail="", patient_id=None):
    """A service's record of a change it made to `obj`, filed under the patient it belongs to
    (`obj.audit_patient_id` unless `patient_id` says otherwise)."""
    return audit_record(
        action=action,
        context=context,
        user=user,
        obj=obj,
        patient_id=patient_id if patient_id is not None else obj.audit_patient_id,
        detail=detail,
    )


def audit_record_patients(
    *, action, request, obj=None, patient_ids, detail="", object_type="", also=()
):
    """One event per patient whose data a page showed together (a group session, its note, a
    list), written in one statement so the page's query count does not grow with the group.
    A list names its `object_type` (e.g. "patients.episode list") instead of an `obj`. The
    events share one time (the request's read). `also`: more `(patient_id, detail)` events of
    the same read, written after those (in the same statement, e.g. the page's own read of
    `obj` that `AuditedViewMixin` would have written in a transaction of its own)."""
    context = AuditContext.from_request(request)
    user = context.user
    common = {
        "at": timezone.now(),
        "action": action,
        "user_id": user.pk if user is not None else None,
        "username": (user.get_username() if user else "")[:150],
        "object_type": object_type or _object_type(obj),
        "object_id": str(obj.pk)[:64] if obj is not None else "",
        "outcome": AuditEvent.Outcome.SUCCESS,
        "ip": context.ip,
        "request_id": context.request_id[:64],
        "path": context.path[:300],
    }
    events = [*((pid, detail) for pid in sorted(set(patient_ids))), *also]
    marked = marked_details(user, events)
    AuditEvent.objects.append_rows(common, [(pid, text[:300]) for pid, text in marked])
