"""Models of the accounts app: the API token. Second factors are django-otp's devices (TOTP and
static recovery codes); login attempts are django-axes' rows."""

from django.db import models
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
