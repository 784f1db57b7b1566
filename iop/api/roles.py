"""The roles the API serves: those some registered viewset opens to (its `allowed_roles`).

The token and `me/` endpoints answer every signed-in user but serve no records, so they do not
count. Read once from the router, so a new viewset or role is reflected without a list here.
"""

from functools import cache


@cache
def api_roles():
    from iop.api.urls import router  # the router imports every app's viewsets: load it late

    return frozenset(role for _, viewset, _ in router.registry for role in viewset.allowed_roles)
