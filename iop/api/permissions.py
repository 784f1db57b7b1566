from rest_framework.permissions import BasePermission


class HasRequiredRole(BasePermission):
    """Deny by default: a view is open only to the roles it names in `allowed_roles`.

    A view that names none is closed to everyone, so a forgotten declaration fails safe.
    Object rules (care team, Part 2) come on top, from each view's `for_user` QuerySet.
    """

    message = "Your role does not give access to this."

    def has_permission(self, request, view):
        user = request.user
        if not (user and user.is_authenticated and user.is_active):
            return False
        allowed = getattr(view, "allowed_roles", None)
        if allowed is None:
            return False
        return user.has_role(*allowed)
