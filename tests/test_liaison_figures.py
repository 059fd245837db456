"""No figure reaches an aggregate-only reader unsuppressed (docs/privacy.md, "Figures that never
single anyone out").

On the demo network plus the route test's additions (tests/test_routes.py: a hold, a stay, an
unmet request, an intervention today: small counts everywhere), the city liaison walks every route
of the project (from the URL patterns, so a new route cannot be forgotten) and subscribes to every
key of every registered live stream it may follow; no count from 1 to 4 appears in any answer:
JSON figures (``{"value", "display"}`` cells and the figures of the moment by name), CSV count
columns, and the figures of the pages (report tables, series, live counters).
"""

import json
import re

import pytest
from django.test import Client

from housing.choices import BedStatus
from housing.models import Site
from organisations.models import Organisation
from plumbing import streams
from reports import selectors, services
from reports.catalogue import SECTIONS
from tests.auth import login
from tests.reports.world import export_rows
from tests.route_matrix import LIAISON, PARAMETER_MODELS, ROUTES, WORDS
from tests.test_routes import World, project_routes
from tests.url_patterns import concrete

pytestmark = pytest.mark.django_db

SMALL = {1, 2, 3, 4}
SMALL_TEXTS = {"1", "2", "3", "4"}
# Figures named by their key in a JSON answer (the figures of the moment, bed statuses).
FIGURE_KEYS = set(selectors.NOW_COUNTS) | set(BedStatus.values)
CSV_COUNT_COLUMNS = ("count", "previous_count")
# Where the pages print a figure: report tables, headline, chart texts and their tables, derived
# figures, live counters.
PAGE_FIGURES = re.compile(
    r'(?:class="report-num[^"]*"|data-counter="\w+"|class="report-figure"><dt>[^<]*</dt>'
    r"<dd>)>?\s*(?:<strong>)?\s*([^<]*?)\s*<"
)


def small_figures(node, key: str = "") -> list:
    """Every figure from 1 to 4 in a JSON answer."""
    found = []
    if isinstance(node, dict):
        cell = "display" in node and "value" in node
        if cell and (node["value"] in SMALL or str(node["display"]).strip() in SMALL_TEXTS):
            found.append((key, node))
        for child_key, child in node.items():
            # A list's ``count`` counts what the reader may open, not people (those lists are empty).
            if child_key == "count" and "results" in node:
                continue
            found += small_figures(child, child_key)
    elif isinstance(node, list):
        for child in node:
            found += small_figures(child, key)
    elif key in FIGURE_KEYS and isinstance(node, int) and not isinstance(node, bool) and node in SMALL:
        found.append((key, node))
    return found


def small_in_answer(response) -> list:
    kind = response.get("Content-Type", "")
    if "json" in kind:
        return small_figures(json.loads(response.content))
    if "csv" in kind:
        rows = export_rows(response.content)
        return [row for row in rows if any(row.get(column) in SMALL_TEXTS for column in CSV_COUNT_COLUMNS)]
    if "html" in kind:
        return [text for text in PAGE_FIGURES.findall(response.content.decode()) if text in SMALL_TEXTS]
    return []


def liaison_paths(world: World, name: str, regex: str, params: list[str]) -> list[str]:
    """The addresses of a route for the liaison: each section for a section parameter, the first
    object the liaison may view for an object parameter (none: the route is a 404 for them)."""
    route = ROUTES[name]
    liaison = world.users[LIAISON]
    values: dict = {}
    for param in params:
        if param == "section":
            continue
        if param in WORDS:
            values[param] = WORDS[param]
            continue
        model = route.model if param == "pk" else PARAMETER_MODELS.get(param)
        if model is None:
            return []
        obj = world.visible(model, liaison).order_by("pk").first()
        if obj is None:
            return []
        values[param] = obj.pk
    sections = [*SECTIONS, "all"] if "section" in params else [None]
    paths = []
    for section in sections:
        path = concrete(regex, {**values, **({"section": section} if section else {})})
        if path is not None:
            paths += [path + ("?" + route.query if route.query else ""), path + "?period=fiscal_year"]
    return paths


@pytest.fixture
def world(db):
    world = World()
    # The rollups and the hour's snapshot, as the worker keeps them.
    services.rollups_refresh(full=True)
    services.now_snapshot_store()
    return world


def test_no_route_gives_a_liaison_a_count_from_one_to_four(world):
    client = Client()
    login(client, world.users[LIAISON])
    served, leaks = [], []
    for name, regex, params in project_routes():
        if name not in ROUTES or name in {"logout"}:
            continue
        for path in liaison_paths(world, name, regex, params):
            response = client.get(path)
            if response.status_code != 200:
                continue
            served.append(name)
            leaks += [(path, leak) for leak in small_in_answer(response)]
    assert not leaks
    # The walk did reach the figures (a failing login would pass it vacuously).
    assert {"housing-occupancy", "reports-live", "reports-section", "reports:dashboard", "reports:export"} <= set(
        served
    )


def test_the_walk_would_see_a_count_from_one_to_four(world):
    """The same walk as the hub's coordinator, who sees figures as they are, finds small counts:
    the checks above look at the right places."""
    client = Client()
    coordinator = world.users["coordination@accueil-quebec.example"]
    login(client, coordinator)
    assert small_in_answer(client.get("/api/v1/housing/occupancy/"))
    assert small_in_answer(client.get("/reports/"))


def stream_keys(world: World) -> set[str]:
    liaison = world.users[LIAISON]
    keys = {str(liaison.pk), "hub", "city"}
    keys |= {str(pk) for pk in Organisation.objects.values_list("pk", flat=True)}
    keys |= {str(pk) for pk in Site.objects.values_list("pk", flat=True)}
    return keys


def test_no_stream_gives_a_liaison_a_count_from_one_to_four(world, monkeypatch):
    liaison = world.users[LIAISON]
    followed = []
    for name in sorted(streams._STREAMS):
        stream = streams.get_stream(name)
        for key in sorted(stream.allowed_keys(liaison, stream_keys(world))):
            followed.append((name, key))
            snapshot = json.loads(json.dumps(stream.snapshot(liaison, key), default=str))
            assert not small_figures(snapshot), (name, key)
    assert ("reports.live", "city") in followed
    # And the deltas the worker publishes for the keys the liaison follows.
    published = []
    monkeypatch.setattr(services, "publish_on_commit", lambda stream, key, data: published.append((key, data)))
    services.live_counters_publish()
    assert [key for key, _data in published] == ["hub", "city"]
    assert not small_figures(dict(published)["city"])
    assert small_figures(dict(published)["hub"]), "the hub's counters are exact (and small here)"
