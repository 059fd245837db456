"""The referral pages, through Django's test client: the wizard, the inbox, the detail page and
its actions, with 404 for anyone outside the two organisations and 409 for a stale version."""

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from organisations import services as organisation_services
from organisations.choices import NeedCategory, OrganisationKind, PartnershipScope, Role
from organisations.errors import ApplicationError
from organisations.models import AuditEntry, Organisation, Service, User
from people import services as people_services
from people.choices import ConsentMethod, DataGroup, NeedUrgency
from people.models import Consent, Person
from referrals import selectors
from referrals import services as referral_services
from referrals.choices import ReferralStatus
from referrals.models import Referral
from tests import factories
from tests.auth import login


@dataclass
class World:
    hub: Organisation
    worker: User
    partner: Organisation
    agent: User
    service: Service
    third: Organisation
    third_agent: User
    person: Person


def record_consent(world, person, recipient, *, groups, purposes=(NeedCategory.EMPLOYMENT,), **fields) -> Consent:
    return people_services.consent_record(
        actor=world.worker,
        person=person,
        recipient=recipient,
        purposes=list(purposes),
        data_groups=list(groups),
        method=ConsentMethod.SIGNED,
        language="es",
        valid_until=timezone.localdate() + timedelta(days=90),
        **fields,
    )


@pytest.fixture
def world(db) -> World:
    hub = factories.organisation(kind=OrganisationKind.HUB, name="Centre d'accueil")
    partner = factories.organisation(kind=OrganisationKind.EMPLOYMENT, name="Emploi Québec-Sud")
    third = factories.organisation(kind=OrganisationKind.FOOD_AID, name="Banque alimentaire")
    for recipient in (partner, third):
        factories.partnership(hub, recipient, PartnershipScope.REFERRALS)
    worker = factories.member(hub, Role.WORKER, language="en-ca")
    service = factories.service(
        partner, name="Recherche d'emploi", need_categories=[NeedCategory.EMPLOYMENT], languages=["es", "fr"]
    )
    person = people_services.person_create(
        actor=worker, owner=hub, given_names="María José", family_names="García López", phone="418 555-0199"
    )
    return World(
        hub=hub,
        worker=worker,
        partner=partner,
        agent=factories.member(partner, Role.WORKER, language="en-ca"),
        service=service,
        third=third,
        third_agent=factories.member(third, Role.WORKER, language="en-ca"),
        person=person,
    )


def send_referral(world, *, groups=(DataGroup.IDENTITY, DataGroup.CONTACT)) -> Referral:
    consent = record_consent(world, world.person, world.partner, groups=groups)
    return referral_services.referral_create(
        actor=world.worker,
        sender=world.hub,
        recipient=world.partner,
        service=world.service,
        person=world.person,
        need_category=NeedCategory.EMPLOYMENT,
        urgency=NeedUrgency.DAYS,
        shared_groups=list(groups),
        consent=consent,
    )


def wizard_post(client, world, step, **data):
    payload = {
        "step": step,
        "need_category": NeedCategory.EMPLOYMENT,
        "urgency": NeedUrgency.DAYS,
        "reason": "Busca trabajo en cocina.",
    }
    payload.update(data)
    return client.post(reverse("referrals:refer", args=[world.person.pk]), payload)


# --- the wizard -----------------------------------------------------------------------------------


def test_the_wizard_chooses_no_need_in_advance_and_requires_a_reason(client, world):
    login(client, world.worker)
    page = client.get(reverse("referrals:refer", args=[world.person.pk]))
    form = page.context["need_form"]
    assert form["need_category"].value() in (None, "")
    assert 'value="" selected' in page.content.decode()

    page = wizard_post(client, world, "need", need_category="", reason="")
    html = page.content.decode()
    assert 'data-step="need"' in html
    assert "Choose the person&#x27;s need." in html
    assert "Write the reason for the referral: the partner needs it to answer." in html

    world.worker.preferred_language = "fr-ca"
    world.worker.save(update_fields=["preferred_language"])
    html = wizard_post(client, world, "need", reason="  ").content.decode()
    assert 'data-step="need"' in html
    assert "Écrivez le motif de la référence\xa0: le partenaire en a besoin pour répondre." in html


def ticked(page) -> set[str]:
    return set(page.context["data_form"]["shared_groups"].value() or ())


def test_the_groups_ticked_in_advance_are_those_the_consent_allows_and_the_need_calls_for(client, world):
    login(client, world.worker)
    # Contact consented: it is ticked (the partner must be able to call the person back); the
    # notes, sensitive, never in advance.
    record_consent(
        world,
        world.person,
        world.partner,
        groups=[DataGroup.IDENTITY, DataGroup.CONTACT, DataGroup.NOTES],
        express=True,
    )
    page = wizard_post(client, world, "partner", service=world.service.pk)
    assert ticked(page) == {"identity", "contact"}


def test_without_consent_for_contact_only_identity_is_ticked(client, world):
    login(client, world.worker)
    record_consent(world, world.person, world.partner, groups=[DataGroup.IDENTITY, DataGroup.HOUSEHOLD])
    page = wizard_post(client, world, "partner", service=world.service.pk)
    assert ticked(page) == {"identity"}  # employment does not call for the household


def test_a_housing_need_ticks_the_household_too():
    from referrals import sharing

    allowed = {"identity", "contact", "household", "health"}
    assert sharing.default_groups("housing_emergency", allowed) == ["identity", "contact", "household"]
    assert sharing.default_groups("employment", allowed) == ["identity", "contact"]


def test_the_wizard_sends_a_referral_in_four_steps(client, world):
    record_consent(world, world.person, world.partner, groups=[DataGroup.IDENTITY, DataGroup.CONTACT])
    login(client, world.worker)
    page = client.get(reverse("referrals:refer", args=[world.person.pk]), {"need_category": "employment"})
    assert page.status_code == 200
    assert 'data-step="need"' in page.content.decode()

    page = wizard_post(client, world, "need", reason="Cherche un emploi")
    html = page.content.decode()
    assert 'data-step="partner"' in html
    assert f'value="{world.service.pk}"' in html and "Consent on file" in html
    assert 'id="language-warning"' not in html

    page = wizard_post(client, world, "partner", reason="Cherche un emploi", service=world.service.pk)
    html = page.content.decode()
    assert 'data-step="data"' in html
    assert 'value="identity"' in html and 'value="contact"' in html and 'value="health"' not in html

    page = wizard_post(
        client, world, "data", reason="Cherche un emploi", service=world.service.pk, shared_groups=["identity"]
    )
    html = page.content.decode()
    assert 'data-step="review"' in html
    submission = page.context["submission"]

    data = {"reason": "Cherche un emploi", "service": world.service.pk, "shared_groups": ["identity"]}
    response = wizard_post(client, world, "review", submission=submission, **data)
    referral = Referral.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("referrals:detail", args=[referral.pk])
    assert referral.status == ReferralStatus.SENT
    assert referral.recipient == world.partner and referral.service == world.service
    assert referral.shared_groups == ["identity"] and referral.reason == "Cherche un emploi"

    # A second click on Send sends nothing more.
    again = wizard_post(client, world, "review", submission=submission, **data)
    assert again.status_code == 302 and Referral.objects.count() == 1


def test_the_wizard_offers_partners_in_other_languages_marked_when_none_speaks_the_persons(client, world):
    Service.objects.filter(pk=world.service.pk).update(is_active=False)
    french_only = factories.service(
        world.partner, name="Atelier CV", need_categories=[NeedCategory.EMPLOYMENT], languages=["fr"]
    )
    login(client, world.worker)
    html = wizard_post(client, world, "need").content.decode()
    assert 'id="language-warning"' in html
    assert f'value="{french_only.pk}"' in html
    assert "Not in Spanish" in html


def test_the_wizard_refuses_data_groups_beyond_consent(client, world):
    record_consent(world, world.person, world.partner, groups=[DataGroup.IDENTITY])
    login(client, world.worker)
    html = wizard_post(client, world, "partner", service=world.service.pk).content.decode()
    assert 'value="identity"' in html
    assert 'value="contact"' not in html and 'value="health"' not in html

    # A tampered form asking for more than the consent covers is refused at every step.
    for step in ("data", "review"):
        response = wizard_post(
            client, world, step, service=world.service.pk, shared_groups=["identity", "contact"], submission="x"
        )
        assert response.status_code == 200
        assert 'data-step="data"' in response.content.decode()
        assert response.context["data_form"].errors["shared_groups"]
    assert not Referral.objects.exists()


def test_the_wizard_without_consent_links_to_recording_one(client, world):
    login(client, world.worker)
    html = wizard_post(client, world, "partner", service=world.service.pk).content.decode()
    assert 'id="no-consent"' in html
    assert f"consent_recipient={world.partner.pk}" in html
    assert not Referral.objects.exists()
    # The link opens the consent form with the partner and the need chosen.
    file_url = reverse("people:file", args=[world.person.pk])
    page = client.get(file_url, {"consent_recipient": world.partner.pk, "consent_purpose": "employment"})
    html = page.content.decode()
    assert '<details class="disclosure" id="record-consent" open>' in html
    assert f'<option value="{world.partner.pk}" selected>' in html


def test_the_wizard_consent_of_another_purpose_does_not_count(client, world):
    record_consent(world, world.person, world.partner, groups=[DataGroup.IDENTITY], purposes=[NeedCategory.FOOD])
    login(client, world.worker)
    html = wizard_post(client, world, "partner", service=world.service.pk).content.decode()
    assert 'id="no-consent"' in html


def test_the_wizard_is_a_404_for_other_organisations(client, world):
    record_consent(world, world.person, world.partner, groups=[DataGroup.IDENTITY])
    for outsider in (world.agent, world.third_agent):
        login(client, outsider)
        assert client.get(reverse("referrals:refer", args=[world.person.pk])).status_code == 404
        response = wizard_post(client, world, "review", service=world.service.pk, shared_groups=["identity"])
        assert response.status_code == 404
    assert not Referral.objects.exists()


# --- the inbox --------------------------------------------------------------------------------------


def test_the_partner_inbox_lists_new_referrals_and_the_hub_its_sent_ones(client, world):
    referral = send_referral(world)
    detail = reverse("referrals:detail", args=[referral.pk])

    login(client, world.agent)
    html = client.get(reverse("referrals:inbox")).content.decode()
    assert 'data-stream="referrals.inbox"' in html and f'data-key="{world.partner.pk}"' in html
    assert detail in html and "María José García López" in html
    assert 'data-testid="tab-sent"' not in html
    html = client.get(reverse("referrals:inbox"), {"tab": "accepted"}).content.decode()
    assert detail not in html

    login(client, world.worker)
    html = client.get(reverse("referrals:inbox")).content.decode()
    assert 'data-testid="tab-sent"' in html and detail in html

    login(client, world.third_agent)
    for tab in ("new", "waiting", "mine", "overdue", "accepted", "closed", "sent"):
        html = client.get(reverse("referrals:inbox"), {"tab": tab}).content.decode()
        assert detail not in html and "García" not in html


def test_the_inbox_switches_between_the_users_organisations(client, world):
    referral = send_referral(world)
    organisation_services.membership_grant(actor=None, organisation=world.partner, user=world.worker, role=Role.WORKER)
    login(client, world.worker)
    html = client.get(reverse("referrals:inbox"), {"organisation": world.partner.pk}).content.decode()
    assert 'id="organisation-select"' in html
    assert f'data-key="{world.partner.pk}"' in html
    assert reverse("referrals:detail", args=[referral.pk]) in html
    # An organisation the user does not work for is never shown.
    html = client.get(reverse("referrals:inbox"), {"organisation": world.third.pk}).content.decode()
    assert f'data-key="{world.third.pk}"' not in html


# --- the referral ----------------------------------------------------------------------------------------


def test_other_organisations_get_a_404_for_a_referral(client, world):
    referral = send_referral(world)
    urls = [
        reverse("referrals:action", args=[referral.pk, "accept"]),
        reverse("referrals:action", args=[referral.pk, "cancel"]),
        reverse("referrals:assign", args=[referral.pk]),
        reverse("referrals:message", args=[referral.pk]),
        reverse("referrals:rerefer", args=[referral.pk]),
    ]
    city = factories.organisation(kind=OrganisationKind.CITY)
    for outsider in (
        world.third_agent,
        factories.member(city, Role.LIAISON),
        factories.member(world.hub, Role.LIAISON),
    ):
        login(client, outsider)
        assert client.get(reverse("referrals:detail", args=[referral.pk])).status_code == 404
        for url in urls:
            response = client.post(url, {"version": referral.version, "body": "hola", "recipient": world.third.pk})
            assert response.status_code == 404, url
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SENT and not referral.messages.exists()


def test_the_partner_sees_the_shared_information_only_and_not_the_file(client, world):
    referral = send_referral(world, groups=[DataGroup.IDENTITY])
    login(client, world.agent)
    before = AuditEntry.objects.filter(action="referrals.referral.detail.read").count()
    html = client.get(reverse("referrals:detail", args=[referral.pk])).content.decode()
    assert AuditEntry.objects.filter(action="referrals.referral.detail.read").count() == before + 1
    assert "María José" in html
    assert "418 555-0199" not in html  # contact details were not shared
    assert reverse("people:file", args=[world.person.pk]) not in html
    assert client.get(reverse("people:file", args=[world.person.pk])).status_code == 404


def test_a_withdrawn_consent_redacts_the_partners_page(client, world):
    referral = send_referral(world)
    people_services.consent_withdraw(actor=world.worker, consent=referral.consent)
    login(client, world.agent)
    html = client.get(reverse("referrals:detail", args=[referral.pk])).content.decode()
    assert "Information no longer shared (consent withdrawn or expired)" in html
    assert "García" not in html and "418 555-0199" not in html
    login(client, world.worker)
    html = client.get(reverse("referrals:detail", args=[referral.pk])).content.decode()
    assert "Information no longer shared" not in html


def test_the_information_loop_and_accepting_through_the_pages(client, world):
    referral = send_referral(world)
    detail = reverse("referrals:detail", args=[referral.pk])

    login(client, world.agent)
    html = client.get(detail).content.decode()
    assert 'id="action-accept"' in html and 'id="action-request_info"' in html and 'id="action-decline"' in html
    assert 'id="action-cancel"' not in html
    response = client.post(
        reverse("referrals:action", args=[referral.pk, "request_info"]),
        {"version": referral.version, "note": "¿Tiene permiso de trabajo?"},
    )
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.INFO_REQUESTED

    login(client, world.worker)
    html = client.get(detail).content.decode()
    assert "¿Tiene permiso de trabajo?" in html and 'id="action-answer_info"' in html
    response = client.post(
        reverse("referrals:action", args=[referral.pk, "answer_info"]),
        {"version": referral.version, "note": "Sí, desde marzo."},
    )
    assert response.status_code == 302

    login(client, world.agent)
    referral.refresh_from_db()
    response = client.post(reverse("referrals:action", args=[referral.pk, "accept"]), {"version": referral.version})
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ACCEPTED

    login(client, world.worker)
    html = client.get(detail).content.decode()
    assert 'data-status="accepted"' in html and "Sí, desde marzo." in html


def test_a_stale_version_is_a_conflict_that_shows_the_fresh_state(client, world):
    referral = send_referral(world)
    seen = referral.version
    colleague = factories.member(world.partner, Role.WORKER, language="en-ca")
    referral_services.referral_transition(actor=colleague, referral=referral, action="accept", expected_version=seen)

    login(client, world.agent)
    response = client.post(
        reverse("referrals:action", args=[referral.pk, "decline"]),
        {"version": seen, "reason": "no_capacity", "note": ""},
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert "This referral was changed in the meantime" in html
    assert 'data-status="accepted"' in html
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ACCEPTED and referral.decline_reason == ""


def test_declining_needs_a_coded_reason_shown_next_to_the_field(client, world):
    referral = send_referral(world)
    login(client, world.agent)
    response = client.post(
        reverse("referrals:action", args=[referral.pk, "decline"]), {"version": referral.version, "reason": ""}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert '<details class="action disclosure" id="action-decline" open>' in html
    assert "field--error" in html
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SENT


def test_an_action_from_the_wrong_side_is_refused_without_a_trace(client, world):
    referral = send_referral(world)
    login(client, world.worker)
    response = client.post(reverse("referrals:action", args=[referral.pk, "accept"]), {"version": referral.version})
    assert response.status_code == 404
    login(client, world.agent)
    response = client.post(reverse("referrals:action", args=[referral.pk, "cancel"]), {"version": referral.version})
    assert response.status_code == 404
    assert client.post(reverse("referrals:action", args=[referral.pk, "expire"]), {"version": 1}).status_code == 404
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SENT


@pytest.mark.parametrize("body", ["Llamaremos\x01 el lunes.", "x" * 4001])
def test_a_message_with_a_control_character_or_too_long_is_refused_on_its_field(client, world, body):
    """The form and the API end in the same service: the page shows the refusal on the field."""
    referral = send_referral(world)
    login(client, world.agent)
    response = client.post(reverse("referrals:message", args=[referral.pk]), {"body": body})
    assert response.status_code == 200
    assert response.context["message_form"].errors["body"]
    assert not referral.messages.exists()


@pytest.mark.parametrize("body", ["Llamaremos\x01 el lunes.", "x" * 4001])
def test_the_message_service_refuses_control_characters_and_length(world, body):
    referral = send_referral(world)
    with pytest.raises(ApplicationError) as refused:
        referral_services.referral_message_post(actor=world.agent, referral=referral, body=body)
    assert refused.value.code == "invalid_message"
    assert not referral.messages.exists()


def test_messages_and_assignment(client, world):
    referral = send_referral(world)
    login(client, world.agent)
    response = client.post(reverse("referrals:message", args=[referral.pk]), {"body": "Llamaremos el lunes."})
    assert response.status_code == 302
    response = client.post(
        reverse("referrals:assign", args=[referral.pk]), {"version": referral.version, "assignee": world.agent.pk}
    )
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.assignee == world.agent
    html = client.get(reverse("referrals:inbox"), {"tab": "mine"}).content.decode()
    assert reverse("referrals:detail", args=[referral.pk]) in html

    login(client, world.worker)
    html = client.get(reverse("referrals:detail", args=[referral.pk])).content.decode()
    assert "Llamaremos el lunes." in html


def test_re_referring_after_a_decline(client, world):
    referral = send_referral(world)
    referral_services.referral_transition(
        actor=world.agent, referral=referral, action="decline", expected_version=referral.version, reason="no_capacity"
    )
    login(client, world.worker)
    detail = reverse("referrals:detail", args=[referral.pk])
    html = client.get(detail).content.decode()
    assert 'id="action-rerefer"' in html
    assert f'<option value="{world.third.pk}">' not in html  # no consent for the third partner yet

    record_consent(
        world,
        world.person,
        world.third,
        groups=[DataGroup.IDENTITY, DataGroup.CONTACT],
        purposes=[NeedCategory.EMPLOYMENT],
    )
    assert f'<option value="{world.third.pk}">' in client.get(detail).content.decode()
    response = client.post(reverse("referrals:rerefer", args=[referral.pk]), {"recipient": world.third.pk})
    new = Referral.objects.exclude(pk=referral.pk).get()
    assert response.status_code == 302 and response["Location"] == reverse("referrals:detail", args=[new.pk])
    assert new.recipient == world.third and new.re_referral_of == referral


# --- the inbox tabs, for both sides -----------------------------------------------------------------
# "waiting" is what this organisation owes an answer to (the partner a decision, the hub an answer
# to a question); "accepted" the accepted referrals it sent or received.


def tab_counts(user, organisation):
    return selectors.inbox_counts(user=user, organisation_id=organisation.pk)


def act(referral, action, actor, **fields):
    return referral_services.referral_transition(
        actor=actor, referral=referral, action=action, expected_version=referral.version, **fields
    )


def test_a_sent_referral_waits_for_the_partner_not_the_hub(world):
    send_referral(world)
    assert tab_counts(world.agent, world.partner) == {"new": 1, "waiting": 1, "mine": 0, "overdue": 0, "accepted": 0}
    assert tab_counts(world.worker, world.hub) == {"new": 0, "waiting": 0, "mine": 0, "overdue": 0, "accepted": 0}


def test_a_question_makes_the_referral_wait_for_the_hub(world):
    referral = act(send_referral(world), "request_info", world.agent, note="¿Tiene permiso de trabajo?")
    assert tab_counts(world.worker, world.hub)["waiting"] == 1
    assert tab_counts(world.agent, world.partner)["waiting"] == 0
    waiting = selectors.inbox_tab(user=world.worker, organisation_id=world.hub.pk, tab="waiting")
    assert list(waiting) == [referral]

    act(referral, "answer_info", world.worker, note="Sí, desde marzo.")
    assert tab_counts(world.worker, world.hub)["waiting"] == 0
    assert tab_counts(world.agent, world.partner)["waiting"] == 1


def test_accepted_counts_on_both_sides(world):
    referral = act(send_referral(world), "accept", world.agent)
    assert tab_counts(world.worker, world.hub)["accepted"] == 1
    assert tab_counts(world.agent, world.partner)["accepted"] == 1
    assert tab_counts(world.agent, world.partner)["waiting"] == 0
    act(referral, "start", world.agent)
    assert tab_counts(world.worker, world.hub)["accepted"] == 1


def test_closed_lists_both_sides_and_outsiders_see_nothing(world):
    referral = act(send_referral(world), "decline", world.agent, reason="no_capacity")
    for user, organisation in ((world.worker, world.hub), (world.agent, world.partner)):
        closed = selectors.inbox_tab(user=user, organisation_id=organisation.pk, tab="closed")
        assert list(closed) == [referral]
    # Someone of a third organisation, asking for the hub's tabs, gets nothing.
    for tab in ("sent", "waiting", "accepted", "closed"):
        assert not selectors.inbox_tab(user=world.third_agent, organisation_id=world.hub.pk, tab=tab).exists()


def test_the_hub_page_shows_its_waiting_count(client, world):
    act(send_referral(world), "request_info", world.agent, note="¿Tiene permiso de trabajo?")
    login(client, world.worker)
    html = client.get(reverse("referrals:inbox"), {"tab": "waiting"}).content.decode()
    assert 'data-count-for="waiting">1<' in html
    assert "María José García López" in html
