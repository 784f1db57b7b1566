"""Where an action came from, for the audit trail, without handing services an HTTP request.

Pages and the API build one from the request (`AuditContext.from_request`); a background job
passes its task id (`AuditContext.for_job`); a test or the shell may pass nothing at all.
"""

from dataclasses import dataclass

from django.utils.functional import SimpleLazyObject, empty

from iop.accounts.net import client_ip


@dataclass(frozen=True)
class AuditContext:
    user: object = None
    ip: str | None = None
    request_id: str = ""
    path: str = ""

    @classmethod
    def from_request(cls, request):
        user = getattr(request, "user", None)
        return cls(
            user=_unwrapped(user) if user is not None and user.is_authenticated else None,
            ip=client_ip(request),
            request_id=getattr(request, "request_id", ""),
            path=request.path,
        )

    @classmethod
    def for_job(cls, task_id=""):
        return cls(request_id=task_id or "")


NO_CONTEXT = AuditContext()


def _unwrapped(user):
    """The user behind the request's lazy `request.user` once it has been read: the audit
    markers read it once per patient of a list, and every attribute read through the proxy
    costs a call (the same object either way)."""
    if isinstance(user, SimpleLazyObject):
        wrapped = user._wrapped
        if wrapped is not empty:
            return wrapped
    return user
