"""Reads of the notification inbox: a user reads their own notifications only."""

from collections import defaultdict

from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet

from notifications.models import Notification
from organisations.errors import NotFoundError
from organisations.permissions import Action, restrict_queryset


def notification_list(*, user, unread: bool | None = None, kind: str | None = None) -> QuerySet[Notification]:
    """The user's notifications, newest first, optionally only unread ones or one kind."""
    notifications = Notification.objects.restrict(user, "view").select_related("organisation")
    if unread is True:
        notifications = notifications.filter(read_at__isnull=True)
    elif unread is False:
        notifications = notifications.filter(read_at__isnull=False)
    if kind:
        notifications = notifications.filter(kind=kind)
    return notifications.order_by("-id")


def notification_get(*, user, notification_id: int) -> Notification:
    """One of the user's notifications; anyone else's is not found."""
    notification = Notification.objects.restrict(user, "view").filter(pk=notification_id).first()
    if notification is None:
        raise NotFoundError()
    return notification


def notifications_mark_visibility(*, user, notifications: list[Notification]) -> list[Notification]:
    """Flag the notifications whose object ``user`` may no longer open (a membership or a
    partnership ended since): their text and link are then withheld. One query per kind of object
    on the page, through the access policy."""
    ids_by_type = defaultdict(set)
    for notification in notifications:
        ids_by_type[notification.content_type_id].add(notification.object_id)
    visible = set()
    for content_type_id, ids in ids_by_type.items():
        model = ContentType.objects.get_for_id(content_type_id).model_class()
        if model is None:
            continue
        allowed = restrict_queryset(model._default_manager.filter(pk__in=ids), user, Action.VIEW)
        visible |= {(content_type_id, pk) for pk in allowed.values_list("pk", flat=True)}
    for notification in notifications:
        notification.subject_visible = (notification.content_type_id, notification.object_id) in visible
    return notifications
