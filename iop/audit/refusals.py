"""Refusals on the audit trail: what was asked for, and whose record it was.

`RefusalAuditMiddleware` calls `audit_refusal` for every 401, 403 and 404 answer of a page or
an API endpoint, so probing for patients one may not see leaves a trace whatever the view.
The record asked for is the one a view noted before refusing (`note_refused_target`: the chart
notes the patient of its URL) or else the one the URL names (the view's model and its `pk`
argument). The patient is that record's `audit_patient_id`, read without any access rule (the
refusal already happened); an id that names no record gets no patient, so a probe of an id
not yet used is never filed under the patient who later receives it.

A client that has not signed in is recorded at most once per address a minute
(`ANONYMOUS_REFUSAL_SECONDS`): refusing it costs it nothing, so otherwise it could grow the
trail without bound.
"""

import re

from django.core.cache import cache
from django.core.exceptions import ObjectDoesNotExist, ValidationError

from iop.accounts.net import client_ip
from iop.audit.models import AuditEvent
from iop.audit.services import audit_record
from iop.validation import LARGEST_ID

DENIED_STATUSES = {401, 403, 404}
ANONYMOUS_REFUSAL_SECONDS = 60
_ID = re.compile(r"[0-9]{1,19}")


def note_refused_target(request, model, pk):
    """Say which record a view is about to open, so that a refusal names it (and its patient)
    even when the address does not (e.g. a plan's page loading the plan's patient)."""
    request.audit_refused_target = (model, pk)


def refusal_reason(request):
    """A PHI-free reason a view gave for its refusal (e.g. "42 CFR Part 2"), or ""."""
    return getattr(request, "audit_refusal_reason", "")


def model_of(view):
    """The model a view or viewset (instance or class) works on, or None."""
    model = getattr(view, "model", None)
    queryset = getattr(view, "queryset", None)
    if model is None and queryset is not None:
        model = queryset.model
    return model


def _view_class(func):
    return getattr(func, "view_class", None) or getattr(func, "cls", None)


def _url_target(match):
    view = _view_class(match.func)
    names = (
        getattr(view, "lookup_url_kwarg", None),
        getattr(view, "pk_url_kwarg", None),
        getattr(view, "lookup_field", None),
        "pk",
    )
    name = next((n for n in names if n and n in match.kwargs), None)
    return model_of(view), (match.kwargs[name] if name else "")


def _as_id(value):
    text = str(value)
    return int(text) if _ID.fullmatch(text) and 0 < int(text) <= LARGEST_ID else None


def patient_of(model, object_id):
    """The patient whose record `object_id` of `model` is, or None (no such record, or none
    of a patient's)."""
    pk = _as_id(object_id)
    if model is None or pk is None:
        return None
    try:
        obj = model._base_manager.filter(pk=pk).first()
        return getattr(obj, "audit_patient_id", None)
    except (ObjectDoesNotExist, ValidationError, ValueError, TypeError):
        return None


def audit_refusal(request, status):
    """Record a refused request (`status` 401, 403 or 404; others are ignored)."""
    if status not in DENIED_STATUSES:
        return None
    user = getattr(request, "user", None)
    if not (user and user.is_authenticated):
        key = f"audit:anonymous-refusal:{client_ip(request) or 'unknown'}"
        if not cache.add(key, 1, timeout=ANONYMOUS_REFUSAL_SECONDS):
            return None
    match = request.resolver_match
    target = getattr(request, "audit_refused_target", None)
    model, object_id = target if target is not None else _url_target(match)
    object_type = model._meta.label_lower if model is not None else match.view_name
    return audit_record(
        request=request,
        action=AuditEvent.Action.DENIED,
        outcome=AuditEvent.Outcome.DENIED,
        object_type=(object_type or "")[:100],
        object_id=str(object_id)[:64],
        patient_id=patient_of(model, object_id),
        detail=" ".join(filter(None, [f"HTTP {status}", refusal_reason(request)])),
    )
