"""Text of notifications and emails, rendered when shown or sent, in the reader's language."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from notifications.kinds import get_kind
from notifications.models import Notification, OutgoingEmail


def notification_text(notification: Notification) -> str:
    """The sentence of ``notification`` in the active language; withheld when the reader may no
    longer open its object (``selectors.notifications_mark_visibility``)."""
    if getattr(notification, "subject_visible", True) is False:
        return _("You no longer have access to what this notification was about.")
    kind = get_kind(notification.kind)
    if kind is None:
        # A kind whose app was removed: say something rather than fail the whole inbox.
        return _("Something changed.")
    text = str(kind.text(notification.params))
    excerpt = kind.excerpt(notification) if kind.excerpt else ""
    return f"{text} “{excerpt}”" if excerpt else text


def notification_label(notification: Notification) -> str:
    kind = get_kind(notification.kind)
    return str(kind.label) if kind else notification.kind


def notification_url(notification: Notification) -> str:
    """The page of the notification's object (the object itself still applies its own access
    check when opened: a link is no access)."""
    kind = get_kind(notification.kind)
    if kind is None or getattr(notification, "subject_visible", True) is False:
        return ""
    return kind.url(notification)


def absolute(url: str) -> str:
    return f"{settings.PASSERELLE_BASE_URL.rstrip('/')}{url}" if url.startswith("/") else url


def render_email(email: OutgoingEmail, notifications: list[Notification]) -> EmailMultiAlternatives | None:
    """The message for one outbox row, in its recipient's language (HTML and text); ``None``
    when a digest has nothing left to say."""
    if email.template:
        return _render_template_email(email)
    if not notifications:
        return None
    recipient = email.recipient
    language = recipient.preferred_language or settings.LANGUAGE_CODE
    with translation.override(language):
        items = [
            {
                "label": notification_label(notification),
                "text": notification_text(notification),
                "url": absolute(notification_url(notification)),
                "created_at": notification.created_at,
            }
            for notification in notifications
        ]
        context = {
            "language": translation.get_language(),
            "recipient": recipient,
            "items": items,
            "digest_day": email.digest_day,
            "inbox_url": absolute("/notifications/"),
            "preferences_url": absolute("/notifications/preferences/"),
        }
        if email.digest_day is not None:
            subject = _("Passerelle: your notifications of the day (%(count)s)") % {"count": len(items)}
            template = "notifications/email/digest"
        else:
            subject = _("Passerelle: %(label)s") % {"label": items[0]["label"]}
            template = "notifications/email/notification"
        text_body = render_to_string(f"{template}.txt", context)
        html_body = render_to_string(f"{template}.html", context)
    return _message(email, subject, text_body, html_body, to=recipient.email, language=language)


def _render_template_email(email: OutgoingEmail) -> EmailMultiAlternatives:
    """A message from the row's template (``<template>_subject.txt``, ``.txt``, ``.html``), with
    its ``params``, in the language chosen when it was queued."""
    language = email.language or settings.LANGUAGE_CODE
    with translation.override(language):
        context = {**email.params, "language": translation.get_language()}
        subject = " ".join(render_to_string(f"{email.template}_subject.txt", context).split())
        text_body = render_to_string(f"{email.template}.txt", context)
        html_body = render_to_string(f"{email.template}.html", context)
    return _message(email, subject, text_body, html_body, to=email.address, language=language)


def _message(email: OutgoingEmail, subject: str, text_body: str, html_body: str, *, to: str, language: str):
    """The Message-ID is derived from the row, so that in the rare case a send is repeated after
    a crash (docs/notifications.md) the receiving side sees the same message twice, not two."""
    domain = settings.PASSERELLE_BASE_URL.split("://")[-1].split("/")[0].split(":")[0] or "localhost"
    message = EmailMultiAlternatives(
        subject=subject,
        body=text_body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
        headers={"Message-ID": f"<outbox-{email.pk}@{domain}>", "Content-Language": language},
    )
    message.attach_alternative(html_body, "text/html")
    return message
