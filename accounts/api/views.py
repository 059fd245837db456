"""API of the accounts app: one's own API tokens, and the organisation admin's second-factor reset."""

from datetime import timedelta

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import selectors, services
from accounts.api.serializers import (
    ApiTokenCreatedSerializer,
    ApiTokenCreateSerializer,
    ApiTokenSerializer,
    TwoFactorResetSerializer,
)
from accounts.authentication import request_from_session, session_passed_second_factor
from organisations.errors import NotFoundError
from organisations.models import Membership
from organisations.permissions import RestrictedObjectPermission


class ApiTokenListView(APIView):
    """Your API tokens. A new one is made only from a browser session that passed two-step
    verification; its text is in this answer only, never again."""

    permission_classes = [RestrictedObjectPermission]

    @extend_schema(responses=ApiTokenSerializer(many=True))
    def get(self, request):
        return Response(ApiTokenSerializer(selectors.api_tokens(user=request.user), many=True).data)

    @extend_schema(request=ApiTokenCreateSerializer, responses={201: ApiTokenCreatedSerializer})
    def post(self, request):
        serializer = ApiTokenCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        token, text = services.api_token_create(
            user=request.user,
            name=serializer.validated_data["name"],
            lifetime=timedelta(days=serializer.validated_data["lifetime_days"]),
            from_session=request_from_session(request),
            second_factor_passed=session_passed_second_factor(request),
        )
        token.token = text
        return Response(ApiTokenCreatedSerializer(token).data, status=status.HTTP_201_CREATED)


class ApiTokenDetailView(APIView):
    """Revoke one of your tokens, named by its first characters (``token_key``)."""

    permission_classes = [RestrictedObjectPermission]

    @extend_schema(request=None, responses={204: None})
    def delete(self, request, token_key: str):
        services.api_token_revoke(user=request.user, token_key=token_key)
        return Response(status=status.HTTP_204_NO_CONTENT)


class TwoFactorResetView(APIView):
    """Reset the two-step verification of a member of an organisation you administer: their
    devices, sessions, tokens and open sockets end; they set it up again at their next login."""

    permission_classes = [RestrictedObjectPermission]

    @extend_schema(request=TwoFactorResetSerializer, responses={204: None})
    def post(self, request):
        serializer = TwoFactorResetSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        membership = Membership.objects.filter(pk=serializer.validated_data["membership"]).first()
        if membership is None:
            raise NotFoundError()
        services.two_factor_reset(actor=request.user, membership=membership)
        return Response(status=status.HTTP_204_NO_CONTENT)
