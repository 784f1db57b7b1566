"""Make a page or API endpoint that touches patient data audit its reads.

Views: reads (`GET`) are recorded here, once per request, with the object the view fetched;
writes are recorded by the service that makes them. A list records one event per patient it
showed (`shown_patient_ids`), all in one statement, with its filters and a digest of any search
term, never the term (`iop.audit.searches`). Refusals (401/403/404) of every page and endpoint
are recorded in one place, `iop.audit.middleware.RefusalAuditMiddleware`.

A model says whose data it holds through an `audit_patient_id` attribute (a Patient
returns its own id, an episode its patient's).
"""

from django.db import router, transaction

from iop.audit.context import AuditContext
from iop.audit.models import AuditEvent
from iop.audit.refusals import model_of
from iop.audit.searches import describe_query
from iop.audit.services import audit_record, audit_record_patients

SAFE_METHODS = {"GET", "HEAD"}


def patient_ids_of(objects):
    """The patients these objects belong to, through their `audit_patient_id`."""
    return [getattr(obj, "audit_patient_id", None) for obj in objects]


def audit_list(request, *, model, patient_ids):
    """A list's read: one event per patient shown (one with no patient for an empty or
    patient-less list), in one statement, with a PHI-free summary of the query."""
    label = f"{model._meta.label_lower} list" if model else "list"
    shown = sorted({pid for pid in patient_ids if pid is not None})
    query = describe_query(request.GET)
    detail = f"patients shown: {len(shown)}" + (f"; {query}" if query else "")
    audit_record_patients(
        action=AuditEvent.Action.VIEW,
        request=request,
        object_type=label,
        patient_ids=shown or [None],
        detail=detail,
    )


def _is_read(request, response):
    return response.status_code < 400 and request.method in SAFE_METHODS


def _audit_read(request, *, obj, model, shown):
    if obj is not None:
        audit_record(
            request=request,
            action=AuditEvent.Action.VIEW,
            obj=obj,
            patient_id=getattr(obj, "audit_patient_id", None),
        )
    elif shown is not None:
        audit_list(request, model=model, patient_ids=shown)
    else:
        audit_record(
            request=request,
            action=AuditEvent.Action.VIEW,
            object_type=f"{model._meta.label_lower} list" if model else "",
            detail=describe_query(request.GET),
        )


class AuditedViewMixin:
    """For Django class-based views (DetailView, ListView, UpdateView, ...).

    `audit_read_also(**audit_record's arguments)`: another read the page made (e.g. of a note
    shown in the chart), recorded before the page's own in the same transaction (one lock of
    the trail, not one per event) once the page is answered."""

    @property
    def audit_context(self):
        """Who, from where, under which request id: what services record on the audit trail."""
        return AuditContext.from_request(self.request)

    def paginate_queryset(self, queryset, page_size):
        paginated = super().paginate_queryset(queryset, page_size)
        self._audit_page = paginated[2]
        return paginated

    def shown_patient_ids(self):
        """The patients a list page showed (its page of objects by default), or None when
        the page is no list. Evaluating the page here fills the cache the template reads."""
        objects = getattr(self, "_audit_page", None)
        if objects is None:
            objects = getattr(self, "object_list", None)
        return None if objects is None else patient_ids_of(objects)

    def audit_read_also(self, **event):
        self.__dict__.setdefault("_audit_also", []).append(event)

    def dispatch(self, request, *args, **kwargs):
        response = super().dispatch(request, *args, **kwargs)
        if _is_read(request, response):
            obj = getattr(self, "object", None)
            shown = self.shown_patient_ids() if obj is None else None
            also = self.__dict__.get("_audit_also", ())
            if not also:
                _audit_read(request, obj=obj, model=model_of(self), shown=shown)
                return response
            with transaction.atomic(using=router.db_for_write(AuditEvent)):
                for event in also:
                    audit_record(request=request, **event)
                _audit_read(request, obj=obj, model=model_of(self), shown=shown)
        return response


class AuditedViewSetMixin:
    """For DRF views and viewsets: records reads in `finalize_response`; a list records the
    patients on the page it answered."""

    @property
    def audit_context(self):
        """Who, from where, under which request id: what services record on the audit trail."""
        return AuditContext.from_request(self.request)

    def get_object(self):
        obj = super().get_object()
        self._audited_object = obj
        return obj

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        self._audit_page = page
        return page

    def shown_patient_ids(self, objects, rows):
        """The patients a list answer showed: `objects` is the page, `rows` what was sent."""
        return patient_ids_of(objects)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if not _is_read(request, response):
            return response
        obj = getattr(self, "_audited_object", None)
        page = getattr(self, "_audit_page", None)
        shown = None
        if obj is None and page is not None:
            data = response.data
            rows = data.get("results", []) if isinstance(data, dict) else data
            shown = self.shown_patient_ids(page, rows)
        _audit_read(request, obj=obj, model=model_of(self), shown=shown)
        return response
