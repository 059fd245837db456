"""The permission matrix for every endpoint of the people API: only the owning organisation's case
workers reach a person file and what hangs off it; its liaison and privacy officer do not."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from organisations.choices import NeedCategory, Role
from people import services
from people.choices import ConsentMethod, DataGroup, InterventionType, MilestoneKind, NeedStatus, NeedUrgency
from people.models import Consent, Household, Intervention, Milestone, Need, Person
from tests import factories
from tests.permission_matrix import CreateMatrix, UpdateMatrix, ViewMatrix


class CaseWorkMatrix:
    """Case workers (admin, coordinator, worker) read and write; the other roles hold no file."""

    view_role = Role.WORKER
    change_role = Role.WORKER
    create_role = Role.WORKER
    readonly_role = Role.LIAISON


class TestPersonPermissions(CaseWorkMatrix, ViewMatrix, UpdateMatrix, CreateMatrix):
    basename = "person"

    def make(self, side):
        return factories.person(side.organisation)

    def update_payload(self, obj):
        return {"phone": "418 555-0142"}

    def changed(self, obj):
        return Person.objects.get(pk=obj.pk).phone == "418 555-0142"

    def create_payload(self, side):
        return {
            "owner": side.organisation.pk,
            "given_names": "Luz Marina",
            "family_names": "Quispe Mamani",
            "confirm_new": True,
        }

    def count(self):
        return Person.objects.count()


class TestConsentPermissions(CaseWorkMatrix, ViewMatrix):
    basename = "consent"

    def make(self, side):
        return factories.consent(factories.person(side.organisation), factories.organisation())


@pytest.mark.parametrize(
    ("role", "own_side", "expected"),
    [
        (Role.WORKER, True, 201),
        (Role.COORDINATOR, True, 201),
        (Role.LIAISON, True, 404),
        (Role.PRIVACY_OFFICER, True, 404),
        (Role.ADMIN, False, 404),
    ],
)
def test_recording_a_consent_needs_the_files_case_work_right(api, network, role, own_side, expected):
    person = factories.person(network.a.organisation)
    actor = (network.a if own_side else network.b)[role]
    api.force_authenticate(actor)
    response = api.post(
        reverse("person-consents", args=[person.pk]),
        {
            "recipient": network.b.organisation.pk,
            "purposes": [NeedCategory.EMPLOYMENT],
            "data_groups": [DataGroup.IDENTITY],
            "method": ConsentMethod.ORAL_RECORDED,
            "language": "es",
            "valid_until": (timezone.localdate() + timedelta(days=365)).isoformat(),
        },
        format="json",
    )
    assert response.status_code == expected
    assert Consent.objects.filter(person=person).count() == (1 if expected == 201 else 0)
    listing = api.get(reverse("person-consents", args=[person.pk]))
    assert listing.status_code == (200 if expected == 201 else 404)


WITHDRAWAL = {"method": "signed", "language": "fr"}


def test_withdrawing_a_consent_needs_the_files_case_work_right(api, network):
    consent = factories.consent(factories.person(network.a.organisation), network.b.organisation)
    url = reverse("consent-withdraw", args=[consent.pk])
    for outsider in (network.b[Role.ADMIN], network.a[Role.LIAISON], network.outsider):
        api.force_authenticate(outsider)
        assert api.post(url, WITHDRAWAL, format="json").status_code == 404
    consent.refresh_from_db()
    assert consent.withdrawn_at is None
    api.force_authenticate(network.a[Role.WORKER])
    assert api.post(url, WITHDRAWAL, format="json").status_code == 200


class TestNeedPermissions(CaseWorkMatrix, ViewMatrix, UpdateMatrix, CreateMatrix):
    basename = "need"

    def make(self, side):
        person = factories.person(side.organisation)
        return Need.objects.create(
            person=person, category=NeedCategory.FOOD, recorded_by=factories.case_worker(side.organisation)
        )

    def update_payload(self, obj):
        return {"status": NeedStatus.UNMET_NO_RESOURCE}

    def changed(self, obj):
        return Need.objects.get(pk=obj.pk).status == NeedStatus.UNMET_NO_RESOURCE

    def create_payload(self, side):
        return {
            "person": factories.person(side.organisation).pk,
            "category": NeedCategory.HOUSING_EMERGENCY,
            "urgency": NeedUrgency.IMMEDIATE,
        }

    def count(self):
        return Need.objects.count()


class TestMilestonePermissions(CaseWorkMatrix, ViewMatrix, CreateMatrix):
    basename = "milestone"

    def make(self, side):
        person = factories.person(side.organisation)
        return Milestone.objects.create(person=person, kind=MilestoneKind.CLAIM_MADE, occurred_on=date(2026, 1, 5))

    def create_payload(self, side):
        return {
            "person": factories.person(side.organisation).pk,
            "kind": MilestoneKind.ACKNOWLEDGEMENT,
            "occurred_on": "2026-02-01",
        }

    def count(self):
        return Milestone.objects.count()


class TestInterventionPermissions(CaseWorkMatrix, ViewMatrix, CreateMatrix):
    basename = "intervention"

    def make(self, side):
        person = factories.person(side.organisation)
        return services.intervention_log(
            actor=factories.case_worker(side.organisation),
            organisation=side.organisation,
            people=[person],
            type=InterventionType.FOLLOW_UP,
            language_used="es",
        )

    def create_payload(self, side):
        return {
            "organisation": side.organisation.pk,
            "people": [factories.person(side.organisation).pk],
            "type": InterventionType.INTAKE_WELCOME,
        }

    def count(self):
        return Intervention.objects.count()


class TestHouseholdPermissions(CaseWorkMatrix, ViewMatrix, CreateMatrix):
    basename = "household"

    def make(self, side):
        return services.household_create(
            actor=factories.case_worker(side.organisation),
            owner=side.organisation,
            name="Famille",
            members=[(factories.person(side.organisation), "head")],
        )

    def create_payload(self, side):
        return {
            "owner": side.organisation.pk,
            "name": "Quispe",
            "members": [{"person": factories.person(side.organisation).pk, "relationship": "head"}],
        }

    def count(self):
        return Household.objects.count()
