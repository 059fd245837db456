"""The person-file pages, through Django's test client: search, the duplicate warning, the file
and its forms, and 404 for anyone outside the owning hub."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from organisations.choices import NeedCategory
from organisations.models import AuditEntry
from people import services as people_services
from people.choices import ConsentMethod, DataGroup, MilestoneKind, NeedStatus, NeedUrgency
from people.models import Consent, Intervention, Milestone, Need, Person
from tests.auth import login
from tests.people.world import World


def make_person(world: World, **fields) -> Person:
    fields.setdefault("given_names", "María José")
    fields.setdefault("family_names", "García López")
    return people_services.person_create(actor=world.worker, owner=world.hub, **fields)


def test_person_pages_need_a_login(client, world):
    person = make_person(world)
    for url in (reverse("people:list"), reverse("people:file", args=[person.pk])):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_search_finds_a_name_typed_without_accents(client, world):
    make_person(world)
    make_person(world, given_names="Pedro", family_names="Ramírez")
    login(client, world.worker)
    html = client.get(reverse("people:list"), {"q": "garcia maria"}).content.decode()
    assert "María José García López" in html
    assert "Pedro" not in html


def test_creating_a_person_opens_the_file(client, world):
    login(client, world.worker)
    response = client.post(
        reverse("people:create"),
        {
            "owner": world.hub.pk,
            "given_names": "Lucía",
            "family_names": "Fernández",
            "preferred_language": "es",
            "intake_channel": "walk_in",
        },
    )
    person = Person.objects.get(given_names="Lucía")
    assert response.status_code == 302
    assert response["Location"] == reverse("people:file", args=[person.pk])
    assert person.owner == world.hub and person.created_by == world.worker

    before = AuditEntry.objects.filter(action="people.person.file.read").count()
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "Lucía Fernández" in page.content.decode()
    assert AuditEntry.objects.filter(action="people.person.file.read").count() == before + 1


def test_the_duplicate_warning_offers_the_existing_file_before_creating(client, world):
    existing = make_person(world)
    login(client, world.worker)
    typed_differently = {
        "owner": world.hub.pk,
        "given_names": "Maria",
        "family_names": "GARCIA",
        "preferred_language": "es",
        "intake_channel": "walk_in",
    }
    response = client.post(reverse("people:create"), typed_differently)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="duplicate-warning"' in html
    assert "Is it one of these people?" in html
    assert reverse("people:file", args=[existing.pk]) in html
    assert 'name="confirm_new"' in html
    assert Person.objects.count() == 1

    response = client.post(reverse("people:create"), {**typed_differently, "confirm_new": "1"})
    assert response.status_code == 302
    assert Person.objects.count() == 2


def test_form_errors_are_shown_next_to_the_fields(client, world):
    login(client, world.worker)
    response = client.post(reverse("people:create"), {"owner": world.hub.pk, "given_names": ""})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="field field--error"' in html
    assert "This field is required." in html
    assert not Person.objects.exists()


def test_other_organisations_get_a_404_for_a_person(client, world):
    person = make_person(world)
    consent = people_services.consent_record(
        actor=world.worker,
        person=person,
        recipient=world.partner,
        purposes=[NeedCategory.EMPLOYMENT],
        data_groups=[DataGroup.IDENTITY],
        method=ConsentMethod.SIGNED,
        language="es",
        valid_until=timezone.localdate() + timedelta(days=30),
    )
    need = people_services.need_record(
        actor=world.worker, person=person, category=NeedCategory.FOOD, urgency=NeedUrgency.DAYS
    )
    urls_get = [
        reverse("people:file", args=[person.pk]),
        reverse("people:edit", args=[person.pk]),
        reverse("referrals:refer", args=[person.pk]),
    ]
    urls_post = [
        reverse("people:consent-create", args=[person.pk]),
        reverse("people:consent-withdraw", args=[person.pk, consent.pk]),
        reverse("people:need-create", args=[person.pk]),
        reverse("people:need-update", args=[person.pk, need.pk]),
        reverse("people:milestone-create", args=[person.pk]),
        reverse("people:intervention-create", args=[person.pk]),
        reverse("people:edit", args=[person.pk]),
    ]
    for outsider in (world.agent, world.other_worker, world.liaison):
        login(client, outsider)
        for url in urls_get:
            assert client.get(url).status_code == 404, (outsider, url)
        for url in urls_post:
            assert client.post(url, {"given_names": "X", "status": "met"}).status_code == 404, (outsider, url)
        assert "García" not in client.get(reverse("people:list"), {"q": "garcia"}).content.decode()
    consent.refresh_from_db()
    need.refresh_from_db()
    assert consent.withdrawn_at is None and need.status == NeedStatus.IDENTIFIED
    person.refresh_from_db()
    assert person.given_names == "María José"


def test_a_consent_with_sensitive_information_needs_express_consent(client, world):
    person = make_person(world)
    login(client, world.worker)
    form = {
        "recipient": world.partner.pk,
        "purposes": [NeedCategory.EMPLOYMENT],
        "data_groups": [DataGroup.IDENTITY, DataGroup.HEALTH],
        "method": ConsentMethod.ORAL_RECORDED,
        "language": "es",
        "given_by": "person",
        "valid_until": (timezone.localdate() + timedelta(days=90)).isoformat(),
    }
    response = client.post(reverse("people:consent-create", args=[person.pk]), form)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Sensitive information can only be shared with express consent." in html
    assert '<details class="disclosure" id="record-consent" open>' in html
    assert not Consent.objects.exists()

    response = client.post(reverse("people:consent-create", args=[person.pk]), {**form, "express": "on"})
    assert response.status_code == 302
    consent = Consent.objects.get()
    assert consent.express and consent.recipient == world.partner
    assert consent.data_groups == sorted([DataGroup.IDENTITY, DataGroup.HEALTH])


def test_withdrawing_a_consent_asks_for_confirmation_and_records_how(client, world):
    person = make_person(world)
    consent = people_services.consent_record(
        actor=world.worker,
        person=person,
        recipient=world.partner,
        purposes=[NeedCategory.EMPLOYMENT],
        data_groups=[DataGroup.IDENTITY],
        method=ConsentMethod.SIGNED,
        language="es",
        valid_until=timezone.localdate() + timedelta(days=90),
    )
    login(client, world.worker)
    file = client.get(reverse("people:file", args=[person.pk])).content.decode()
    url = reverse("people:consent-withdraw", args=[person.pk, consent.pk])
    assert f'href="{url}"' in file, "the file links to the confirmation, it does not withdraw"
    page = client.get(url)
    assert page.status_code == 200 and b"consent-withdraw-confirm" in page.content
    consent.refresh_from_db()
    assert consent.withdrawn_at is None, "opening the confirmation withdraws nothing"
    assert client.post(url, {}).status_code == 400
    response = client.post(url, {"method": "signed", "language": "ar"})
    assert response.status_code == 302
    consent.refresh_from_db()
    assert consent.withdrawn_at is not None
    assert (consent.withdrawal_method, consent.withdrawal_language) == ("signed", "ar")
    assert consent.withdrawn_by == world.worker


def test_a_consent_goes_only_to_a_referral_partner(client, world):
    person = make_person(world)
    login(client, world.worker)
    response = client.post(
        reverse("people:consent-create", args=[person.pk]),
        {
            "recipient": world.other_hub.pk,
            "purposes": [NeedCategory.EMPLOYMENT],
            "data_groups": [DataGroup.IDENTITY],
            "method": ConsentMethod.SIGNED,
            "language": "es",
            "given_by": "person",
            "valid_until": (timezone.localdate() + timedelta(days=90)).isoformat(),
        },
    )
    assert response.status_code == 200
    assert not Consent.objects.exists()


def test_needs_milestones_and_interventions_from_the_file(client, world):
    person = make_person(world, claim_pathway="port_of_entry_air")
    login(client, world.worker)
    file_url = reverse("people:file", args=[person.pk])

    response = client.post(
        reverse("people:need-create", args=[person.pk]),
        {"category": NeedCategory.HOUSING_EMERGENCY, "urgency": NeedUrgency.IMMEDIATE, "note": "Sort demain"},
    )
    assert response.status_code == 302
    need = Need.objects.get(person=person)
    response = client.post(
        reverse("people:need-update", args=[person.pk, need.pk]), {f"need{need.pk}-status": "unmet_no_resource"}
    )
    assert response.status_code == 302
    need.refresh_from_db()
    assert need.status == NeedStatus.UNMET_NO_RESOURCE and need.closed_on is not None

    response = client.post(
        reverse("people:milestone-create", args=[person.pk]),
        {"kind": MilestoneKind.CLAIM_MADE, "occurred_on": timezone.localdate().isoformat()},
    )
    assert response.status_code == 302
    assert Milestone.objects.filter(person=person, kind=MilestoneKind.CLAIM_MADE).exists()

    response = client.post(
        reverse("people:intervention-create", args=[person.pk]),
        {"type": "needs_assessment", "mode": "phone", "language_used": "es", "duration_minutes": "20", "note": "ok"},
    )
    assert response.status_code == 302
    intervention = Intervention.objects.get()
    assert list(intervention.people.all()) == [person] and intervention.organisation == world.hub

    html = client.get(file_url).content.decode()
    assert "Emergency housing" in html
    assert "Unmet: no resource" in html
    assert "Claim made" in html
    assert "Needs assessment" in html
    due = Milestone.objects.filter(person=person, occurred_on__isnull=True).first()
    if due is not None:  # the configured deadline rules add the milestones that follow
        assert due.get_kind_display() in html


def test_a_quick_intervention_with_a_bad_duration_is_refused_next_to_the_field(client, world):
    person = make_person(world)
    login(client, world.worker)
    response = client.post(
        reverse("people:intervention-create", args=[person.pk]),
        {"type": "follow_up", "mode": "phone", "language_used": "es", "duration_minutes": "0"},
    )
    assert response.status_code == 200
    assert "field--error" in response.content.decode()
    assert not Intervention.objects.exists()


def test_editing_the_profile(client, world):
    person = make_person(world)
    login(client, world.worker)
    url = reverse("people:edit", args=[person.pk])
    form = client.get(url).context["form"]
    data = {name: value for name, value in form.initial.items() if value not in (None, False)}
    data.update({"phone": "418 555-0100", "first_intake_date": timezone.localdate().isoformat()})
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    person.refresh_from_db()
    assert person.phone == "418 555-0100"
    assert person.given_names == "María José"


@pytest.mark.parametrize(
    ("who", "people", "referrals"),
    [("worker", True, True), ("agent", False, True), ("liaison", False, False)],
)
def test_navigation_links_follow_the_role(client, world, who, people, referrals):
    login(client, getattr(world, who))
    html = client.get(reverse("home")).content.decode()
    assert (f'href="{reverse("people:list")}"' in html) == people
    assert (f'href="{reverse("referrals:inbox")}"' in html) == referrals
