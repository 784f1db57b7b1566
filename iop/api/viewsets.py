"""The one base for every API viewset: roles, audited reads, patient scoping, audit context.

`allowed_roles` opens a viewset to roles (deny by default, `HasRequiredRole`); `action_roles`
narrows single actions before the body is read. `patient_path` scopes the QuerySet to the
patients the caller may open (`Patient.objects.for_user`), so an object of a patient off the
caller's care team is a 404. Nothing is PUT. A query parameter given twice is a 400 (none
takes a list; otherwise the last one would silently win). `conflict_actions` names the actions
whose services refuse a signed or stale record with 409 (the schema documents it there).
"""

from django.core.exceptions import PermissionDenied
from rest_framework import serializers, status, viewsets
from rest_framework.response import Response

from iop.accounts.roles import Role
from iop.audit.mixins import AuditedViewSetMixin
from patients.models import Patient


class IOPViewSet(AuditedViewSetMixin, viewsets.GenericViewSet):
    allowed_roles = Role.CLINICAL
    http_method_names = ["get", "post", "patch", "head", "options"]
    # Narrower roles for some actions, checked before the body is read: {action: roles}.
    action_roles = {}
    # The lookup from this viewset's model to its Patient; None: the viewset scopes itself.
    patient_path = None
    # Actions that may answer 409 (ConflictError from the service): documented in the schema.
    conflict_actions = ()

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        repeated = [key for key, values in request.query_params.lists() if len(values) > 1]
        if repeated:
            raise serializers.ValidationError(
                dict.fromkeys(repeated, ["Give this parameter once."])
            )
        roles = self.action_roles.get(self.action)
        if roles and not request.user.has_role(*roles):
            raise PermissionDenied("Your role does not allow this.")

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.patient_path is None:
            return queryset
        readable = Patient.objects.for_user(self.request.user).values("pk")
        return queryset.filter(**{f"{self.patient_path}__in": readable})

    def respond(self, serializer_class, obj, status_code=status.HTTP_200_OK):
        context = self.get_serializer_context()
        return Response(serializer_class(obj, context=context).data, status=status_code)
