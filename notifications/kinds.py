"""The registry of notification kinds.

Domain apps register their kinds (``referrals.notifications``, ``housing.notifications``…), so
this app imports none of them. A kind knows how to say itself in the current language from the
codes and names stored on the notification, where its object lives, which delivery it has by
default, and whether a user may switch it off.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db import models
from django.utils.functional import Promise

from notifications.models import Delivery


@dataclass(frozen=True)
class NotificationKind:
    """One kind of notification.

    ``text(params)`` returns the sentence in the active language (call it inside
    ``translation.override``); ``url(notification)`` the page of its object, or ``""``.
    ``locked`` kinds cannot be switched off (escalations to coordinators): "off" counts as
    "in the app only" for them. ``excerpt(notification)``, when given, quotes what the
    notification is about (a message's text) as its app allows the notification's organisation
    to read it now, at display or sending time, never as it was when the notification was made.
    """

    code: str
    label: str | Promise
    model: type[models.Model]
    text: Callable[[dict], str]
    url: Callable[[object], str]
    default: str = Delivery.IN_APP
    locked: bool = False
    excerpt: Callable[[object], str] | None = None

    def delivery_choices(self) -> list[tuple[str, str]]:
        return [(value, label) for value, label in Delivery.choices if not (self.locked and value == Delivery.OFF)]


_KINDS: dict[str, NotificationKind] = {}


def register_kind(kind: NotificationKind) -> NotificationKind:
    """Add a kind (idempotent for the same code)."""
    _KINDS[kind.code] = kind
    return kind


def get_kind(code: str) -> NotificationKind | None:
    return _KINDS.get(code)


def registered_kinds() -> list[NotificationKind]:
    return list(_KINDS.values())


def choice_label(choices, code) -> str:
    """The translated label of a code stored in a notification's params, or the code itself if it
    is no longer one of ``choices`` (a notification outlives a renamed choice)."""
    try:
        return str(choices(code).label)
    except ValueError:
        return code or ""
