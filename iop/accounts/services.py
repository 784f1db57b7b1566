"""Changes to staff accounts and their API tokens: the rules, the audit trail, the revocations.

The Django admin (UserAdmin), the password page and the API's token endpoint call these; each
change of roles, staff/superuser/active flags or password writes one audit event per change
(object_type accounts.user, object_id the user's pk, a PHI-free detail) with the real actor.
"""

import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from knox.models import AuthToken

from iop.accounts.models import User
from iop.accounts.roles import Role
from iop.audit.models import AuditEvent
from iop.audit.services import audit_record

logger = logging.getLogger(__name__)

# The flags an administrator changes, and how the trail words each change.
FLAGS = {
    "is_active": ("activated", "deactivated"),
    "is_staff": ("staff granted", "staff removed"),
    "is_superuser": ("superuser granted", "superuser removed"),
    "is_external_integration": ("marked external integration", "external integration mark removed"),
}
SELF_CHANGE_REFUSED = (
    "You cannot change your own roles or your own active, staff, superuser or external "
    "integration status: ask another administrator."
)
SUPERUSER_ONLY = "Only a superuser can grant superuser status."
SUPERUSER_ACCOUNT = "Only a superuser can change a superuser's account."


def _audit(*, user, target, detail, context, action=AuditEvent.Action.UPDATE, username=""):
    return audit_record(
        action=action,
        context=context,
        user=user,
        username=username,
        object_type="accounts.user",
        object_id=str(target.pk),
        detail=detail,
    )


# --- API tokens ---------------------------------------------------------------------------


def api_token_issue(*, user, context=None):
    """A new API token for `user` (expiring after API_TOKEN_TTL_HOURS). Only its digest is
    kept: the token itself is returned here, once."""
    instance, token = AuthToken.objects.create(user=user)
    _audit(
        user=user,
        target=user,
        detail="api token issued",
        context=context,
        action=AuditEvent.Action.CREATE,
    )
    return instance, token


def api_token_revoke(*, token, user, context=None):
    """Revoke one token (the caller's own, from `DELETE /api/v1/auth/token/`)."""
    AuthToken.objects.filter(pk=token.pk, user=user).delete()
    _audit(user=user, target=user, detail="api token revoked", context=context)


def api_tokens_revoke_all(*, target, reason, user=None, context=None):
    """Revoke every API token of `target`; audited when there was one. Returns the count."""
    count, _ = AuthToken.objects.filter(user=target).delete()
    if count:
        _audit(
            user=user,
            target=target,
            detail=f"api tokens revoked ({count}): {reason}",
            context=context,
        )
    return count


def api_tokens_active(target):
    """How many unexpired API tokens `target` holds (the admin shows a count, never a token)."""
    return AuthToken.objects.filter(user=target).exclude(expiry__lt=timezone.now()).count()


# --- roles, flags and passwords -----------------------------------------------------------


def user_may_change(*, user, target):
    """Whether `user` may change `target`'s account at all: a superuser's account (flags,
    roles, password) is changed by superusers only."""
    return user.is_superuser or not target.is_superuser


def _roles_of(target):
    if target.pk is None:
        return set()
    return set(target.groups.values_list("name", flat=True))


def _changes(*, before, roles, flags):
    """(roles added, roles removed, {flag: new value}) between `before` and what is asked."""
    old_roles = _roles_of(before)
    new_roles = old_roles if roles is None else {g.name for g in roles}
    changed = {
        name: value
        for name, value in (flags or {}).items()
        if name in FLAGS and bool(value) != bool(getattr(before, name))
    }
    return new_roles - old_roles, old_roles - new_roles, changed


def user_change_check(*, user, target, roles=None, flags=None):
    """Refuse (ValidationError) a change of roles (`roles`: the groups asked for, None for no
    change) or flags (`flags`: {name: value}) that `user` may not make to `target`.

    A change of one's own roles or flags is refused (no self-promotion, no self-lockout); only
    a superuser grants superuser or changes a superuser's account.
    """
    before = User.objects.get(pk=target.pk) if target.pk else User()
    added, removed, changed = _changes(before=before, roles=roles, flags=flags)
    if not (added or removed or changed):
        return
    if before.pk is not None and before.pk == user.pk:
        raise ValidationError(SELF_CHANGE_REFUSED, code="self_change")
    if not user.is_superuser:
        if before.is_superuser:
            raise ValidationError(SUPERUSER_ACCOUNT, code="superuser_account")
        if changed.get("is_superuser"):
            raise ValidationError(SUPERUSER_ONLY, code="superuser_only")


def user_create(*, user, target, context=None):
    """Save a new account made in the admin (no roles or flags yet: those are changes)."""
    user_change_check(user=user, target=target, flags={f: getattr(target, f) for f in FLAGS})
    target.save()
    _audit(
        user=user,
        target=target,
        detail="created",
        context=context,
        action=AuditEvent.Action.CREATE,
    )
    return target


@transaction.atomic
def user_update(*, user, target, roles=None, context=None):
    """Save `target` as edited (its flags as set on the instance) and, unless None, set its
    roles to the groups `roles`. Checks the rules, writes one audit event per change, revokes
    the API tokens on deactivation or a role removed, and tells the supervisors of a role
    change."""
    before = User.objects.select_for_update().get(pk=target.pk)
    if not user_may_change(user=user, target=before):
        raise ValidationError(SUPERUSER_ACCOUNT, code="superuser_account")
    flags = {name: getattr(target, name) for name in FLAGS}
    user_change_check(user=user, target=before, roles=roles, flags=flags)
    added, removed, changed = _changes(before=before, roles=roles, flags=flags)
    target.save()
    if roles is not None:
        target.groups.set(roles)
    if added or removed:
        detail = "roles " + " ".join(
            [f"+{name}" for name in sorted(added)] + [f"-{name}" for name in sorted(removed)]
        )
        _audit(user=user, target=target, detail=detail, context=context)
        _tell_supervisors(actor=user, target=target, detail=detail)
    if before.prescriber_credential != target.prescriber_credential:
        detail = (
            f"prescriber credential {target.prescriber_credential}"
            if target.prescriber_credential
            else "prescriber credential removed"
        )
        _audit(user=user, target=target, detail=detail, context=context)
    for name, value in changed.items():
        granted, removed_word = FLAGS[name]
        _audit(user=user, target=target, detail=granted if value else removed_word, context=context)
    if removed:
        api_tokens_revoke_all(target=target, reason="role removed", user=user, context=context)
    if changed.get("is_active") is False:
        api_tokens_revoke_all(target=target, reason="deactivated", user=user, context=context)
    return target


def user_deactivate(*, user, target, context=None):
    """Disable an account (the admin's bulk action): the same rules and trail as the form."""
    target.is_active = False
    return user_update(user=user, target=target, context=context)


def user_password_changed(*, user, target, context=None, username=""):
    """Record a password set (or disabled) for `target` by `user`, from the admin or the
    password page (`user` None and `username` "manage.py": `manage.py changepassword`). The
    tokens are revoked where the password is saved (User.save); a disabled password revokes
    them here. Other sessions end with the session hash."""
    if target.has_usable_password():
        detail = "password changed" if user is not None and user.pk == target.pk else "password set"
    else:
        detail = "password disabled"
        api_tokens_revoke_all(target=target, reason=detail, user=user, context=context)
    _audit(user=user, target=target, detail=detail, context=context, username=username)


def _tell_supervisors(*, actor, target, detail):
    """E-mail the active supervisors (other than the user changed) about a role change,
    after commit. Alerts in the work queue are about patients' care and close with it (one
    without a patient has no close button); a role change is a security event for the people
    who answer for access, so it goes to their inbox."""
    recipients = sorted(
        set(
            User.objects.filter(is_active=True, groups__name__in=Role.SUPERVISORS)
            .exclude(pk=target.pk)
            .exclude(email="")
            .values_list("email", flat=True)
        )
    )
    if not recipients:
        logger.warning("role change of user %s: no supervisor has an e-mail address", target.pk)
        return
    who = actor.get_username() if actor is not None else "the system"
    subject = f"IOP: roles of {target.get_username()} changed"
    body = (
        f"{who} changed the roles of {target.get_username()}: {detail}.\n\n"
        "If you did not expect this change, check the audit trail (object accounts.user "
        f"{target.pk}) and the user's account in the admin."
    )

    def send():
        try:
            send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)
        except Exception:
            logger.exception("role change of user %s: the supervisors' e-mail failed", target.pk)

    transaction.on_commit(send)
