"""API rate limits keyed by the client address that `iop.accounts.net.client_ip` decides.

DRF's own `get_ident` trusts any X-Forwarded-For when NUM_PROXIES is unset, so a client could
give itself a fresh identity per request. Every throttle the API uses comes from here.
"""

from rest_framework import throttling

from iop.accounts.net import client_ip


class ClientAddressMixin:
    def get_ident(self, request):
        # Requests with no usable address share one bucket rather than escaping the limit.
        return client_ip(request) or "unknown"


class AnonRateThrottle(ClientAddressMixin, throttling.AnonRateThrottle):
    pass


class UserRateThrottle(ClientAddressMixin, throttling.UserRateThrottle):
    pass


class ScopedRateThrottle(ClientAddressMixin, throttling.ScopedRateThrottle):
    pass
