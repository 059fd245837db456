"""The city liaison's part of the today page (registered by ``ReportsConfig.ready``): today's
counters (``selectors.now_figures``) and the month at a glance, the reports' headline figures of
the month in progress (``selectors.month_at_a_glance``) and its unmet housing requests, all through
the reports' suppression, so the page shows no count of 1 to 4 that the reports would not."""

from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from organisations.choices import Role
from organisations.today import TodayItem, TodaySection
from reports import selectors

# Figures with nothing behind them: zero, or a share of no one.
NOTHING = {"0", "—"}


def today_sections(context) -> list[TodaySection]:
    if Role.LIAISON not in context.roles:
        return []
    viewer = selectors.viewer(user=context.user)
    if viewer is None:
        return []
    figures = selectors.now_figures(suppressed=not viewer.unsuppressed)
    dashboard = reverse("reports:dashboard")
    glance = selectors.month_at_a_glance(user=context.user)
    month = glance["period"]
    month_report = f"{dashboard}?{urlencode(month.query())}"

    def item(label, key, url=dashboard):
        cell = figures[key]
        return TodayItem(label, url, cell["display"], cell["display"] in NOTHING)

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
            title=_("%(month)s at a glance") % {"month": month.label},
            items=[
                *(
                    TodayItem(figure["title"], month_report, figure["display"], figure["display"] in NOTHING)
                    for figure in glance["headline"]
                ),
                item(_("Unmet housing requests this month"), "unmet_requests_this_month", month_report),
            ],
            links=[(month_report, _("Reports"))],
        ),
    ]
