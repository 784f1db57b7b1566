"""The rules of two-step verification, once: who must have it, checking a code, enrolment,
recovery codes, removal and reset. Pages, the API token endpoint, the admin and the
management command call these; every change and every code tried is audited (no PHI: only
what happened and how many recovery codes are left).

A user is *enrolled* when they have a confirmed authenticator (a django-otp TOTP device). The
recovery codes are a django-otp static device beside it, made and removed with it.
"""

import enum
import math
import re
from base64 import b32encode
from dataclasses import dataclass
from datetime import datetime

import segno
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from iop.accounts import lockout
from iop.accounts.roles import Role
from iop.audit.context import NO_CONTEXT, AuditContext
from iop.audit.models import AuditEvent
from iop.audit.services import audit_record

AUTHENTICATOR_NAME = "Authenticator app"
RECOVERY_NAME = "Recovery codes"
SIGN_IN = "sign-in"
API_TOKEN = "API token"

ENROL_FIRST = (
    "Two-step verification is required for your account: set up an authenticator app on the "
    "web first (Account security), then ask for a token with a code from it."
)
CODE_MISSING = "Enter the 6-digit code from your authenticator app, or one of your recovery codes."
CODE_WRONG = (
    "That code is not right. Enter the 6-digit code your authenticator app shows now (each code "
    "works once), or one of your unused recovery codes."
)


class SessionState(enum.Enum):
    """Where a signed-in session stands with the second factor."""

    VERIFIED = "verified"  # the second step is done
    PENDING = "pending"  # enrolled, the code not given yet in this session
    MUST_ENROL = "must-enrol"  # required to have MFA and has none yet
    OPEN = "open"  # not enrolled and not required


class CodeRefused(Exception):
    """A code given to confirm an MFA change was wrong (the message says what to do)."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class CodeCheck:
    """The result of checking a second-factor code."""

    device: object = None
    wait_until: datetime | None = None  # django-otp's throttle after wrong codes
    locked_until: datetime | None = None  # the login lockout, reached with wrong codes
    recovery_codes_left: int | None = None

    @property
    def ok(self):
        return self.device is not None

    @property
    def used_recovery_code(self):
        return isinstance(self.device, StaticDevice)

    @property
    def message(self):
        if self.locked_until:
            minutes = _minutes_until(self.locked_until)
            return (
                "Too many wrong codes. Sign-in is paused for "
                f"{minutes} more minute(s); an administrator can help sooner."
            )
        if self.wait_until:
            seconds = max(1, math.ceil((self.wait_until - timezone.now()).total_seconds()))
            return f"Too many wrong codes in a row: wait {seconds} second(s), then try again."
        return CODE_WRONG


def _minutes_until(moment):
    return max(1, int((moment - timezone.now()).total_seconds() // 60) + 1)


def _normalise(code):
    """Codes are typed with spaces or dashes, recovery codes in either case."""
    return re.sub(r"[\s-]", "", code or "").lower()[:32]


# --- who --------------------------------------------------------------------------------


def is_enrolled(user):
    return bool(
        user.is_authenticated and TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    )


def is_required(user):
    """Whether this user must have MFA: MFA_ENFORCED, and MFA_REQUIRED_FOR_ALL or one of
    MFA_REQUIRED_ROLES, or anyone who can open the Django admin (staff and superusers)."""
    if not settings.MFA_ENFORCED or not user.is_authenticated or not user.is_active:
        return False
    if settings.MFA_REQUIRED_FOR_ALL or user.is_superuser or user.is_staff:
        return True
    return user.has_role(*settings.MFA_REQUIRED_ROLES)


def session_state(request):
    """The session's `SessionState`, or None when nobody is signed in (once per request)."""
    if hasattr(request, "_mfa_state"):
        return request._mfa_state
    user = getattr(request, "user", None)
    state = None
    if user is not None and user.is_authenticated:
        is_verified = getattr(user, "is_verified", None)
        if is_verified is not None and is_verified():
            state = SessionState.VERIFIED
        elif is_enrolled(user):
            state = SessionState.PENDING
        elif is_required(user):
            state = SessionState.MUST_ENROL
        else:
            state = SessionState.OPEN
    request._mfa_state = state
    return state


def status_for(user):
    """What the account security page shows."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return {
        "enrolled": device is not None,
        "enrolled_at": device.created_at if device else None,
        "last_used_at": device.last_used_at if device else None,
        "recovery_codes_left": StaticToken.objects.filter(
            device__user=user, device__confirmed=True
        ).count(),
        "required": is_required(user),
    }


# --- checking a code --------------------------------------------------------------------


def code_check(*, user, code, context=None, purpose=SIGN_IN):
    """Check `code` against the user's authenticator (digits) or recovery codes (letters).

    Wrong codes are throttled by django-otp (1, 2, 4, ... seconds between tries) and, on
    sign-in (`SIGN_IN` or `API_TOKEN`), also count toward the login lockout (username and
    address). A recovery code works once. Every try is audited.
    """
    context = context or NO_CONTEXT
    signing_in = purpose in (SIGN_IN, API_TOKEN)
    username = user.get_username()
    if signing_in:
        until = lockout.locked_until(username=username, ip=context.ip)
        if until:
            _audit_code_failure(user, context, purpose, "locked out")
            return CodeCheck(locked_until=until)
    code = _normalise(code)
    model = TOTPDevice if code.isdigit() else StaticDevice
    with transaction.atomic():
        device = model.objects.select_for_update().filter(user=user, confirmed=True).first()
        if device is not None:
            allowed, info = device.verify_is_allowed()
            if not allowed:
                _audit_code_failure(user, context, purpose, "too many wrong codes, throttled")
                return CodeCheck(wait_until=info.get("locked_until"))
        verified = bool(code) and device is not None and device.verify_token(code)
    if not verified:
        _audit_code_failure(user, context, purpose, "wrong code")
        until = None
        if signing_in:
            if lockout.login_failure_record(username=username, ip=context.ip):
                _audit_code_failure(user, context, purpose, lockout.ACCOUNT_LOCKED_DETAIL)
            until = lockout.locked_until(username=username, ip=context.ip)
        return CodeCheck(locked_until=until)
    left = None
    if isinstance(device, StaticDevice):
        left = device.token_set.count()
        how = f"a recovery code ({left} left)"
    else:
        how = "the authenticator app"
    if signing_in:
        audit_record(
            action=AuditEvent.Action.LOGIN,
            context=context,
            user=user,
            detail=f"{purpose}: second step with {how}",
        )
    elif left is not None:
        audit_record(
            action=AuditEvent.Action.UPDATE,
            context=context,
            user=user,
            obj=device,
            detail=f"{purpose}: recovery code used ({left} left)",
        )
    return CodeCheck(device=device, recovery_codes_left=left)


def _audit_code_failure(user, context, purpose, why):
    audit_record(
        action=AuditEvent.Action.LOGIN_FAILED,
        context=context,
        user=user,
        outcome=AuditEvent.Outcome.FAILURE,
        detail=f"{purpose}: second step refused, {why}",
    )


def second_factor_error(user, code, *, request=None):
    """For a sign-in outside the pages (the API token endpoint): None when the second factor
    is satisfied (a right code from an enrolled user, or a user with no MFA who needs none),
    else the message for the `otp` field."""
    if not is_enrolled(user):
        return ENROL_FIRST if is_required(user) else None
    if not _normalise(code):
        return CODE_MISSING
    context = AuditContext.from_request(request) if request is not None else NO_CONTEXT
    check = code_check(user=user, code=code, context=context, purpose=API_TOKEN)
    return None if check.ok else check.message


def verify_second_factor(user, code, *, request=None):
    """True when `user` may be signed in with `code` as their second factor (see
    `second_factor_error`)."""
    return second_factor_error(user, code, request=request) is None


def _require_code(*, user, code, context, purpose):
    check = code_check(user=user, code=code, context=context, purpose=purpose)
    if not check.ok:
        raise CodeRefused(check.message)
    return check


# --- enrolment and recovery codes -------------------------------------------------------


def enrolment_start(*, user, context=None):
    """The authenticator being set up: a new secret, made once and kept until confirmed (so
    reloading the page shows the same QR code)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=AUTHENTICATOR_NAME, confirmed=False)
        audit_record(
            action=AuditEvent.Action.CREATE,
            context=context,
            user=user,
            obj=device,
            detail="MFA enrolment started (authenticator not yet confirmed)",
        )
    return device


def provisioning(device):
    """What an authenticator app needs, for the enrolment page: the QR code as inline SVG
    (drawn here, nothing fetched from elsewhere) and the secret as text, in groups of four."""
    svg = segno.make(device.config_url, error="m").svg_inline(
        scale=5, dark="#000", light="#fff", title="QR code for your authenticator app"
    )
    secret = b32encode(device.bin_key).decode()
    return svg, " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def enrolment_confirm(*, user, device, code, context=None):
    """Confirm the new authenticator with a code it shows; returns the recovery codes, to be
    shown once. A wrong code raises `CodeRefused`."""
    with transaction.atomic():
        device = (
            TOTPDevice.objects.select_for_update()
            .filter(pk=device.pk, user=user, confirmed=False)
            .first()
        )
        if device is None:
            raise CodeRefused("This set-up has ended. Start again.")
        allowed, info = device.verify_is_allowed()
        if not allowed:
            refusal = CodeCheck(wait_until=info.get("locked_until"))
        elif not device.verify_token(_normalise(code)):
            refusal = CodeCheck()
        else:
            refusal = None
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            TOTPDevice.objects.filter(user=user, confirmed=False).delete()
            codes = _recovery_codes_replace(user)
            audit_record(
                action=AuditEvent.Action.UPDATE,
                context=context,
                user=user,
                obj=device,
                detail=f"MFA enrolment confirmed; {len(codes)} recovery codes issued",
            )
    if refusal is not None:
        audit_record(
            action=AuditEvent.Action.UPDATE,
            context=context,
            user=user,
            obj=device,
            outcome=AuditEvent.Outcome.FAILURE,
            detail="MFA enrolment: wrong code",
        )
        raise CodeRefused(refusal.message)
    return codes


def _recovery_codes_replace(user):
    # The same device with new codes: a session verified by a recovery code stays verified.
    device = StaticDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()
    if device is None:
        device = StaticDevice.objects.create(user=user, name=RECOVERY_NAME, confirmed=True)
    StaticDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.token_set.all().delete()
    device.throttle_reset()
    codes = [_new_recovery_code() for _ in range(settings.MFA_RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=c) for c in codes)
    return codes


def _new_recovery_code():
    # 8 characters of base32 (40 bits); never all digits, which would be read as an app code.
    while True:
        code = StaticToken.random_token()
        if not code.isdigit():
            return code


def recovery_codes_regenerate(*, user, code, context=None):
    """New recovery codes in place of the old ones (all of them stop working), confirmed with
    a current code. Returns the new codes, to be shown once."""
    _require_code(user=user, code=code, context=context, purpose="new recovery codes")
    with transaction.atomic():
        codes = _recovery_codes_replace(user)
        audit_record(
            action=AuditEvent.Action.CREATE,
            context=context,
            user=user,
            object_type="otp_static.staticdevice",
            detail=f"MFA recovery codes regenerated ({len(codes)}); the old ones stop working",
        )
    return codes


def authenticator_remove(*, user, code, context=None):
    """The user removes their own authenticator and recovery codes, confirmed with a current
    code (a stolen session alone cannot turn MFA off)."""
    _require_code(user=user, code=code, context=context, purpose="remove authenticator")
    with transaction.atomic():
        removed = _devices_delete(user)
        audit_record(
            action=AuditEvent.Action.DELETE,
            context=context,
            user=user,
            object_type="otp_totp.totpdevice",
            detail=f"MFA removed by its owner ({removed} device(s))",
        )


def _devices_delete(user):
    return TOTPDevice.objects.filter(user=user).delete()[1].get(
        TOTPDevice._meta.label, 0
    ) + StaticDevice.objects.filter(user=user).delete()[1].get(StaticDevice._meta.label, 0)


# --- reset by an administrator ----------------------------------------------------------


def _is_administrator(user):
    return user.is_superuser or user.is_staff or user.has_role(Role.ADMIN)


def mfa_reset_refusal(*, target, user):
    """Why `user` may not reset `target`'s MFA, or None. Anyone may be reset from the server
    (`user` None: `manage.py mfa_reset`). In the admin: by those who may change users, never
    oneself (use the account security page, which asks for a code), and an administrator's
    (staff, superuser or admin role) only by a superuser."""
    if user is None:
        return None
    if user.pk == target.pk:
        return "You cannot reset your own MFA here: use your Account security page."
    if not user.has_perm("accounts.change_user"):
        return "You may not change users."
    if _is_administrator(target) and not user.is_superuser:
        return "Only a superuser may reset the MFA of an administrator."
    return None


def mfa_reset(*, target, user=None, context=None):
    """Remove all of `target`'s MFA devices (a lost phone): they sign in with their password
    alone, or set MFA up again at their next sign-in if it is required. Returns how many
    devices were removed; refusals raise PermissionDenied (and are audited)."""
    refusal = mfa_reset_refusal(target=target, user=user)
    by = "" if user is not None else " from the server (manage.py mfa_reset)"
    if refusal:
        audit_record(
            action=AuditEvent.Action.DENIED,
            context=context,
            user=user,
            obj=target,
            outcome=AuditEvent.Outcome.DENIED,
            detail=f"MFA reset refused: {refusal}",
        )
        raise PermissionDenied(refusal)
    with transaction.atomic():
        removed = _devices_delete(target)
        audit_record(
            action=AuditEvent.Action.DELETE,
            context=context,
            user=user,
            username="" if user is not None else "manage.py",
            obj=target,
            detail=f"MFA reset{by}: {removed} device(s) removed",
        )
    return removed
