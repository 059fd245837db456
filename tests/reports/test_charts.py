"""The charts of the reports (``reports.charts``): accessible SVG drawn on the server from the
figures as the viewer may see them, a hidden figure drawn as its text ("<5") and never as a bar,
every chart of the brief on the dashboard and the funder page, with its figures as a table."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from reports import charts, selectors, services
from reports.models import OccupancyNight
from reports.periods import this_month
from tests.auth import login

pytestmark = pytest.mark.django_db

CHART_KEYS = (
    "series-interventions",
    "series-people",
    "series-new_people",
    "beds-by-night",
    "referral-outcomes",
    "referral-times",
    "unmet-by-household",
)


def test_a_hidden_figure_has_its_text_and_no_bar():
    chart = charts.bar_chart(
        key="k",
        title="T",
        description="D",
        points=[
            {"label": "a", "value": 10, "display": "10"},
            {"label": "b", "value": None, "display": "<5"},
            {"label": "c", "value": 0, "display": "0"},
        ],
    )
    tall, hidden, zero = chart["bars"]
    assert tall["height"] == chart["baseline"] - charts.TOP and tall["y"] == charts.TOP
    assert hidden["hidden"] and hidden["height"] == 0 and hidden["display"] == "<5" and hidden["show_text"]
    assert zero["height"] == 0 and not zero["hidden"]


def test_a_long_series_keeps_hidden_texts_and_few_labels():
    points = [
        {"label": str(n), "value": None if n == 7 else n + 5, "display": "<5" if n == 7 else str(n + 5)}
        for n in range(60)
    ]
    bars = charts.bar_chart(key="k", title="T", description="D", points=points)["bars"]
    assert [bar["show_text"] for bar in bars].count(True) == 1  # only the hidden one: the others are in the table
    assert sum(bar["show_label"] for bar in bars) <= charts.MAX_LABELS


@pytest.fixture
def chart_world(world):
    """Three interventions today, a night with 3 beds occupied and one with 12."""
    today = timezone.localdate()
    people = world.people(3, first_intake_date=today)
    world.interventions([today] * 3, [[person] for person in people])
    services.rollups_refresh(full=True)
    # After the rollups, which write the nights of the beds (none here).
    month = this_month()
    OccupancyNight.objects.create(night=month.start, site_kind="shelter", beds=20, occupied=3)
    if month.start + timedelta(days=1) <= month.end:
        OccupancyNight.objects.create(night=month.start + timedelta(days=1), site_kind="shelter", beds=20, occupied=12)
    return world


def svg_texts(content: str, key: str) -> list[str]:
    svg = re.search(rf'aria-labelledby="chart-{key}-title chart-{key}-desc".*?</svg>', content, re.S).group(0)
    return re.findall(r'class="report-num[^"]*">([^<]*)<', svg)


def test_every_chart_on_the_dashboard_accessible_and_suppressed(client, chart_world):
    login(client, chart_world.liaison)
    content = client.get(reverse("reports:dashboard")).content.decode()
    for key in CHART_KEYS:
        if f'data-chart="{key}"' in content:
            # A chart with nothing to draw is one line saying so (no referral in this world).
            assert "rien pendant cette période" in content, key
            continue
        assert f'<title id="chart-{key}-title">' in content, key
        assert f'<desc id="chart-{key}-desc">' in content, key
        assert 'role="img"' in content
    assert "&lt;5" in svg_texts(content, "series-interventions")
    nights = svg_texts(content, "beds-by-night")
    assert "&lt;5" in nights and not {"1", "2", "3", "4"} & set(nights)
    # Coordinates stay SVG numbers in French (no decimal comma).
    assert not re.search(r'(?:x|y|width|height)="\d+,\d', content)
    # The figures as a table for screen readers.
    assert '<div class="visually-hidden"><table>' in content
    assert "cdn" not in content.lower()


def test_a_chart_of_zeros_is_one_line_not_a_flat_chart(client, chart_world):
    login(client, chart_world.liaison)
    content = client.get(reverse("reports:dashboard")).content.decode()
    assert 'data-chart="referral-outcomes"' in content  # nobody was referred in this world
    assert '<title id="chart-referral-outcomes-title">' not in content
    assert '<title id="chart-series-interventions-title">' in content  # it has interventions


def test_the_hub_sees_the_nights_as_they_are(chart_world):
    nights = selectors.occupied_by_night(user=chart_world.coordinator, period=this_month())
    assert nights["points"][0]["display"] == "3"
    suppressed = selectors.occupied_by_night(user=chart_world.coordinator, period=this_month(), for_export=True)
    assert suppressed["points"][0] == {**suppressed["points"][0], "value": None, "display": "<5"}


def test_the_funder_page_has_the_charts(client, chart_world):
    login(client, chart_world.coordinator)
    content = client.get(reverse("reports:funder-report"), {**this_month().query(), "lang": "en"}).content.decode()
    for key in CHART_KEYS:
        drawn = f'<title id="chart-{key}-title">' in content
        assert drawn or f'data-chart="{key}"' in content, key  # drawn, or one line: nothing to draw
    # Exports are suppressed for the hub too.
    assert "&lt;5" in svg_texts(content, "series-interventions")
