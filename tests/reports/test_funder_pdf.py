"""The funder report as a PDF (reports/pdf.py): served in three languages to whoever may see the
HTML report (404 for anyone else, like the page), built from the suppressed figures of the page, and
linked from the page and the dashboard."""

import logging
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from organisations.choices import Role
from reports import pdf, selectors, services
from reports.catalogue import SECTIONS
from reports.periods import fiscal_year_of, month_period, this_month
from tests.auth import login


@pytest.fixture
def today_world(world):
    """Three interventions today (a small count this month), four 40 days ago, seven new people."""
    people = world.people(7, first_intake_date=timezone.localdate())
    world.interventions([timezone.localdate()] * 3, [[person] for person in people[:3]])
    world.interventions([timezone.localdate() - timedelta(days=40)] * 4, [[person] for person in people[3:]])
    services.rollups_refresh(full=True)
    return world


@pytest.fixture
def built_blocks(monkeypatch):
    """The blocks ``reports.pdf`` builds while a view answers (the builder is spied on, not replaced)."""
    built = []
    original = pdf.report_blocks

    def spy(**kwargs):
        blocks = original(**kwargs)
        built.append(blocks)
        return blocks

    monkeypatch.setattr(pdf, "report_blocks", spy)
    return built


def figure_cells(blocks: list) -> list[str]:
    """Every figure written in a table (the label column left out)."""
    cells = []
    for block in blocks:
        if block.kind == "table":
            cells += [cell for row in (*block.rows, block.total or ()) for cell in row[1:]]
    return cells


def table_titled(blocks: list, title: str):
    return next(block for block in blocks if block.kind == "table" and block.text == title)


@pytest.mark.parametrize(
    ("lang", "language", "word"), [("fr", "fr-ca", "janvier"), ("en", "en-ca", "january"), ("es", "es-419", "enero")]
)
def test_the_pdf_in_each_language(client, today_world, built_blocks, lang, language, word):
    login(client, today_world.coordinator)
    month = f"{timezone.localdate().year}-01"
    response = client.get(reverse("reports:funder-report-pdf"), {"period": "month", "month": month, "lang": lang})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="passerelle-funder-report-{month}.pdf"'
    assert response.content.startswith(b"%PDF-")
    assert b"/Lang (" + language.encode() + b")" in response.content
    [blocks] = built_blocks
    assert word in blocks[0].text.lower()  # the title names the month in the language asked
    with translation.override(language):
        section_titles = {str(title) for title in SECTIONS.values()}
    assert section_titles <= {block.text for block in blocks if block.kind == "heading"}


def test_a_fiscal_year_pdf_is_named_after_its_years(client, today_world):
    login(client, today_world.liaison)
    year = fiscal_year_of(timezone.localdate())
    response = client.get(reverse("reports:funder-report-pdf"), {**year.query(), "lang": "en"})
    assert response.status_code == 200
    expected = f"passerelle-funder-report-fy{year.start.year}-{year.end.year}.pdf"
    assert response["Content-Disposition"] == f'attachment; filename="{expected}"'


def test_who_gets_the_pdf_is_who_gets_the_page(client, network):
    expected = {
        network.a[Role.COORDINATOR]: 200,
        network.b[Role.LIAISON]: 200,
        network.a[Role.WORKER]: 404,
        network.b[Role.WORKER]: 404,
        network.a[Role.ADMIN]: 404,
        network.outsider: 404,
    }
    for user, status in expected.items():
        login(client, user)
        for name in ("reports:funder-report", "reports:funder-report-pdf"):
            assert client.get(reverse(name), {"lang": "fr"}).status_code == status, (user, name)
    client.logout()
    for name in ("reports:funder-report", "reports:funder-report-pdf"):
        assert client.get(reverse(name)).status_code == 302  # to the login page


def test_a_custom_range_is_a_404_like_the_page(client, today_world):
    login(client, today_world.coordinator)
    custom = {"period": "custom", "start": "2020-01-01", "end": "2020-12-31"}
    assert client.get(reverse("reports:funder-report"), custom).status_code == 404
    assert client.get(reverse("reports:funder-report-pdf"), custom).status_code == 404


def test_the_pdf_is_built_from_suppressed_figures(client, today_world, built_blocks):
    """The hub's coordinator sees 3 interventions this month on the dashboard; the PDF, which
    leaves the hub, says "<5" and never 1 to 4."""
    login(client, today_world.coordinator)
    query = {**this_month().query(), "lang": "en"}
    dashboard = selectors.section_report(user=today_world.coordinator, section="interventions", period=this_month())
    assert dashboard["tables"][0]["total"]["display"] == "3"
    response = client.get(reverse("reports:funder-report-pdf"), query)
    assert response.status_code == 200
    [blocks] = built_blocks  # the view wrote what the builder built
    with translation.override("en-ca"):
        exported = selectors.section_report(
            user=today_world.coordinator, section="interventions", period=this_month(), for_export=True
        )
        people = selectors.section_report(
            user=today_world.coordinator, section="people", period=this_month(), for_export=True
        )
        month_label = this_month().label
    interventions = table_titled(blocks, str(exported["tables"][0]["title"]))
    assert interventions.total[:2] == ("Total", "<5")
    new_people = table_titled(blocks, str(people["tables"][1]["title"]))
    assert new_people.total[1] == "7"
    cells = figure_cells(blocks)
    assert "<5" in cells
    assert not {"1", "2", "3", "4"} & set(cells)
    month_row = next(row for row in table_titled_series(blocks).rows if row[0] == month_label)
    assert month_row[1] == "<5"  # interventions of this month, in the monthly series too


def table_titled_series(blocks: list):
    heading = next(index for index, block in enumerate(blocks) if block.kind == "heading")
    return blocks[heading + 1]


def test_the_builder_writes_display_texts_only():
    """Hand-made figures: a value the selectors would hide is written as its display, "<5" or "x"."""
    period = month_period(date(2026, 4, 1))
    previous = {"kind": "month", "start": date(2026, 3, 1), "end": date(2026, 3, 31), "label": "March 2026"}
    report = {
        "section": "needs",
        "title": "Needs",
        "period": {"kind": "month", "start": period.start, "end": period.end, "label": "April 2026"},
        "previous_period": previous,
        "tables": [
            {
                "key": "needs",
                "measure": "needs",
                "dimension": "category",
                "title": "Needs identified",
                "rows": [
                    {"label": "Housing", "display": "<5", "previous_display": "12"},
                    {"label": "Food", "display": "x", "previous_display": "<5"},
                ],
                "total": {"display": "20", "previous_display": "x"},
            }
        ],
        "figures": [{"title": "Median hours", "display": "x", "previous_display": "—"}],
    }
    series = {
        "period": {"label": "Fiscal year 2026–2027"},
        "series": [
            {"title": "Interventions", "points": [{"label": "April 2026", "display": "<5"}]},
            {"title": "People", "points": [{"label": "April 2026", "display": "x"}]},
        ],
    }
    with translation.override("en-ca"):
        blocks = pdf.report_blocks(period=period, reports=[report], series=series, generated_at=timezone.now())
        content = pdf.render(blocks)
    assert content.startswith(b"%PDF-")
    table = table_titled(blocks, "Needs identified")
    assert table.header == ("Category", "April 2026", "March 2026")
    assert table.rows == (("Housing", "<5", "12"), ("Food", "x", "<5"))
    assert table.total == ("Total", "20", "x")
    figures = next(block for block in blocks if block.kind == "table" and not block.text and block.header[0] == "")
    assert figures.rows == (("Median hours", "x", "—"),)
    assert table_titled_series(blocks).rows == (("April 2026", "<5", "x"),)


def test_the_vendored_font_has_every_character(caplog):
    """Accents, ñ, «», ’ and non-breaking spaces: no glyph missing from DejaVu Sans."""
    text = "Données « agrégées » — niño, l’accueil\u00a0: 1\u202f000 personnes"
    with caplog.at_level(logging.WARNING):
        content = pdf.render([pdf.Block("title", text), pdf.Block("text", text)])
    assert content.startswith(b"%PDF-")
    assert not [record for record in caplog.records if "glyph" in record.getMessage().lower()]
    pdf.render([pdf.Block("text", "漢")])  # the check works: DejaVu Sans has no CJK
    assert [record for record in caplog.records if "glyph" in record.getMessage().lower()]


def test_the_page_and_the_dashboard_link_to_the_pdf(client, today_world):
    login(client, today_world.liaison)
    query = this_month().query()
    page = client.get(reverse("reports:funder-report"), {**query, "lang": "es"}).content.decode()
    assert f"{reverse('reports:funder-report-pdf')}?period=month&amp;month={query['month']}&amp;lang=es" in page
    dashboard = client.get(reverse("reports:dashboard"), query).content.decode()
    for lang in ("fr", "en", "es"):
        assert f"{reverse('reports:funder-report-pdf')}?period=month&amp;month={query['month']}&amp;lang={lang}" in (
            dashboard
        )


def test_page_one_has_the_organisation_the_period_the_headline_figures_and_the_charts(
    client, today_world, built_blocks
):
    """Before the first section: the title with the period, the hub's name, the headline figures
    the hub reports and the monthly charts; each chart's hidden figures written as "<5"."""
    login(client, today_world.liaison)
    response = client.get(reverse("reports:funder-report-pdf"), {**this_month().query(), "lang": "en"})
    assert response.status_code == 200
    [blocks] = built_blocks
    first_section = next(
        index for index, block in enumerate(blocks) if block.text == "Interventions" and block.kind == "heading"
    )
    page_one = blocks[:first_section]
    with translation.override("en-ca"):
        assert this_month().label in page_one[0].text
    assert ("organisation", today_world.hub.name) in [(block.kind, block.text) for block in page_one]
    headline = next(block for block in page_one if block.kind == "table")
    assert [row[0] for row in headline.rows] == [
        "Interventions",
        "People served",
        "Women",
        "Men",
        "Trans people (counted apart)",
        "New people",
        "Share of Spanish speakers",
    ]
    assert dict(headline.rows)["Interventions"] == "<5"
    assert dict(headline.rows)["New people"] == "7"
    series_charts = [block for block in page_one if block.kind == "chart"]
    assert len(series_charts) == 3
    assert "<5" in [display for _label, display in series_charts[0].rows]
    charts = [block for block in blocks if block.kind == "chart"]
    assert "Response times (hours)" in {block.text for block in charts}
    # Nobody was referred this month: the chart of outcomes is one line saying so.
    assert "Referral outcomes: none in this period." in {block.text for block in blocks if block.kind == "note"}
    assert not {"1", "2", "3", "4"} & {display for block in charts for _label, display in block.rows}
    # Rows at 0 in both periods are folded into a line, as on the page.
    sections = blocks[first_section:]
    assert not [row for block in sections if block.kind == "table" for row in block.rows if row[1:] == ("0", "0")]
    assert any(block.kind == "note" and block.text.startswith("At 0 in both periods:") for block in sections)


def test_the_funder_page_leads_with_the_organisation_and_the_headline(client, today_world):
    login(client, today_world.liaison)
    content = client.get(reverse("reports:funder-report"), {**this_month().query(), "lang": "en"}).content.decode()
    assert content.index(today_world.hub.name) < content.index('class="report-headline"') < content.index("<svg")
    assert "Share of Spanish speakers" in content


@pytest.mark.parametrize(
    "query",
    [
        {"period": "month", "month": "9999-12"},
        {"period": "month", "month": "2026-13"},
        {"period": "fiscal_year", "year": "9999"},
        {"period": "fiscal_year", "year": "1"},
    ],
)
def test_an_impossible_period_is_no_pdf(client, today_world, query):
    """A file named after its period: a period that cannot be is a 404 (as for the CSV), never
    this month's figures under another name."""
    login(client, today_world.liaison)
    assert client.get(reverse("reports:funder-report-pdf"), query).status_code == 404
