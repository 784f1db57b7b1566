"""The plan libraries in the API: clinical staff read every program's entries (to fill in a
plan item, as the editor does); admins, and supervisors for the programs they supervise, add,
change and delete them. Every write is `plans.services.library`'s."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.response import Response

from iop.accounts.roles import Role
from iop.api import strict
from iop.api.viewsets import IOPViewSet
from plans import services
from plans.library import LibraryEntry

MAINTAINERS = (Role.ADMIN, *Role.SUPERVISORS)


class LibraryEntrySerializer(strict.ModelSerializer):
    label = serializers.CharField(read_only=True, help_text="As the plan editor lists it.")

    class Meta:
        model = LibraryEntry
        fields = [
            "id",
            "program",
            "kind",
            "text",
            "modality",
            "frequency",
            "is_active",
            "label",
            "updated_at",
        ]
        read_only_fields = ["updated_at"]
        # The combination's uniqueness and the intervention fields are the service's rules
        # (a 400 naming the field), not the serializer's.
        validators = []


class LibraryEntryViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, IOPViewSet
):
    """Plan library entries per program: problems, goals (wordings the clinician rewrites in
    the client's words), objectives and interventions (with modality and frequency).

    Clinicians and supervisors read them; admins (every program) and supervisors (their
    programs) add, change (PATCH) and delete them."""

    allowed_roles = (Role.ADMIN, *Role.CLINICAL)
    action_roles = {
        "create": MAINTAINERS,
        "partial_update": MAINTAINERS,
        "destroy": MAINTAINERS,
    }
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    # The model the audit trail names ("plans.libraryentry list"); rows come from get_queryset.
    queryset = LibraryEntry.objects.none()
    serializer_class = LibraryEntrySerializer
    filterset_fields = ["program", "kind", "is_active"]

    def get_queryset(self):
        return (
            LibraryEntry.objects.for_user(self.request.user)
            .select_related("program")
            .order_by("program", "kind", "text", "pk")
        )

    def perform_create(self, serializer):
        serializer.instance = services.library_entry_save(
            user=self.request.user,
            data=dict(serializer.validated_data),
            context=self.audit_context,
        )

    def partial_update(self, request, *args, **kwargs):
        entry = self.get_object()
        payload = self.get_serializer(entry, data=request.data, partial=True)
        payload.is_valid(raise_exception=True)
        entry = services.library_entry_save(
            user=request.user,
            data=dict(payload.validated_data),
            entry=entry,
            context=self.audit_context,
        )
        return Response(self.get_serializer(entry).data)

    @extend_schema(responses={204: None})
    def destroy(self, request, *args, **kwargs):
        services.library_entry_delete(
            entry=self.get_object(), user=request.user, context=self.audit_context
        )
        return Response(status=status.HTTP_204_NO_CONTENT)
