"""The billing API: payers (admins keep the list; everyone with a role here reads it),
coverage and authorizations, with the rules of the chart's Billing tab (the services'). Billers
read every patient's; clinicians their care teams'; intake coordinators and directors all;
admins only payers."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.response import Response

from billing import services
from billing.api import serializers as s
from billing.burndown import burndowns
from billing.models import Authorization, Coverage, Payer
from iop.accounts.roles import Role
from iop.api.viewsets import IOPViewSet

READERS = (Role.BILLER, Role.INTAKE, *Role.CLINICAL)


class PayerViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    IOPViewSet,
):
    """The payers. `?active=true|false`. Admins add and change them."""

    serializer_class = s.PayerSerializer
    queryset = Payer.objects.order_by("name", "pk")
    allowed_roles = (Role.ADMIN, *READERS)
    action_roles = {"create": (Role.ADMIN,), "partial_update": (Role.ADMIN,)}
    filterset_fields = ["kind", "active"]

    def create(self, request, *args, **kwargs):
        payload = self.get_serializer(data=request.data)
        payload.is_valid(raise_exception=True)
        payer = services.payer_save(
            payer=Payer(**payload.validated_data), user=request.user, context=self.audit_context
        )
        return self.respond(s.PayerSerializer, payer, status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        payer = self.get_object()
        payload = self.get_serializer(payer, data=request.data, partial=True)
        payload.is_valid(raise_exception=True)
        for name, value in payload.validated_data.items():
            setattr(payer, name, value)
        payer = services.payer_save(payer=payer, user=request.user, context=self.audit_context)
        return self.respond(s.PayerSerializer, payer)


class CoverageViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    IOPViewSet,
):
    """Coverage per episode. `?episode=<id>`, `?priority=primary|secondary`."""

    serializer_class = s.CoverageSerializer
    allowed_roles = READERS
    part2_paths = ("episode__patient",)
    filterset_fields = ["episode", "priority", "self_pay"]

    def get_queryset(self):
        return (
            Coverage.objects.for_user(self.request.user)
            .select_related("payer", "episode")
            .order_by("episode_id", "priority", "-effective_from", "pk")
        )

    def create(self, request, *args, **kwargs):
        payload = self.get_serializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        coverage = services.coverage_create(
            episode=data.pop("episode"), data=data, user=request.user, context=self.audit_context
        )
        return self.respond(s.CoverageSerializer, coverage, status.HTTP_201_CREATED)

    @extend_schema(request=s.CoverageUpdateSerializer, responses=s.CoverageSerializer)
    def partial_update(self, request, *args, **kwargs):
        coverage = self.get_object()
        payload = s.CoverageUpdateSerializer(
            coverage, data=request.data, partial=True, context=self.get_serializer_context()
        )
        payload.is_valid(raise_exception=True)
        coverage = services.coverage_update(
            coverage=coverage,
            data=dict(payload.validated_data),
            user=request.user,
            context=self.audit_context,
        )
        return self.respond(s.CoverageSerializer, coverage)


class AuthorizationViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    IOPViewSet,
):
    """Authorizations with their burn-down. `?episode=<id>`, `?status=approved|...`."""

    serializer_class = s.AuthorizationSerializer
    allowed_roles = READERS
    part2_paths = ("episode__patient",)
    filterset_fields = ["episode", "status", "unit"]

    def get_queryset(self):
        return (
            Authorization.objects.for_user(self.request.user)
            .select_related("episode__program", "coverage__payer")
            .order_by("episode_id", "-first_date", "-pk")
        )

    def get_serializer(self, *args, **kwargs):
        rows = args[0] if args else None
        if rows is not None:
            rows = rows if isinstance(rows, list | tuple) else [rows]
            approved = [a for a in rows if a.status == Authorization.Status.APPROVED]
            kwargs.setdefault("context", self.get_serializer_context())
            kwargs["context"]["burndowns"] = burndowns(approved)
        return super().get_serializer(*args, **kwargs)

    def present(self, authorization, status_code=status.HTTP_200_OK):
        authorization = self.get_queryset().get(pk=authorization.pk)
        context = {**self.get_serializer_context(), "burndowns": burndowns([authorization])}
        data = s.AuthorizationSerializer(authorization, context=context).data
        return Response(data, status=status_code)

    def create(self, request, *args, **kwargs):
        payload = self.get_serializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        authorization = services.authorization_create(
            episode=data.pop("episode"), data=data, user=request.user, context=self.audit_context
        )
        return self.present(authorization, status.HTTP_201_CREATED)

    @extend_schema(request=s.AuthorizationUpdateSerializer, responses=s.AuthorizationSerializer)
    def partial_update(self, request, *args, **kwargs):
        authorization = self.get_object()
        payload = s.AuthorizationUpdateSerializer(
            authorization, data=request.data, partial=True, context=self.get_serializer_context()
        )
        payload.is_valid(raise_exception=True)
        authorization = services.authorization_update(
            authorization=authorization,
            data=dict(payload.validated_data),
            user=request.user,
            context=self.audit_context,
        )
        return self.present(authorization)
