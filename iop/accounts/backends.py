from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied

from iop.accounts import lockout
from iop.accounts.net import client_ip
from iop.audit.models import AuditEvent
from iop.audit.services import audit_record


class LockoutModelBackend(ModelBackend):
    """Username/password login that enforces the lockout rule and audits every attempt.

    Every way in (login page, admin, API token) goes through `authenticate()`, so the rule
    is applied once, here.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get(self.user_model().USERNAME_FIELD)
        if username is None or password is None:
            return None
        ip = client_ip(request)
        if lockout.locked_until(username=username, ip=ip):
            audit_record(
                request=request,
                action=AuditEvent.Action.LOGIN_FAILED,
                outcome=AuditEvent.Outcome.DENIED,
                username=username,
                detail="locked out",
            )
            # PermissionDenied stops Django trying any other backend.
            raise PermissionDenied("locked out")
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None:
            account_locked = lockout.login_failure_record(username=username, ip=ip)
            audit_record(
                request=request,
                action=AuditEvent.Action.LOGIN_FAILED,
                outcome=AuditEvent.Outcome.FAILURE,
                username=username,
            )
            if account_locked:
                audit_record(
                    request=request,
                    action=AuditEvent.Action.LOGIN_FAILED,
                    outcome=AuditEvent.Outcome.DENIED,
                    username=username,
                    detail=lockout.ACCOUNT_LOCKED_DETAIL,
                )
            return None
        lockout.login_success_record(username=username, ip=ip)
        audit_record(request=request, action=AuditEvent.Action.LOGIN, user=user)
        return user
