from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RetentionConfig(AppConfig):
    name = "retention"
    verbose_name = _("Retention")

    def ready(self):
        from organisations.navigation import register_links
        from organisations.permissions import ObjectPermission, register_policy
        from retention import models, services, views  # noqa: F401 - services registers the retention job

        # What the retention job did and which files are held: the privacy officer's to read.
        register_policy(models.LegalHold, view=ObjectPermission("view_audit", "organisation"))
        register_policy(models.RetentionRecord, view=ObjectPermission("view_audit", "organisation"))
        register_links(views.navigation_links)
