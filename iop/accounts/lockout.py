"""Lockout after repeated failed logins, by username *and* address, with a cool-off."""

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from iop.accounts.models import LoginThrottle


def _key(username):
    return (username or "").strip().lower()[:150]


def locked_until(*, username, ip):
    """When the lock on this username from this address ends, or None if not locked."""
    row = LoginThrottle.objects.filter(username=_key(username), ip=ip).first()
    if row and row.locked_until and row.locked_until > timezone.now():
        return row.locked_until
    return None


def login_failure_record(*, username, ip):
    """Count a failed login; lock for LOGIN_LOCKOUT once LOGIN_FAILURE_LIMIT is reached.

    Failures older than the lockout window no longer count, so an occasional typo over a
    week never adds up to a lock.
    """
    now = timezone.now()
    key = _key(username)
    for _attempt in range(2):
        try:
            with transaction.atomic():
                row = LoginThrottle.objects.select_for_update().filter(username=key, ip=ip).first()
                if row is None:
                    LoginThrottle.objects.create(
                        username=key, ip=ip, failures=1, first_failure_at=now, last_failure_at=now
                    )
                    return None
                window_over = now - row.first_failure_at > settings.LOGIN_LOCKOUT
                lock_over = row.locked_until is not None and row.locked_until <= now
                if window_over or lock_over:
                    row.failures, row.first_failure_at, row.locked_until = 0, now, None
                row.failures += 1
                row.last_failure_at = now
                if row.failures >= settings.LOGIN_FAILURE_LIMIT:
                    row.locked_until = now + settings.LOGIN_LOCKOUT
                row.save()
                return row.locked_until
        except IntegrityError:
            # Two failures for a new key at once: the other created the row; count again.
            continue
    return None


def login_success_record(*, username, ip):
    LoginThrottle.objects.filter(username=_key(username), ip=ip).delete()
