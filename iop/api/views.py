from django.contrib.auth import authenticate
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.authtoken.models import Token
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from iop.accounts.mfa.services import second_factor_error
from iop.accounts.roles import Role
from iop.api.throttling import ScopedRateThrottle


class TokenRequestSerializer(serializers.Serializer):
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
    """Exchange a username and password for an API token."""

    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_scope = "auth-token"
    throttle_classes = [ScopedRateThrottle]

    @extend_schema(
        request=TokenRequestSerializer,
        responses={200: inline_serializer("TokenResponse", {"token": serializers.CharField()})},
        auth=[],
    )
    def post(self, request):
        serializer = TokenRequestSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        token, _ = Token.objects.get_or_create(user=serializer.validated_data["user"])
        return Response({"token": token.key}, status=status.HTTP_200_OK)


class MeSerializer(serializers.Serializer):
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
