"""The outside test's low findings on issue 14, each with the test that would have caught it."""

from datetime import datetime, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from housing import services
from people.models import Consent, Person
from tests import factories
from tests.auth import login
from tests.housing.world import build_housing_world, hold_the_family


@pytest.fixture
def world(db):
    return build_housing_world()


def hold(world, beds, **fields):
    """The hub's worker holds ``beds`` of the world's site (for an arrival now unless said)."""
    fields.setdefault("expected_arrival_at", timezone.now())
    return services.hold_create(
        actor=world.hub_worker, organisation=world.hub, site=world.site, bed_ids=[bed.pk for bed in beds], **fields
    )


def family_consents(world):
    """A hold for tonight with the family's consent: the mother's own, and the two children's
    (under 14) given by her."""
    for name in ("Mateo", "Lía"):
        Person.objects.filter(given_names=name).update(date_of_birth=timezone.localdate() - timedelta(days=365 * 6))
    Person.objects.filter(given_names="Yuliana").update(date_of_birth=timezone.localdate() - timedelta(days=365 * 35))
    hold(
        world,
        world.family_beds,
        household=world.household,
        identity_consent=services.IdentityConsent(),
    )
    mother = Consent.objects.get(person__given_names="Yuliana")
    children = Consent.objects.filter(person__given_names__in=["Mateo", "Lía"])
    assert {consent.given_by_name for consent in children} == {"Yuliana Rodríguez"}
    return mother, children


def test_l1_withdrawing_a_parents_consent_offers_and_withdraws_the_childrens_on_the_page(world):
    mother, children = family_consents(world)
    client = Client()
    login(client, world.hub_worker)
    url = reverse("people:consent-withdraw", args=[mother.person_id, mother.pk])
    page = client.get(url).content.decode()
    assert 'id="id_children"' in page and "checked" in page[page.find('id="id_children"') - 80 :][:200]
    assert "Lía Rodríguez" in page
    response = client.post(url, {"method": "oral_recorded", "language": "es", "children": "on"})
    assert response.status_code == 302
    assert Consent.objects.filter(recipient=world.provider, withdrawn_at__isnull=True).count() == 0


def test_l1_without_the_confirmation_only_the_parents_consent_is_withdrawn(world):
    mother, children = family_consents(world)
    client = Client()
    login(client, world.hub_worker)
    url = reverse("people:consent-withdraw", args=[mother.person_id, mother.pk])
    client.post(url, {"method": "oral_recorded", "language": "es"})
    assert Consent.objects.get(pk=mother.pk).withdrawn_at is not None
    assert children.filter(withdrawn_at__isnull=True).count() == 2


def test_l1_the_api_withdraws_the_childrens_consents_on_request(world):
    mother, _children = family_consents(world)
    api = APIClient()
    api.force_authenticate(world.hub_worker)
    body = {"method": "oral_recorded", "language": "es", "children": True}
    response = api.post(reverse("consent-withdraw", args=[mother.pk]), body, format="json")
    assert response.status_code == 200, response.json()
    assert Consent.objects.filter(recipient=world.provider, withdrawn_at__isnull=True).count() == 0


def test_l4_a_person_alone_is_not_told_of_a_household(world):
    from django.utils import translation

    from organisations.errors import ConflictError

    child = Person.objects.create(
        owner=world.hub,
        given_names="Ana",
        family_names="Solo",
        date_of_birth=timezone.localdate() - timedelta(days=365 * 10),
    )
    factories.partnership(world.hub, world.provider)  # so that the file offers to record a consent
    client = Client()
    login(client, world.hub_worker)
    client.cookies["passerelle_language"] = "en-ca"
    with translation.override("en-ca"):
        file_page = client.get(reverse("people:file", args=[child.pk])).content.decode()
        board_page = client.get(reverse("housing:board"), {"person": world.person.pk}).content.decode()
        hold(world, [world.shared_beds[0]], person=world.person)
        with pytest.raises(ConflictError) as refused:
            hold(world, [world.shared_beds[1]], person=world.person)
        message = str(refused.value.message)
    assert "guardian-notice" in file_page and "household" not in file_page[file_page.find("guardian-notice") :][:400]
    assert "No bed fits this person?" in board_page and "this household" not in board_page
    assert message == "This person already holds beds."


def test_l7_a_dissolved_household_reads_as_dissolved_and_refuses_writes_translated(world):
    from people import services as people_services

    members = list(world.household.members.all())
    for member in members:
        people_services.household_remove_member(actor=world.hub_worker, household=world.household, person=member)
    api = APIClient()
    api.force_authenticate(world.hub_worker)
    detail = api.get(reverse("household-detail", args=[world.household.pk]))
    assert detail.status_code == 200 and detail.json()["dissolved_at"] is not None
    url = reverse("household-detail", args=[world.household.pk])
    writes = [
        ("patch", url, {"pets": 1}),
        (
            "post",
            reverse("household-add-member", args=[world.household.pk]),
            {"person": members[0].pk, "relationship": "head"},
        ),
        ("post", reverse("household-set-contact", args=[world.household.pk]), {"person": members[0].pk}),
    ]
    for method, target, body in writes:
        refused = getattr(api, method)(target, body, format="json", HTTP_ACCEPT_LANGUAGE="es-419")
        assert refused.status_code == 422, (target, refused.json())
        assert refused.json()["code"] == "household_dissolved"
        assert refused.json()["detail"].startswith("Este grupo familiar se disolvió")


def test_l9_the_providers_arrivals_are_split_tonight_and_tomorrow(world):
    import time_machine

    evening = timezone.make_aware(datetime(2026, 12, 8, 18, 0))
    with time_machine.travel(evening, tick=False):
        tonight = hold(
            world, world.family_beds, household=world.household, expected_arrival_at=evening.replace(hour=21)
        )
        tomorrow = hold(
            world,
            [world.shared_beds[0]],
            person=world.person,
            expected_arrival_at=evening.replace(hour=9) + timedelta(days=1),
        )
        client = Client()
        login(client, world.provider_staff)
        page = client.get(reverse("housing:provider")).content.decode()
    today_part = page[page.find('data-arrivals="today"') : page.find('data-arrivals="tomorrow"')]
    tomorrow_part = page[page.find('data-arrivals="tomorrow"') :]
    assert f'id="hold-{tonight.pk}"' in today_part and f'id="hold-{tomorrow.pk}"' not in today_part
    assert f'id="hold-{tomorrow.pk}"' in tomorrow_part


def test_l3_the_duplicate_card_keeps_the_relationship_chosen_for_the_new_member(world):
    import re

    from people import services as people_services

    carmen = people_services.person_create(
        actor=world.hub_worker, owner=world.hub, given_names="Carmen Rosa", family_names="Díaz"
    )
    client = Client()
    login(client, world.hub_worker)
    response = client.post(
        reverse("people:household-member-create", args=[world.household.pk]),
        {"given_names": "Carmen", "family_names": "Diaz", "relationship": "parent", "gender_identity": "woman"},
    )
    html = response.content.decode()
    card = html[html.find(f'data-candidate-id="{carmen.pk}"') :]
    select = card[: card.find("</select>")]
    assert re.search(r'<option value="parent" selected>', select), select
    assert not re.search(r'<option value="child" selected>', select)


@pytest.mark.parametrize(
    ("locale", "word", "other"), [("es_419", "grupo familiar", "hogar"), ("fr_CA", "ménage", "foyer")]
)
def test_household_is_the_glossarys_word_everywhere(locale, word, other):
    """Spanish mixed "grupo familiar" and "hogar": every entry naming a household uses the word
    of shared/DOMAIN.md's glossary, never the other."""
    from pathlib import Path

    import polib
    from django.conf import settings

    catalogue = polib.pofile(str(Path(settings.BASE_DIR) / "locale" / locale / "LC_MESSAGES" / "django.po"))
    wrong = []
    for entry in catalogue:
        if entry.obsolete or "household" not in (entry.msgid + entry.msgid_plural).lower():
            continue
        translations = list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]
        if any(other in text.lower() or word.split()[0] not in text.lower() for text in translations):
            wrong.append(entry.msgid)
    assert not wrong, wrong


def test_the_provider_cannot_link_hold_or_stay_codes_to_file_numbers_by_filter(world):
    """``?person=`` and ``?household=`` match only files the reader may see: for the provider, a
    real file answers exactly as an id nobody has; the hub still filters its own."""
    hold_the_family(world)
    single = services.hold_create(
        actor=world.hub_worker,
        organisation=world.hub,
        site=world.site,
        bed_ids=[world.shared_beds[0].pk],
        person=world.person,
        expected_arrival_at=timezone.now() + timedelta(hours=1),
    )
    services.stay_check_in(actor=world.hub_worker, hold=single)
    api = APIClient()
    for route in ("housing-hold-list", "housing-stay-list"):
        for name, real in (("household", world.household.pk), ("person", world.person.pk)):
            api.force_authenticate(world.provider_staff)
            answers = [api.get(reverse(route), {name: value}).json() for value in (real, 999_999)]
            assert answers[0] == answers[1] and answers[0]["count"] == 0, (route, name)
    api.force_authenticate(world.hub_worker)
    assert api.get(reverse("housing-hold-list"), {"household": world.household.pk}).json()["count"] == 1
    assert api.get(reverse("housing-stay-list"), {"person": world.person.pk}).json()["count"] == 1


def test_an_id_larger_than_any_row_is_a_400_not_a_500(world):
    """2**63 fits no database integer: holding or moving to such a bed is refused as bad input."""
    api = APIClient()
    api.force_authenticate(world.hub_worker)
    huge = 2**63
    body = {
        "site": world.site.pk,
        "household": world.household.pk,
        "beds": [huge],
        "expected_arrival_at": (timezone.now() + timedelta(hours=1)).isoformat(),
    }
    response = api.post(reverse("housing-hold-list"), body, format="json")
    assert response.status_code == 400 and "beds" in response.json()["fields"]
    hold = hold_the_family(world)
    response = api.post(
        reverse("housing-hold-move", args=[hold.pk]), {"site": world.site.pk, "beds": [huge]}, format="json"
    )
    assert response.status_code == 400 and "beds" in response.json()["fields"]
