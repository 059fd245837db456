from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        # Imported for what they do on import: connect the signal receivers, register the
        # notification kind and the OpenAPI names of the authentication classes.
        from accounts import notifications, signals  # noqa: F401
        from accounts.api import schema  # noqa: F401
        from accounts.demo import ensure_demo_devices
        from organisations.demo import register_demo_loader

        register_demo_loader("two-step verification of the demo logins", ensure_demo_devices)
