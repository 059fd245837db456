"""Report test data, written in bulk (thousands of rows in a few statements): a hub, a city, a
coordinator and a liaison, and helpers that add people and interventions with known counts."""

import csv
import io
from dataclasses import dataclass
from datetime import date, timedelta

from organisations.choices import OrganisationKind, Role
from organisations.models import Organisation, User
from people.models import Intervention, Person
from tests import factories


@dataclass
class ReportsWorld:
    hub: Organisation
    city: Organisation
    coordinator: User
    liaison: User
    worker: User

    def people(self, count: int, **fields) -> list[Person]:
        """``count`` people of the hub with ``fields`` (bulk, no audit: test data only)."""
        fields.setdefault("first_intake_date", date(2019, 4, 1))
        start = Person.objects.count()
        rows = [
            Person(
                owner=self.hub,
                given_names=f"P{start + number}",
                family_names="Test",
                name_key=f"p{start + number} test",
                created_by=self.worker,
                **fields,
            )
            for number in range(count)
        ]
        return Person.objects.bulk_create(rows)

    def interventions(self, days: list[date], people_of: list[list[Person]], **fields) -> list[Intervention]:
        """One intervention on each day of ``days`` with the people at the same index."""
        fields.setdefault("type", "follow_up")
        fields.setdefault("language_used", "es")
        rows = Intervention.objects.bulk_create(
            [Intervention(organisation=self.hub, occurred_on=day, recorded_by=self.worker, **fields) for day in days]
        )
        through = Intervention.people.through
        through.objects.bulk_create(
            [
                through(intervention_id=row.pk, person_id=person.pk)
                for row, people in zip(rows, people_of, strict=True)
                for person in people
            ]
        )
        return rows


def build_reports_world() -> ReportsWorld:
    hub = factories.organisation(kind=OrganisationKind.HUB)
    city = factories.organisation(kind=OrganisationKind.CITY)
    return ReportsWorld(
        hub=hub,
        city=city,
        coordinator=factories.member(hub, Role.COORDINATOR),
        liaison=factories.member(city, Role.LIAISON),
        worker=factories.member(hub, Role.WORKER),
    )


def days_of(start: date, count: int, span: int) -> list[date]:
    """``count`` days spread over ``span`` days from ``start``."""
    return [start + timedelta(days=number % span) for number in range(count)]


def export_rows(content: bytes) -> list[dict]:
    """The rows of a reports CSV export read as Excel would (UTF-8 with its byte order mark), keyed
    by the column codes of its second header row (the first is in the reader's language)."""
    lines = io.StringIO(content.decode("utf-8-sig"))
    next(csv.reader(lines))
    return list(csv.DictReader(lines))
