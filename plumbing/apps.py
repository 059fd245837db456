from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlumbingConfig(AppConfig):
    """The ground floor (see the package's docstring); it registers nothing of its own."""

    name = "plumbing"
    verbose_name = _("Live updates and background jobs")
