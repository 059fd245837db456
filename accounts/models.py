"""Models of the accounts app: the API token and the record of password-reset requests. Second
factors are django-otp's devices (TOTP and static recovery codes); login attempts are
django-axes' rows."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from knox.models import AbstractAuthToken


class ApiToken(AbstractAuthToken):
    """A personal API token (django-rest-knox): only a hash of it is stored, and its first
    characters (``token_key``) to find it. It is shown once, when made, from a session that passed
    the second factor; it ends at its expiry, when revoked, and when its owner's password changes,
    second factor is reset or account is deactivated (docs/security.md)."""

    name = models.CharField(_("name"), max_length=100)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"{self.name} ({self.token_key})"


class PasswordResetRequest(models.Model):
    """One request for a password-reset email, kept for the limits per address and per client
    (``accounts.services.password_reset_allowed``) and deleted once past their window.

    The address typed is kept only as a keyed hash (it may be anyone's address, with or without
    an account here); the client's address as the audit log takes it."""

    email_digest = models.CharField(_("fingerprint of the email address"), max_length=64)
    client_address = models.GenericIPAddressField(_("client address"), null=True, blank=True)
    at = models.DateTimeField(_("time"), default=timezone.now)

    class Meta:
        verbose_name = _("password-reset request")
        verbose_name_plural = _("password-reset requests")
        indexes = [
            models.Index(fields=["email_digest", "at"], name="password_reset_email_idx"),
            models.Index(fields=["client_address", "at"], name="password_reset_client_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.client_address} {self.at:%Y-%m-%d %H:%M}"
