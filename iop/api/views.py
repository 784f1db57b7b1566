from django.contrib.auth import authenticate
from drf_spectacular.utils import extend_schema, inline_serializer
from knox.auth import TokenAuthentication
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from iop.accounts import services
from iop.accounts.mfa.services import second_factor_error
from iop.accounts.roles import Role
from iop.api import strict
from iop.api.throttling import ScopedRateThrottle
from iop.audit.context import AuditContext


class TokenRequestSerializer(strict.Serializer):
    username = serializers.CharField()
    password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False)
    otp = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=32,
        help_text="Users with two-step verification: a code from the authenticator app, or a "
        "recovery code.",
    )

    def validate(self, attrs):
        # Goes through the same backend as the login page: lockout and audit included.
        user = authenticate(
            request=self.context["request"], username=attrs["username"], password=attrs["password"]
        )
        if user is None:
            raise serializers.ValidationError(
                "Unable to sign in with these credentials (or sign-in is paused after repeated "
                "failures).",
                code="authorization",
            )
        otp_error = second_factor_error(user, attrs.get("otp", ""), request=self.context["request"])
        if otp_error:
            raise serializers.ValidationError({"otp": otp_error})
        attrs["user"] = user
        return attrs


class TokenView(APIView):
    """Exchange a username and password for an API token (POST), or revoke the token the
    call is made with (DELETE). Tokens expire after API_TOKEN_TTL_HOURS and are stored as
    digests: the token is in this response only."""

    throttle_scope = "auth-token"
    throttle_classes = [ScopedRateThrottle]

    def get_authenticators(self):
        # Asking for a token needs no credentials (a stale token header must not stop it);
        # revoking one is done with that token.
        if getattr(self.request, "method", None) == "DELETE":
            return [TokenAuthentication()]
        return []

    def get_permissions(self):
        if getattr(self.request, "method", None) == "DELETE":
            return [IsAuthenticated()]
        return [AllowAny()]

    @extend_schema(
        request=TokenRequestSerializer,
        responses={
            200: inline_serializer(
                "TokenResponse",
                {"token": serializers.CharField(), "expiry": serializers.DateTimeField()},
            )
        },
        auth=[],
    )
    def post(self, request):
        serializer = TokenRequestSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        instance, token = services.api_token_issue(
            user=serializer.validated_data["user"], context=AuditContext.from_request(request)
        )
        expiry = serializers.DateTimeField().to_representation(instance.expiry)
        return Response({"token": token, "expiry": expiry}, status=status.HTTP_200_OK)

    @extend_schema(request=None, responses={204: None})
    def delete(self, request):
        services.api_token_revoke(
            token=request.auth, user=request.user, context=AuditContext.from_request(request)
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeSerializer(strict.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    display_name = serializers.CharField()
    roles = serializers.ListField(child=serializers.CharField())
    is_trainee = serializers.BooleanField()


class MeView(APIView):
    """The signed-in user and their roles."""

    allowed_roles = Role.ALL

    @extend_schema(responses=MeSerializer)
    def get(self, request):
        user = request.user
        data = {
            "id": user.pk,
            "username": user.username,
            "display_name": user.display_name,
            "roles": sorted(user.roles),
            "is_trainee": user.is_trainee,
        }
        return Response(MeSerializer(data).data)
