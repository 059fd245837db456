"""Bar charts of the reports, drawn on the server: the dashboard and the funder page render them
as SVG (``reports/includes/chart.html``), the PDF draws the same geometry (``reports.pdf``).

A chart is built only from figures as the viewer may see them (``value`` and ``display`` of the
selectors): a suppressed cell has ``value`` None, so it gets no bar, only its text ("<5" or "x")
at the foot of its slot; its count is never read here. No script and no outside library: the
charts print, work without JavaScript and pass the Content-Security-Policy (sizes are SVG
attributes, not styles).
"""

from math import ceil

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

# The drawing box (SVG user units); the SVG scales to the width of its container.
WIDTH = 600
HEIGHT = 220
# Room kept above the bars (values), below them (labels) and on the left.
TOP = 18
BOTTOM = 30
LEFT = 6
# Above this many bars the values are in the table only (they would overlap).
MAX_VALUE_TEXTS = 31
# At most this many labels under the bars.
MAX_LABELS = 13


def bar_chart(*, key: str, title: str, description: str, points: list[dict]) -> dict:
    """A chart of one bar per point. ``points``: dicts with ``label``, ``value`` (None when the
    figure is hidden) and ``display``. Returns the geometry of every bar and text."""
    count = len(points)
    largest = max((point["value"] or 0 for point in points), default=0)
    slot = (WIDTH - LEFT) / count if count else 0
    gap = min(slot * 0.2, 6)
    baseline = HEIGHT - BOTTOM
    label_every = max(1, ceil(count / MAX_LABELS))
    bars = []
    for index, point in enumerate(points):
        value = point["value"]
        height = (baseline - TOP) * value / largest if largest and value else 0
        x = LEFT + index * slot
        hidden = value is None
        bars.append(
            {
                "label": point["label"],
                "short_label": point.get("short_label", point["label"]),
                "display": point["display"],
                "hidden": hidden,
                "x": round(x + gap / 2, 2),
                "width": round(max(slot - gap, 0.5), 2),
                "y": round(baseline - height, 2),
                "height": round(height, 2),
                "center": round(x + slot / 2, 2),
                # A hidden figure's text sits on the baseline, where its bar would start.
                "text_y": round((baseline if hidden else baseline - height) - 4, 2),
                "show_text": hidden or count <= MAX_VALUE_TEXTS,
                "show_label": index % label_every == 0,
            }
        )
    return {
        "key": key,
        "title": title,
        "description": description,
        # Nothing to draw (every figure 0): the page says so in one line instead.
        "empty": all(point["value"] == 0 for point in points),
        "bars": bars,
        "width": WIDTH,
        "height": HEIGHT,
        "baseline": baseline,
        "label_y": baseline + 16,
    }


def hidden_note() -> str:
    return _("Counts from 1 to 4 are shown as “<5” and have no bar.")


def series_charts(series: dict) -> list[dict]:
    """Interventions, people and new people, one bar per month."""
    charts = []
    for line in series["series"]:
        points = [
            # "N": "juin" and "juil.", not two "Jui".
            {**point, "label": point["label"], "short_label": date_format(point["month"], "N")}
            for point in line["points"]
        ]
        charts.append(
            bar_chart(
                key=f"series-{line['measure']}",
                title=_("%(title)s by month") % {"title": line["title"]},
                description=_("One bar per month of %(period)s.") % {"period": series["period"]["label"]}
                + " "
                + hidden_note(),
                points=points,
            )
        )
    return charts


def section_charts(reports: list[dict], nights: dict) -> dict:
    """The charts of each section, by section name: beds occupied by night (``nights``, from
    ``selectors.occupied_by_night``), referral outcomes and response times, unmet housing requests
    by household size."""
    by_name = {report["section"]: report for report in reports}
    charts: dict[str, list] = {name: [] for name in by_name}
    referrals = by_name.get("referrals")
    if referrals:
        totals = {table["measure"]: table["total"] for table in referrals["tables"]}
        outcomes = [
            ("referrals_sent", pgettext("referrals in a chart", "Sent")),
            ("referrals_accepted", pgettext("referrals in a chart", "Accepted")),
            ("referrals_declined", pgettext("referrals in a chart", "Declined")),
            ("referrals_expired", pgettext("referrals in a chart", "Expired")),
        ]
        charts["referrals"].append(
            bar_chart(
                key="referral-outcomes",
                title=_("Referral outcomes"),
                description=_("Referrals sent in %(period)s and, of those, accepted, declined and expired.")
                % {"period": referrals["period"]["label"]}
                + " "
                + hidden_note(),
                points=[{"label": str(label), **totals[measure]} for measure, label in outcomes if measure in totals],
            )
        )
        charts["referrals"].append(
            bar_chart(
                key="referral-times",
                title=_("Response times (hours)"),
                description=_(
                    "Median hours to the first response and to acceptance, this period and the one before; "
                    "“x” marks a median resting on a hidden count."
                ),
                points=[
                    point
                    for figure in referrals["figures"]
                    for point in (
                        {
                            "label": f"{figure['title']} — {referrals['period']['label']}",
                            "short_label": referrals["period"]["label"],
                            **current(figure),
                        },
                        {
                            "label": f"{figure['title']} — {referrals['previous_period']['label']}",
                            "short_label": referrals["previous_period"]["label"],
                            **previous(figure),
                        },
                    )
                ],
            )
        )
    housing = by_name.get("housing")
    if housing:
        if nights["points"]:
            charts["housing"].append(
                bar_chart(
                    key="beds-by-night",
                    title=nights["title"],
                    description=nights["description"] + " " + hidden_note(),
                    points=nights["points"],
                )
            )
        for table in housing["tables"]:
            if table["key"] == "turn_aways.household_size":
                charts["housing"].append(
                    bar_chart(
                        key="unmet-by-household",
                        title=table["title"],
                        description=_("One bar per household size, %(period)s.")
                        % {"period": housing["period"]["label"]}
                        + " "
                        + hidden_note(),
                        points=table["rows"],
                    )
                )
    return charts


def current(figure: dict) -> dict:
    return {"value": figure["value"], "display": figure["display"]}


def previous(figure: dict) -> dict:
    return {"value": figure["previous_value"], "display": figure["previous_display"]}
