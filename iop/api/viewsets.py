"""The one base for every API viewset: roles, audited reads, patient scoping, audit context.

`allowed_roles` opens a viewset to roles (deny by default, `HasRequiredRole`); `action_roles`
narrows single actions before the body is read. `patient_path` scopes the QuerySet to the
patients the caller may open (`Patient.objects.for_user`), so an object of a patient off the
caller's care team is a 404. Nothing is PUT. A list records on the audit trail one event per
patient on the page it answers (`shown_patient_ids`), in one statement.
"""

from django.core.exceptions import PermissionDenied
from rest_framework import status, viewsets
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

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        roles = self.action_roles.get(self.action)
        if roles and not request.user.has_role(*roles):
            raise PermissionDenied("Your role does not allow this.")

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.patient_path is None:
            return queryset
        readable = Patient.objects.for_user(self.request.user).values("pk")
        return queryset.filter(**{f"{self.patient_path}__in": readable})

    def shown_patient_ids(self, objects, rows):
        """The patients on a list's page: each object's `audit_patient_id`, or, for objects
        that hold no patient of their own (a plan's problems, goals...), one query through
        `patient_path` for the whole page."""
        if not objects or hasattr(type(objects[0]), "audit_patient_id") or not self.patient_path:
            return super().shown_patient_ids(objects, rows)
        pks = [obj.pk for obj in objects]
        model = type(objects[0])
        return list(
            model._base_manager.filter(pk__in=pks).values_list(self.patient_path, flat=True)
        )

    def respond(self, serializer_class, obj, status_code=status.HTTP_200_OK):
        context = self.get_serializer_context()
        return Response(serializer_class(obj, context=context).data, status=status_code)
