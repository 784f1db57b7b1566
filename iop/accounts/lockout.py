"""Lockout after repeated failed logins, with a cool-off, never a permanent lock.

Two counts, both keyed by the username as typed (lower-cased), whether or not such a user
exists, so that a lock says nothing about which accounts are real:

- per username *and* address: LOGIN_FAILURE_LIMIT failures within LOGIN_LOCKOUT lock that
  username from that address for LOGIN_LOCKOUT;
- per username from every address (password spraying from many addresses):
  LOGIN_ACCOUNT_FAILURE_LIMIT failures within LOGIN_ACCOUNT_WINDOW lock the username everywhere
  for LOGIN_ACCOUNT_LOCKOUT.

Attempts refused while locked are not counted, so a lock is never prolonged by an attacker who
keeps trying: it ends after its cool-off. An administrator lifts one sooner by deleting the
row under Accounts → Login throttles.
"""

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from iop.accounts.models import LoginThrottle

ADDRESS, ACCOUNT = LoginThrottle.Scope.ADDRESS, LoginThrottle.Scope.ACCOUNT
# The audit detail written once when the per-account count trips.
ACCOUNT_LOCKED_DETAIL = "account locked: too many failures from all addresses"


def _key(username):
    return (username or "").strip().lower()[:150]


def _rows(key, ip):
    """The address row and the account row for this username."""
    return LoginThrottle.objects.filter(
        Q(scope=ADDRESS, ip=ip) | Q(scope=ACCOUNT), username=key
    ).only("locked_until")


def locked_until(*, username, ip):
    """When the lock on this username from this address ends, or None if not locked.

    The later of the address lock and the account lock.
    """
    now = timezone.now()
    ends = [
        row.locked_until
        for row in _rows(_key(username), ip)
        if row.locked_until and row.locked_until > now
    ]
    return max(ends, default=None)


def _count_failure(*, key, scope, ip, limit, window, lockout, now):
    """Add one failure to a row; returns True when this failure started a lock."""
    for _attempt in range(2):
        try:
            with transaction.atomic():
                row = (
                    LoginThrottle.objects.select_for_update()
                    .filter(username=key, scope=scope, ip=ip)
                    .first()
                )
                if row is None:
                    row = LoginThrottle(username=key, scope=scope, ip=ip, first_failure_at=now)
                window_over = now - row.first_failure_at > window
                lock_over = row.locked_until is not None and row.locked_until <= now
                if window_over or lock_over:
                    row.failures, row.first_failure_at, row.locked_until = 0, now, None
                row.failures += 1
                row.last_failure_at = now
                tripped = row.locked_until is None and row.failures >= limit
                if tripped:
                    row.locked_until = now + lockout
                row.save()
                return tripped
        except IntegrityError:
            # Two failures for a new key at once: the other created the row; count again.
            continue
    return False


def login_failure_record(*, username, ip):
    """Count a failed login against the username from this address and from everywhere.

    Failures older than a count's window no longer count, so an occasional typo over a week
    never adds up to a lock. Returns True when this failure locked the account from every
    address (the caller audits that once).
    """
    now = timezone.now()
    key = _key(username)
    _count_failure(
        key=key,
        scope=ADDRESS,
        ip=ip,
        limit=settings.LOGIN_FAILURE_LIMIT,
        window=settings.LOGIN_LOCKOUT,
        lockout=settings.LOGIN_LOCKOUT,
        now=now,
    )
    return _count_failure(
        key=key,
        scope=ACCOUNT,
        ip=None,
        limit=settings.LOGIN_ACCOUNT_FAILURE_LIMIT,
        window=settings.LOGIN_ACCOUNT_WINDOW,
        lockout=settings.LOGIN_ACCOUNT_LOCKOUT,
        now=now,
    )


def login_success_record(*, username, ip):
    """A success clears the count from this address. The account count runs out with its
    window: a success in between would otherwise hand a sprayer a fresh allowance."""
    LoginThrottle.objects.filter(username=_key(username), scope=ADDRESS, ip=ip).delete()
