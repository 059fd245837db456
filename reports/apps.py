from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Reports")

    def ready(self):
        from organisations.navigation import register_links
        from organisations.today import register_section
        from plumbing import streams
        from reports import services, today, views  # noqa: F401 - services registers the rollup and live jobs
        from reports.streams import LiveCountersStream

        streams.register(LiveCountersStream())
        register_links(views.navigation_links)
        register_section(today.today_sections, order=50)
