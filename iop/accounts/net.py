from django.conf import settings


def client_ip(request):
    """The client's address: the socket's, or the one our own proxies put in X-Forwarded-For."""
    if request is None:
        return None
    count = settings.TRUSTED_PROXY_COUNT
    if count:
        forwarded = [p.strip() for p in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [p for p in forwarded if p]
        if len(forwarded) >= count:
            return forwarded[-count]
    return request.META.get("REMOTE_ADDR") or None
