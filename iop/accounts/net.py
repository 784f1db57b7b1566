"""The client's address: the one function that decides it, for lockout, API throttles and audit.

The socket's address (REMOTE_ADDR) is the client's unless TRUSTED_PROXY_COUNT says that many
proxies of ours stand in front of the app; then the address our outermost proxy appended to
X-Forwarded-For is. Anything a client could have written itself is never trusted, and a value
that is not a plain IP address (garbage, a port, an IPv6 zone, too many entries, too long) is
ignored: the socket's address is used instead, so a forged header can neither pick the address
that is recorded nor break a page.
"""

import ipaddress

from django.conf import settings

# Far more than any chain of our own proxies writes; a longer header is not ours to parse.
MAX_FORWARDED_LENGTH = 1024
MAX_FORWARDED_ENTRIES = 20


def valid_ip(value):
    """`value` as a normalised IP address string, or None if it is not one.

    Only a bare IPv4 or IPv6 address is accepted: no port, no brackets, no IPv6 zone
    (`fe80::1%eth0`), no surrounding text.
    """
    if not isinstance(value, str) or not value or len(value) > 45:
        return None
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return None
    if getattr(address, "scope_id", None):
        return None
    return str(address)


def _forwarded_client(header, count):
    """The address `count` trusted proxies vouch for in X-Forwarded-For, or None."""
    if not header or len(header) > MAX_FORWARDED_LENGTH:
        return None
    entries = [part.strip() for part in header.split(",")]
    if len(entries) > MAX_FORWARDED_ENTRIES or len(entries) < count:
        return None
    # The last `count` entries were appended by our proxies; each must be an address.
    ours = [valid_ip(entry) for entry in entries[-count:]]
    if None in ours:
        return None
    return ours[0]


def client_ip(request):
    """The client's address as a valid IP string, or None when there is none to be had."""
    if request is None:
        return None
    meta = request.META
    count = settings.TRUSTED_PROXY_COUNT
    if count:
        forwarded = _forwarded_client(meta.get("HTTP_X_FORWARDED_FOR"), count)
        if forwarded:
            return forwarded
    return valid_ip(meta.get("REMOTE_ADDR"))
