"""The bell in the header: the unread count at page load (the inbox stream keeps it live)."""

from django import template

from notifications.services import unread_count

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_notifications(context) -> int:
    user = context.get("user")
    return unread_count(user) if user is not None and user.is_authenticated else 0
