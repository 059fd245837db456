"""The city liaison's part of the today page (registered by ``ReportsConfig.ready``): today's
counters and the month so far, through the reports' suppression (``selectors.now_figures``), so
the page shows no count of 1 to 4 that the dashboard would not."""

from django.urls import reverse
from django.utils.translation import gettext as _

from organisations.choices import Role
from organisations.today import TodayItem, TodaySection
from reports import selectors


def today_sections(context) -> list[TodaySection]:
    if Role.LIAISON not in context.roles:
        return []
    viewer = selectors.viewer(user=context.user)
    if viewer is None:
        return []
    figures = selectors.now_figures(suppressed=not viewer.unsuppressed)
    dashboard = reverse("reports:dashboard")

    def item(label, key):
        cell = figures[key]
        return TodayItem(label, dashboard, cell["display"], cell["display"] == "0")

    return [
        TodaySection(
            title=_("Today across the hubs"),
            items=[
                item(_("Interventions today"), "interventions_today"),
                item(_("Unmet housing requests today"), "unmet_requests_today"),
                item(_("Beds free now"), "beds_free"),
                item(_("Beds held now"), "active_holds"),
            ],
        ),
        TodaySection(
            title=_("This month"),
            items=[item(_("Unmet housing requests this month"), "unmet_requests_this_month")],
            links=[(dashboard, _("Reports"))],
        ),
    ]
