"""The notification inbox API: the user's own notifications (anyone else's is a 404), marking
them read, and delivery preferences. Writes are calls to ``notifications.services``."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from notifications import selectors, services
from notifications.api.serializers import (
    MarkAllReadResultSerializer,
    MarkAllReadSerializer,
    NotificationSerializer,
    PreferenceSerializer,
    PreferencesUpdateSerializer,
)
from notifications.kinds import registered_kinds
from organisations.api.pagination import IdCursorPagination
from organisations.permissions import RestrictedObjectPermission

UNREAD = OpenApiParameter("unread", OpenApiTypes.BOOL, description="`true`: unread only; `false`: read only.")
KIND = OpenApiParameter("kind", OpenApiTypes.STR, description="Only this kind (see `kind` in the rows).")


class NotificationPagination(IdCursorPagination):
    """Keyset pages on the id, newest first."""

    page_size = 30


def preference_rows(user) -> list[dict]:
    rows = []
    for kind in registered_kinds():
        rows.append(
            {
                "kind": kind.code,
                "label": str(kind.label),
                "delivery": services.delivery_for(user, kind.code),
                "locked": kind.locked,
                "choices": [value for value, _label in kind.delivery_choices()],
            }
        )
    return rows


@extend_schema_view(
    list=extend_schema(parameters=[UNREAD, KIND], description="Your notifications, newest first."),
    retrieve=extend_schema(description="One of your notifications."),
)
class NotificationViewSet(viewsets.ReadOnlyModelViewSet):
    """Your notifications, worded in your language."""

    permission_classes = [RestrictedObjectPermission]
    serializer_class = NotificationSerializer
    pagination_class = NotificationPagination
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        unread = self.request.query_params.get("unread")
        if unread not in (None, "", "true", "false"):
            raise exceptions.ValidationError({"unread": ["true / false"]})
        return selectors.notification_list(
            user=self.request.user,
            unread=None if not unread else unread == "true",
            kind=self.request.query_params.get("kind") or None,
        )

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        selectors.notifications_mark_visibility(user=request.user, notifications=page)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request, *args, **kwargs):
        notification = self.get_object()
        selectors.notifications_mark_visibility(user=request.user, notifications=[notification])
        return Response(self.get_serializer(notification).data)

    @extend_schema(request=None, responses=NotificationSerializer, description="Mark one notification read.")
    @action(detail=True, methods=["post"], url_path="read", url_name="read")
    def read(self, request, pk=None):
        notification = selectors.notification_get(user=request.user, notification_id=int(pk))
        notification = services.notification_mark_read(user=request.user, notification=notification)
        selectors.notifications_mark_visibility(user=request.user, notifications=[notification])
        return Response(NotificationSerializer(notification).data)

    @extend_schema(
        request=MarkAllReadSerializer,
        responses=MarkAllReadResultSerializer,
        description="Mark all your unread notifications read (or those of one kind).",
    )
    @action(detail=False, methods=["post"], url_path="read-all", url_name="read-all")
    def read_all(self, request):
        serializer = MarkAllReadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        marked = services.notification_mark_all_read(user=request.user, kind=serializer.validated_data.get("kind"))
        return Response({"marked": marked, "unread_count": services.unread_count(request.user)})

    @extend_schema(
        methods=["GET"],
        request=None,
        responses=PreferenceSerializer(many=True),
        description="How you receive each kind.",
    )
    @extend_schema(
        methods=["PUT"],
        request=PreferencesUpdateSerializer,
        responses=PreferenceSerializer(many=True),
        description="Set how you receive some kinds (`in_app`, `email`, `digest`, `off`; locked kinds cannot be off).",
    )
    @action(detail=False, methods=["get", "put"], url_path="preferences", url_name="preferences")
    def preferences(self, request):
        if request.method == "PUT":
            serializer = PreferencesUpdateSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            services.preferences_update(user=request.user, deliveries=serializer.validated_data["deliveries"])
        return Response(PreferenceSerializer(preference_rows(request.user), many=True).data)
