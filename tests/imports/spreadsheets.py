"""Spreadsheets generated for the import tests: rows as dicts, written as CSV (any encoding,
any delimiter) or XLSX, with what they say computed here, independently of the import."""

import csv
import io
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta

from people.choices import GenderIdentity, InterventionType, Team
from people.imports import LAYOUTS

GENDERS = [GenderIdentity.WOMAN, GenderIdentity.MAN, GenderIdentity.NON_BINARY]
TYPES = list(InterventionType.values)
TEAMS = list(Team.values)


def write_csv(rows: list[dict], columns: list[str], *, encoding: str = "utf-8", delimiter: str = ",") -> bytes:
    text = io.StringIO(newline="")
    writer = csv.writer(text, delimiter=delimiter)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([row.get(column, "") for column in columns])
    return text.getvalue().encode(encoding)


def write_xlsx(rows: list[dict], columns: list[str]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(columns)
    for row in rows:
        sheet.append([row.get(column, "") for column in columns])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def day_written(day: date, index: int) -> str:
    """The three ways a hub's sheets write dates, in turn."""
    return [day.isoformat(), day.strftime("%d/%m/%Y"), day.strftime("%d-%m-%Y")][index % 3]


def people_rows(count: int, *, start: date, days: int) -> list[dict]:
    """``count`` different people (no two alike for the duplicate check), first seen within
    ``days`` days from ``start``."""
    return [
        {
            "reference": f"P-{index:05d}",
            "given_names": f"Nombre{index}",
            "family_names": f"García{index}",
            "date_of_birth": day_written(date(1960, 1, 1) + timedelta(days=index * 7 % 15000), index),
            "gender_identity": GENDERS[index % 3],
            "preferred_language": "es",
            "first_intake_date": day_written(start + timedelta(days=index % days), index),
            "intake_channel": "walk_in",
        }
        for index in range(count)
    ]


@dataclass
class Interventions:
    """Generated intervention rows and what they say: totals by type and team, people seen."""

    rows: list[dict] = field(default_factory=list)
    by_type: Counter = field(default_factory=Counter)
    by_team: Counter = field(default_factory=Counter)
    people: set = field(default_factory=set)


def intervention_rows(count: int, *, people: list[dict], start: date, days: int) -> Interventions:
    generated = Interventions()
    for index in range(count):
        kind, team = TYPES[index % len(TYPES)], TEAMS[index % len(TEAMS)]
        named = [people[index % len(people)]["reference"]]
        if index % 5 == 0:
            named.append(people[(index * 7 + 3) % len(people)]["reference"])
        generated.rows.append(
            {
                "occurred_on": day_written(start + timedelta(days=index % days), index),
                "type": kind,
                "team": team,
                "person_references": ";".join(named),
                "language_used": "es",
                "duration_minutes": str(15 + index % 4 * 15),
                "need_categories": "food;employment" if index % 2 else "",
            }
        )
        generated.by_type[kind] += 1
        generated.by_team[team] += 1
        generated.people.update(named)
    return generated


# A dozen wrong rows, each wrong in its own way: (row, the column the preview must blame).
def bad_intervention_rows(start: date, future: date) -> list[tuple[dict, str]]:
    good = {
        "occurred_on": start.isoformat(),
        "type": "follow_up",
        "person_references": "P-00001",
        "language_used": "es",
    }
    return [
        ({**good, "type": "séance de yoga"}, "type"),
        ({**good, "occurred_on": "31/02/2024"}, "occurred_on"),
        ({**good, "occurred_on": "2024/13/45"}, "occurred_on"),
        ({**good, "occurred_on": future.isoformat()}, "occurred_on"),
        ({**good, "occurred_on": ""}, "occurred_on"),
        ({**good, "person_references": "P-99999"}, "person_references"),
        ({**good, "person_references": ""}, "person_references"),
        ({**good, "duration_minutes": "une heure"}, "duration_minutes"),
        ({**good, "need_categories": "food;astrology"}, "need_categories"),
        ({**good, "language_used": "español"}, "language_used"),
        ({**good, "interpreter_used": "maybe"}, "interpreter_used"),
        ({**good, "mode": "telepathy"}, "mode"),
    ]


PEOPLE_COLUMNS = LAYOUTS["people"].known
INTERVENTION_COLUMNS = LAYOUTS["interventions"].known
HOUSEHOLD_COLUMNS = LAYOUTS["households"].known
