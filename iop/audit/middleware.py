import re
import uuid

from iop.audit.refusals import audit_refusal

REQUEST_ID_HEADER = "X-Request-ID"
# A UUID: 32 hex digits, or the canonical 8-4-4-4-12 form (what proxies such as nginx's
# $request_id and most tracing tools send). Anything else is replaced with a fresh id.
_WELL_FORMED_ID = re.compile(
    r"[0-9a-fA-F]{32}|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
)


def well_formed_request_id(value):
    return bool(value) and _WELL_FORMED_ID.fullmatch(value) is not None


class RequestIdMiddleware:
    """Give every request an id (kept from a proxy's X-Request-ID when it is a well-formed id).

    The id is stored on audit events and sent back, so a user's report of a problem can be
    matched to what the server recorded. A client-sent value that is not a UUID is ignored, so
    nobody can plant a chosen string (or another request's id) on the trail.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get(REQUEST_ID_HEADER, "")
        request.request_id = incoming if well_formed_request_id(incoming) else uuid.uuid4().hex
        response = self.get_response(request)
        response[REQUEST_ID_HEADER] = request.request_id
        return response


class RefusalAuditMiddleware:
    """Every refusal on the audit trail, for pages and the API alike: a 401, 403 or 404 answer
    of an address that names a view (PermissionDenied, Http404, DRF's permission and
    authentication refusals, role checks) is an event `denied`, with the patient where the
    address or the view says whose record was asked for (`iop.audit.refusals`).

    Placed after the session timeout, whose 401 is a logoff (audited there), not a refusal.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if getattr(request, "resolver_match", None) is not None:
            audit_refusal(request, response.status_code)
        return response
