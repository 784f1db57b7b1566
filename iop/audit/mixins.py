"""Make a page or API endpoint that touches patient data audit itself.

Views: reads (`GET`) are recorded here, once per request, with the object the view fetched;
writes are recorded by the service that makes them. Refusals (401/403/404) are recorded
as `denied`, so probing for patients one may not see leaves a trace.

A model says whose data it holds through an `audit_patient_id` attribute (a Patient
returns its own id, an episode its patient's).
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from iop.audit.context import AuditContext
from iop.audit.models import AuditEvent
from iop.audit.services import audit_record

DENIED_STATUSES = {401, 403, 404}
SAFE_METHODS = {"GET", "HEAD"}


def _audit_response(request, *, status, obj, model, object_id):
    if status in DENIED_STATUSES:
        audit_record(
            request=request,
            action=AuditEvent.Action.DENIED,
            outcome=AuditEvent.Outcome.DENIED,
            object_type=model._meta.label_lower if model else "",
            object_id=object_id or "",
            detail=f"HTTP {status}",
        )
    elif status < 400 and request.method in SAFE_METHODS:
        if obj is not None:
            audit_record(
                request=request,
                action=AuditEvent.Action.VIEW,
                obj=obj,
                patient_id=getattr(obj, "audit_patient_id", None),
            )
        else:
            audit_record(
                request=request,
                action=AuditEvent.Action.VIEW,
                object_type=f"{model._meta.label_lower} list" if model else "",
                detail=request.GET.urlencode()[:300],
            )


def _model_of(view):
    model = getattr(view, "model", None)
    queryset = getattr(view, "queryset", None)
    if model is None and queryset is not None:
        model = queryset.model
    return model


class AuditedViewMixin:
    """For Django class-based views (DetailView, ListView, UpdateView, ...)."""

    @property
    def audit_context(self):
        """Who, from where, under which request id: what services record on the audit trail."""
        return AuditContext.from_request(self.request)

    def dispatch(self, request, *args, **kwargs):
        object_id = str(kwargs.get(getattr(self, "pk_url_kwarg", "pk"), "") or "")
        try:
            response = super().dispatch(request, *args, **kwargs)
        except (Http404, PermissionDenied) as exc:
            status = 404 if isinstance(exc, Http404) else 403
            _audit_response(
                request, status=status, obj=None, model=_model_of(self), object_id=object_id
            )
            raise
        _audit_response(
            request,
            status=response.status_code,
            obj=getattr(self, "object", None),
            model=_model_of(self),
            object_id=object_id,
        )
        return response


class AuditedViewSetMixin:
    """For DRF views and viewsets: records reads and refusals in `finalize_response`."""

    @property
    def audit_context(self):
        """Who, from where, under which request id: what services record on the audit trail."""
        return AuditContext.from_request(self.request)

    def get_object(self):
        obj = super().get_object()
        self._audited_object = obj
        return obj

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        lookup = getattr(self, "lookup_url_kwarg", None) or getattr(self, "lookup_field", "pk")
        _audit_response(
            request,
            status=response.status_code,
            obj=getattr(self, "_audited_object", None),
            model=_model_of(self),
            object_id=str(kwargs.get(lookup, "") or ""),
        )
        return response
