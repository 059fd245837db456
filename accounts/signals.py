"""Where the accounts app hears of logins, logouts, password changes and deactivations, wherever
they happen (login page, admin site, reset link, ``changepassword``, the shell). The receivers
only hand over to ``accounts.sessions`` and ``accounts.services``."""

from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.db.models.signals import post_save
from django.dispatch import receiver

from accounts import services
from accounts.sessions import session_start
from organisations.models import User


@receiver(user_logged_in, dispatch_uid="accounts.session_start")
def start_session(sender, request, user, **kwargs):
    session_start(request.session)


@receiver(user_logged_out, dispatch_uid="accounts.session_logged_out")
def close_session_sockets(sender, request, user, **kwargs):
    # Sent before the session is flushed: its key still names the sockets to close.
    if user is not None and request.session.session_key:
        services.session_logged_out(user=user, session_key=request.session.session_key)


@receiver(post_save, sender=User, dispatch_uid="accounts.user_saved")
def end_credentials_after_password_change_or_deactivation(sender, instance, created, update_fields, **kwargs):
    if created:
        return
    # ``set_password`` keeps the new raw password on the instance until its save has finished,
    # whichever code called it.
    if instance._password is not None:
        services.user_password_changed(user=instance)
    if not instance.is_active and (update_fields is None or "is_active" in update_fields):
        services.user_deactivated(user=instance)
