"""Who sees the reports (coordinators of the hub unsuppressed, liaisons suppressed, everyone else
404), the dashboard page, the CSV export, the funder report in three languages, the live counters
stream and its publishing job, and every section answering for every preset."""

import csv
import io
from datetime import date, timedelta

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from housing.models import UnmetHousingRequest
from organisations.choices import OrganisationKind, Role
from people.models import Intervention
from plumbing import streams
from plumbing.events import current_version
from reports import services
from reports.catalogue import SECTIONS
from reports.periods import fiscal_year_of, this_month
from tests import factories
from tests.auth import login
from tests.reports.world import export_rows


@pytest.fixture
def today_world(world):
    """Three interventions today (a small count this month), four 40 days ago, seven new people."""
    people = world.people(7, first_intake_date=timezone.localdate())
    world.interventions([timezone.localdate()] * 3, [[person] for person in people[:3]])
    world.interventions([timezone.localdate() - timedelta(days=40)] * 4, [[person] for person in people[3:]])
    services.rollups_refresh(full=True)
    return world


@pytest.mark.parametrize("section", list(SECTIONS))
def test_who_sees_each_section(api, network, section):
    url = reverse("reports-section", args=[section])
    city = factories.side(OrganisationKind.CITY, roles=[Role.LIAISON, Role.ADMIN])
    expected = {
        network.a[Role.COORDINATOR]: (200, False),  # the hub's coordinator
        city[Role.LIAISON]: (200, True),
        network.b[Role.LIAISON]: (200, True),  # a liaison of a partner: aggregates, suppressed
        network.a[Role.WORKER]: (404, None),
        network.a[Role.ADMIN]: (404, None),
        network.a[Role.PRIVACY_OFFICER]: (404, None),
        network.b[Role.COORDINATOR]: (200, True),  # coordinator of a partner, not of the hub
        city[Role.ADMIN]: (404, None),
        network.outsider: (404, None),
    }
    for user, (status, suppressed) in expected.items():
        api.force_authenticate(user)
        response = api.get(url)
        assert response.status_code == status, (user, response.json())
        if status == 200:
            assert response.json()["suppressed"] is suppressed
    api.force_authenticate(None)
    assert api.get(url).status_code in (401, 403)


def test_a_coordinator_of_one_hub_among_two_gets_suppressed_figures(api, world):
    factories.organisation(kind=OrganisationKind.HUB)
    api.force_authenticate(world.coordinator)
    assert api.get(reverse("reports-section", args=["people"])).json()["suppressed"] is True


def test_every_section_answers_for_every_preset(api, today_world):
    for user in (today_world.coordinator, today_world.liaison):
        api.force_authenticate(user)
        for section in SECTIONS:
            for query in (this_month().query(), fiscal_year_of(timezone.localdate()).query()):
                response = api.get(reverse("reports-section", args=[section]), query)
                assert response.status_code == 200, response.json()


def test_a_bad_period_is_a_400_with_the_field(api, world):
    api.force_authenticate(world.coordinator)
    response = api.get(reverse("reports-section", args=["people"]), {"period": "custom", "start": "2024-02-01"})
    assert response.status_code == 422
    assert "end" in response.json()["fields"]
    response = api.get(
        reverse("reports-section", args=["people"]), {"period": "custom", "start": "2024-02-01", "end": "2024-01-01"}
    )
    assert response.status_code == 422


def test_live_counters_suppressed_for_the_city(api, today_world):
    api.force_authenticate(today_world.coordinator)
    assert api.get(reverse("reports-live")).json()["interventions_today"] == {"value": 3, "display": "3"}
    api.force_authenticate(today_world.liaison)
    assert api.get(reverse("reports-live")).json()["interventions_today"] == {"value": None, "display": "<5"}


def test_the_dashboard_page(client, today_world):
    login(client, today_world.liaison)
    response = client.get(reverse("reports:dashboard"))
    assert response.status_code == 200
    content = response.content.decode()
    assert 'data-stream="reports.live" data-key="city"' in content
    assert "&lt;5" in content
    assert 'name="start"' not in content  # no custom range outside the hub
    login(client, today_world.coordinator)
    content = client.get(reverse("reports:dashboard"), {"period": "custom", "start": "2020-01-01", "end": "2020-12-31"})
    assert content.status_code == 200
    assert 'data-key="hub"' in content.content.decode()
    login(client, today_world.worker)
    assert client.get(reverse("reports:dashboard")).status_code == 404


def test_the_navigation_link(client, world):
    login(client, world.liaison)
    assert reverse("reports:dashboard") in client.get(reverse("home")).content.decode()
    login(client, world.worker)
    assert reverse("reports:dashboard") not in client.get(reverse("home")).content.decode()


def test_the_csv_export_is_suppressed_for_everyone(client, today_world):
    login(client, today_world.coordinator)
    response = client.get(reverse("reports:export", args=["all"]), this_month().query())
    assert response.status_code == 200
    rows = export_rows(response.content)
    totals = {row["table"]: row["count"] for row in rows if row["code"] == ""}
    assert totals["interventions"] == "<5"
    assert totals["new_people"] == "7"
    assert not [row for row in rows if row["count"] in {"1", "2", "3", "4"}]
    custom = {"period": "custom", "start": "2020-01-01", "end": "2020-12-31"}
    assert client.get(reverse("reports:export", args=["people"]), custom).status_code == 422
    login(client, today_world.worker)
    assert client.get(reverse("reports:export", args=["all"])).status_code == 404


@pytest.mark.parametrize(("lang", "html_lang", "word"), [("fr", "fr-ca", "janvier"), ("es", "es-419", "enero")])
def test_the_funder_report_in_each_language(client, today_world, lang, html_lang, word):
    login(client, today_world.liaison)
    query = {"period": "month", "month": f"{timezone.localdate().year}-01", "lang": lang}
    response = client.get(reverse("reports:funder-report"), query)
    assert response.status_code == 200
    content = response.content.decode()
    assert f'<html lang="{html_lang}">' in content
    assert word in content.lower()


def test_the_live_stream_and_its_job(today_world):
    stream = streams.get_stream("reports.live")
    assert stream.can_subscribe(today_world.liaison, "city")
    assert not stream.can_subscribe(today_world.liaison, "hub")
    assert stream.can_subscribe(today_world.coordinator, "hub")
    assert not stream.can_subscribe(today_world.worker, "city")
    assert stream.snapshot(today_world.liaison, "city")["interventions_today"]["display"] == "<5"


def test_the_job_publishes_when_counters_change(today_world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert services.live_counters_publish() == 2
    assert len(callbacks) == 2
    assert services.live_counters_publish() == 0  # nothing changed
    version = current_version("reports.live", "hub")
    UnmetHousingRequest.objects.create(
        organisation=today_world.hub, household_size=3, reason="no_bed", recorded_by=today_world.worker
    )
    with django_capture_on_commit_callbacks(execute=True):
        # The hub sees the request at once; the city's counters are the hour's snapshot.
        assert services.live_counters_publish() == 1
    assert current_version("reports.live", "hub") == version + 1
    city = current_version("reports.live", "city")
    for _request in range(5):
        UnmetHousingRequest.objects.create(
            organisation=today_world.hub, household_size=1, reason="no_bed", recorded_by=today_world.worker
        )
    with django_capture_on_commit_callbacks(execute=True):
        services.live_counters_publish()
    assert current_version("reports.live", "city") == city
    # The next hour's snapshot is taken once: then "5" instead of "<5", and nothing more that hour.
    with time_machine.travel(timezone.now() + timedelta(hours=1), tick=False):
        for _run in range(2):
            with django_capture_on_commit_callbacks(execute=True):
                services.live_counters_publish()
    assert current_version("reports.live", "city") == city + 1


def test_no_free_text_and_no_identifier_in_any_answer(api, today_world):
    Intervention.objects.update(note="Ana a dormi dehors")
    api.force_authenticate(today_world.coordinator)
    for section in SECTIONS:
        body = api.get(reverse("reports-section", args=[section]), {"period": "fiscal_year"}).content.decode()
        assert "dehors" not in body and "P0" not in body


def test_the_time_series(api, today_world):
    api.force_authenticate(today_world.coordinator)
    body = api.get(reverse("reports-timeseries")).json()
    points = {point["month"]: point for point in body["series"][0]["points"]}
    assert points[this_month().start.isoformat()]["value"] == 3
    assert len(points) == 12
    api.force_authenticate(today_world.liaison)
    body = api.get(reverse("reports-timeseries")).json()
    point = {point["month"]: point for point in body["series"][0]["points"]}[this_month().start.isoformat()]
    assert (point["value"], point["display"]) == (None, "<5")
    assert date.fromisoformat(body["period"]["start"]).month == 4


@pytest.mark.postgres
def test_a_custom_range_past_the_statement_timeout_is_a_503(api, world, monkeypatch):
    from django.db import connection

    from reports import compute, selectors

    def slow(period, months=()):
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_sleep(0.5)")
        return []

    monkeypatch.setattr(selectors, "CUSTOM_RANGE_TIMEOUT_MS", 50)
    monkeypatch.setitem(compute.NOT_ADDITIVE, "people", slow)
    api.force_authenticate(world.coordinator)
    response = api.get(
        reverse("reports-section", args=["people"]), {"period": "custom", "start": "2024-01-01", "end": "2024-12-31"}
    )
    assert response.status_code == 503
    assert response.json()["code"] == "range_too_heavy"


@pytest.mark.parametrize(
    ("language", "headers", "accented"),
    [("fr-ca", ["Section", "Tableau"], "Libellé"), ("es-419", ["Sección", "Tabla"], "período")],
)
def test_the_csv_opens_in_excel_with_accents_and_headers_in_the_readers_language(
    client, today_world, language, headers, accented
):
    """Excel opens a CSV as UTF-8 only after a byte order mark: decoded as it does (utf-8-sig),
    headers and labels keep their accents; the codes follow in a second header row."""
    login(client, today_world.liaison)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(reverse("reports:export", args=["all"]), this_month().query())
    assert response.content.startswith(b"\xef\xbb\xbf")
    text = response.content.decode("utf-8-sig")
    first, second = list(csv.reader(io.StringIO(text)))[:2]
    assert first[:2] == headers
    assert second[:3] == ["section", "table", "code"]
    assert accented in text and "Ã" not in text
    labels = {row["label"] for row in export_rows(response.content)}
    assert any(set(label) & set("éèàçñíóú") for label in labels)
