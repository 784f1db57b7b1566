import logging

from iop.accounts.net import client_ip
from iop.audit.models import AuditEvent

logger = logging.getLogger(__name__)


def _object_type(obj):
    return obj._meta.label_lower if obj is not None and hasattr(obj, "_meta") else ""


def audit_record(
    *,
    action,
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

    `request` supplies the user, address, path and request id when given; a background job
    passes `user=None` and its task id as `request_id`. `obj` supplies the object type and id;
    `patient_id` is the patient the data belongs to, so a patient's accounting of access is
    one query.
    """
    if request is not None:
        request_user = getattr(request, "user", None)
        if user is None and request_user is not None and request_user.is_authenticated:
            user = request_user
        request_id = request_id or getattr(request, "request_id", "")
    if user is not None and not username:
        username = user.get_username()
    if obj is not None:
        object_type = object_type or _object_type(obj)
        object_id = object_id or str(obj.pk)
    event = AuditEvent.objects.create(
        action=action,
        user=user,
        username=(username or "")[:150],
        object_type=object_type,
        object_id=str(object_id or "")[:64],
        patient_id=patient_id,
        outcome=outcome,
        ip=client_ip(request),
        request_id=request_id[:64],
        path=(request.path[:300] if request is not None else ""),
        detail=detail[:300],
    )
    logger.debug("audit %s", event)
    return event


def audit_record_patients(*, action, request, obj, patient_ids, detail=""):
    """One event per patient whose data a page showed together (a group session, its note),
    written in one statement so the page's query count does not grow with the group."""
    user = getattr(request, "user", None)
    user = user if user is not None and user.is_authenticated else None
    common = {
        "action": action,
        "user": user,
        "username": (user.get_username() if user else "")[:150],
        "object_type": _object_type(obj),
        "object_id": str(obj.pk)[:64],
        "outcome": AuditEvent.Outcome.SUCCESS,
        "ip": client_ip(request),
        "request_id": getattr(request, "request_id", "")[:64],
        "path": request.path[:300],
        "detail": detail[:300],
    }
    AuditEvent.objects.bulk_create(
        [AuditEvent(patient_id=pid, **common) for pid in sorted(set(patient_ids))]
    )
