"""One short and one long date format per language (Django's, or ``config/formats`` where Django's
is wrong), used everywhere: templates and code name a format, never spell one out, so a page never
mixes "7 décembre 2026", "2026-12-07" and "7 déc. 2026 13:40"."""

import re
from pathlib import Path

from django.utils import formats, translation

ROOT = Path(__file__).resolve().parent.parent
NAMED = {
    "DATE_FORMAT",
    "SHORT_DATE_FORMAT",
    "DATETIME_FORMAT",
    "SHORT_DATETIME_FORMAT",
    "TIME_FORMAT",
    "YEAR_MONTH_FORMAT",
    "MONTH_DAY_FORMAT",
}
# Formats for machines, never shown as text: ISO 8601 in ``<time datetime>`` ("c") and the values
# of ``<input type="date">`` and ``type="month"``.
MACHINE = {"c", "Y-m-d", "Y-m"}
# A chart's axis shows the month's abbreviation or the day's number alone: tick labels, not dates a
# reader compares (the full date is in the chart's table).
ALLOWED = {
    ("reports/templates/reports/includes/series.html", "M"),
    ("reports/charts.py", "N"),
    ("reports/selectors.py", "N"),
    ("reports/selectors.py", "j"),
}
IN_TEMPLATES = re.compile(r"""\|date:["']([^"']*)["']""")
IN_CODE = re.compile(r"""date_format\([^,()]*(?:\([^()]*\))?[^,()]*,\s*["']([^"']*)["']""")


def _sources():
    for path in ROOT.rglob("*"):
        relative = path.relative_to(ROOT).as_posix()
        if relative.startswith((".venv/", "tests/", "node_modules/")) or "/node_modules/" in relative:
            continue
        if path.suffix == ".html":
            yield relative, IN_TEMPLATES.findall(path.read_text(encoding="utf-8"))
        elif path.suffix == ".py":
            yield relative, IN_CODE.findall(path.read_text(encoding="utf-8"))


def test_templates_and_code_only_name_date_formats():
    spelled_out = [
        (path, used)
        for path, found in _sources()
        for used in found
        if used not in NAMED | MACHINE and (path, used) not in ALLOWED
    ]
    assert spelled_out == []


def test_each_language_has_its_short_and_long_date():
    expected = {"fr-ca": ("Y-m-d", "j F Y"), "en-ca": ("Y-m-d", "j M Y"), "es-419": ("d/m/Y", r"j \d\e F \d\e Y")}
    for language, (short, long) in expected.items():
        with translation.override(language):
            assert (formats.get_format("SHORT_DATE_FORMAT"), formats.get_format("DATE_FORMAT")) == (short, long)
