"""Data-sharing agreements: a partnership rests on a signed agreement (reference, purposes, data
groups, dates, the PDF kept privately). A referral or a hold outside an agreement in force that
covers what it shares is refused with a message naming the partner and what is missing; the PDF
is read by both sides' partnership managers only; a lapse is announced 30 days ahead, once."""

from datetime import date, timedelta
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import storages
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from housing import services as housing_services
from notifications.kinds import get_kind
from notifications.models import Notification
from notifications.organisation_notices import AGREEMENT_LAPSING, agreement_notify_lapsing
from organisations import services
from organisations.choices import DataGroup, NeedCategory, OrganisationKind, PartnershipScope, Role
from organisations.errors import ApplicationError, NotFoundError
from organisations.models import AuditEntry, DataSharingAgreement
from people.choices import NeedUrgency
from referrals import services as referral_services
from tests import factories
from tests.auth import login
from tests.housing.test_api_permissions import site_of

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


class World:
    """A hub that refers to an agency and holds a provider's beds, both partnerships active but
    with no agreement yet; a third organisation; a person of the hub who consented to share her
    identity and contact with the agency."""

    def __init__(self):
        self.hub = factories.side(OrganisationKind.HUB)
        self.agency = factories.side(OrganisationKind.EMPLOYMENT)
        self.provider = factories.side(OrganisationKind.HOUSING_PROVIDER)
        self.third = factories.side(OrganisationKind.COMMUNITY)
        self.referrals = factories.partnership(
            self.hub.organisation, self.agency.organisation, PartnershipScope.REFERRALS, with_agreement=False
        )
        self.housing = factories.partnership(
            self.hub.organisation, self.provider.organisation, PartnershipScope.HOUSING, with_agreement=False
        )
        self.site = site_of(self.provider.organisation)
        self.person = factories.person(self.hub.organisation, actor=self.hub[Role.WORKER])
        self.consent = factories.consent(self.person, self.agency.organisation, actor=self.hub[Role.WORKER])


@pytest.fixture(autouse=True)
def in_english():
    """The services' messages these tests read are the English source."""
    with translation.override("en-ca"):
        yield


@pytest.fixture
def world(db):
    return World()


def form_data(prefix: str, **fields) -> dict:
    data = {
        "reference": "EPR-2026-07",
        "purposes": [NeedCategory.FOOD, NeedCategory.EMPLOYMENT],
        "data_groups": [DataGroup.IDENTITY, DataGroup.CONTACT],
        "valid_from": TODAY().isoformat(),
        "valid_until": (TODAY() + timedelta(days=365)).isoformat(),
        "document": factories.agreement_document(),
        **fields,
    }
    return {f"{prefix}-{name}": value for name, value in data.items()}


def post_agreement(client, user, partnership, **fields):
    login(client, user)
    url = reverse("organisations:agreement-record", args=[partnership.pk])
    return client.post(url, form_data(f"agreement-{partnership.pk}", **fields))


def form_errors(response, partnership) -> dict:
    """The errors of the agreement form the partnerships page shows for ``partnership``."""
    row = next(row for row in response.context["active"] if row.pk == partnership.pk)
    return row.agreement_form.errors


def stored_files(root: Path) -> list[Path]:
    return [path for path in root.rglob("*") if path.is_file()]


def send_referral(world, *, send: bool = True, **fields):
    fields.setdefault("need_category", NeedCategory.FOOD)
    fields.setdefault("shared_groups", [DataGroup.IDENTITY, DataGroup.CONTACT])
    return referral_services.referral_create(
        actor=world.hub[Role.WORKER],
        sender=world.hub.organisation,
        recipient=world.agency.organisation,
        person=world.person,
        urgency=NeedUrgency.DAYS,
        consent=world.consent,
        send=send,
        **fields,
    )


def hold(world):
    person = factories.person(world.hub.organisation, actor=world.hub[Role.WORKER])
    return housing_services.hold_create(
        actor=world.hub[Role.WORKER],
        organisation=world.hub.organisation,
        site=world.site,
        bed_ids=[world.site.beds.order_by("pk").first().pk],
        person=person,
        expected_arrival_at=timezone.now() + timedelta(hours=1),
    )


# --- Recording an agreement ----------------------------------------------------------------------


def test_a_coordinator_records_the_agreement_with_its_pdf(client, world, private_files):
    response = post_agreement(client, world.hub[Role.COORDINATOR], world.referrals)

    assert response.status_code == 302, response.content.decode()[:2000]
    agreement = DataSharingAgreement.objects.get()
    assert (agreement.partnership, agreement.reference) == (world.referrals, "EPR-2026-07")
    assert agreement.purposes == sorted([NeedCategory.FOOD, NeedCategory.EMPLOYMENT])
    assert agreement.data_groups == sorted([DataGroup.IDENTITY, DataGroup.CONTACT])
    assert (agreement.recorded_by, agreement.recorded_for) == (world.hub[Role.COORDINATOR], world.hub.organisation)
    assert agreement.is_in_force()
    # Kept in the private folder, under a name of ours, with no address of its own.
    assert agreement.document.name.startswith(f"agreements/{world.referrals.pk}/")
    assert (private_files / agreement.document.name).read_bytes() == factories.AGREEMENT_PDF
    with pytest.raises(ValueError, match="no URL"):
        storages["private"].url(agreement.document.name)
    entry = AuditEntry.objects.get(action="organisations.agreement.recorded")
    assert (entry.actor, entry.organisation, entry.object_id) == (
        world.hub[Role.COORDINATOR],
        world.hub.organisation,
        str(agreement.pk),
    )
    # The other side's partnership managers are told; the recording side's are not.
    told = set(Notification.objects.filter(kind="agreement_recorded").values_list("recipient", flat=True))
    assert told == {world.agency[Role.ADMIN].pk, world.agency[Role.COORDINATOR].pk}


def test_the_partner_side_may_record_it_too(client, world):
    assert post_agreement(client, world.agency[Role.ADMIN], world.referrals).status_code == 302
    assert DataSharingAgreement.objects.get().recorded_for == world.agency.organisation


@pytest.mark.parametrize(
    ("fields", "field", "words"),
    [
        (
            {"valid_from": "2026-09-01", "valid_until": "2026-08-01"},
            "valid_until",
            "ne peut pas prendre fin avant de commencer",
        ),
        (
            {"document": factories.agreement_document(b"<html>not a pdf</html>", "agreement.pdf")},
            "document",
            "pas un PDF",
        ),
        ({"document": factories.agreement_document(b"", "empty.pdf")}, "document", ""),
        ({"purposes": ["not_a_need"]}, "purposes", ""),
    ],
)
def test_bad_input_is_answered_on_its_field_and_nothing_is_written(client, world, private_files, fields, field, words):
    before = stored_files(private_files)
    response = post_agreement(client, world.hub[Role.COORDINATOR], world.referrals, **fields)

    assert response.status_code == 400
    errors = form_errors(response, world.referrals)
    assert field in errors, errors
    assert words in " ".join(errors[field])
    assert not DataSharingAgreement.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="organisations.agreement").exists()
    assert stored_files(private_files) == before


def test_a_pdf_over_the_size_limit_is_refused(client, world, settings, private_files):
    settings.AGREEMENT_DOCUMENT_MAX_BYTES = 1024
    big = factories.AGREEMENT_PDF + b"0" * 1024
    before = stored_files(private_files)
    response = post_agreement(
        client, world.hub[Role.COORDINATOR], world.referrals, document=factories.agreement_document(big)
    )

    assert response.status_code == 400
    assert "trop volumineux" in " ".join(form_errors(response, world.referrals)["document"])
    assert not DataSharingAgreement.objects.exists()
    assert stored_files(private_files) == before


def test_reversed_dates_are_refused_by_the_service_in_words(world):
    with translation.override("en-ca"), pytest.raises(ValidationError) as refused:
        factories.agreement(
            world.referrals,
            actor=world.hub[Role.ADMIN],
            valid_from=TODAY() + timedelta(days=10),
            valid_until=TODAY(),
        )
    assert list(refused.value.message_dict) == ["valid_until"]
    assert "before it starts" in refused.value.message_dict["valid_until"][0]


@pytest.mark.parametrize(
    ("who", "status"),
    [
        (("third", Role.COORDINATOR), 404),  # another organisation's partnership
        (("third", Role.ADMIN), 404),
        (("hub", Role.WORKER), 404),  # not a partnership manager: no page at all
        (("agency", Role.LIAISON), 404),
    ],
)
def test_only_the_partnerships_managers_record_an_agreement(client, world, who, status):
    side, role = who
    assert post_agreement(client, getattr(world, side)[role], world.referrals).status_code == status
    assert not DataSharingAgreement.objects.exists()


def test_an_agreement_on_a_closed_partnership_is_refused(world):
    services.partnership_end(actor=world.hub[Role.ADMIN], partnership=world.referrals)
    with pytest.raises(ApplicationError) as refused:
        factories.agreement(world.referrals, actor=world.hub[Role.ADMIN])
    assert refused.value.code == "not_active"


def test_the_service_refuses_a_stranger(world):
    with pytest.raises(NotFoundError):
        factories.agreement(world.referrals, actor=world.third[Role.ADMIN])


# --- Referrals --------------------------------------------------------------------------------------


def test_a_referral_is_refused_without_an_agreement_and_accepted_within_one(world):
    with translation.override("en-ca"), pytest.raises(ApplicationError) as refused:
        send_referral(world)
    assert refused.value.code == "no_agreement"
    assert world.agency.organisation.name in str(refused.value.message)
    assert not world.person.referrals.exists()

    factories.agreement(world.referrals)
    referral = send_referral(world)
    assert referral.status == "sent"


def test_a_referral_is_refused_under_a_lapsed_agreement(world):
    lapsed_on = TODAY() - timedelta(days=1)
    factories.agreement(world.referrals, valid_from=TODAY() - timedelta(days=400), valid_until=lapsed_on)
    with translation.override("en-ca"), pytest.raises(ApplicationError) as refused:
        send_referral(world)
    assert refused.value.code == "no_agreement"
    assert "lapsed" in str(refused.value.message)


def test_a_referral_is_refused_before_its_agreement_takes_effect(world):
    factories.agreement(world.referrals, valid_from=TODAY() + timedelta(days=1))
    with pytest.raises(ApplicationError) as refused:
        send_referral(world)
    assert refused.value.code == "no_agreement"


def test_a_referral_sharing_a_data_group_the_agreement_does_not_cover_is_refused(world):
    factories.agreement(world.referrals, data_groups=[DataGroup.IDENTITY])
    with translation.override("en-ca"), pytest.raises(ApplicationError) as refused:
        send_referral(world, shared_groups=[DataGroup.IDENTITY, DataGroup.CONTACT])
    assert refused.value.code == "beyond_agreement"
    message = str(refused.value.message)
    assert world.agency.organisation.name in message and "Contact details" in message
    assert "Identity" not in message
    assert refused.value.extra["data_groups"] == [DataGroup.CONTACT]
    # Within what it covers, the same referral goes.
    assert send_referral(world, shared_groups=[DataGroup.IDENTITY]).status == "sent"


def test_a_referral_for_a_need_the_agreement_does_not_cover_is_refused(world):
    factories.agreement(world.referrals, purposes=[NeedCategory.EMPLOYMENT])
    with translation.override("en-ca"), pytest.raises(ApplicationError) as refused:
        send_referral(world, need_category=NeedCategory.FOOD)
    assert refused.value.code == "beyond_agreement"
    assert "Food" in str(refused.value.message)
    assert refused.value.extra["purposes"] == [NeedCategory.FOOD]


def test_a_draft_is_not_sent_once_its_agreement_has_ended(world):
    agreement = factories.agreement(world.referrals)
    draft = send_referral(world, send=False)
    services.agreement_end(actor=world.agency[Role.COORDINATOR], agreement=agreement)

    with pytest.raises(ApplicationError) as refused:
        referral_services.referral_transition(
            actor=world.hub[Role.WORKER], referral=draft, action="send", expected_version=draft.version
        )
    assert refused.value.code == "no_agreement"
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_the_api_answers_the_refusal_with_its_message(api, world):
    api.force_authenticate(world.hub[Role.WORKER])
    body = {
        "sender": world.hub.organisation.pk,
        "recipient": world.agency.organisation.pk,
        "person": world.person.pk,
        "consent": world.consent.pk,
        "need_category": NeedCategory.FOOD,
        "urgency": NeedUrgency.WEEKS,
        "shared_groups": [DataGroup.IDENTITY],
    }
    refused = api.post(reverse("referral-list"), body, format="json", HTTP_ACCEPT_LANGUAGE="en-ca")
    assert refused.status_code == 422
    assert refused.json()["code"] == "no_agreement"
    assert world.agency.organisation.name in refused.json()["detail"]

    factories.agreement(world.referrals)
    assert api.post(reverse("referral-list"), body, format="json").status_code == 201


# --- Holds ----------------------------------------------------------------------------------------------


def test_a_hold_is_refused_without_an_agreement_and_accepted_within_one(world):
    with pytest.raises(ApplicationError) as refused:
        hold(world)
    assert refused.value.code == "no_agreement"
    assert not world.site.holds.exists()

    factories.agreement(world.housing, purposes=[NeedCategory.HOUSING_EMERGENCY], data_groups=[DataGroup.HOUSEHOLD])
    assert hold(world).status == "active"


def test_a_hold_needs_the_site_s_housing_purpose(world):
    factories.agreement(world.housing, purposes=[NeedCategory.HOUSING_LONG_TERM])
    with pytest.raises(ApplicationError) as refused:
        hold(world)
    assert refused.value.code == "beyond_agreement"


def test_the_referrals_agreement_does_not_cover_holds(world):
    factories.agreement(world.referrals)
    with pytest.raises(ApplicationError) as refused:
        hold(world)
    assert refused.value.code == "no_agreement"


def test_the_hold_api_answers_the_refusal(api, world):
    api.force_authenticate(world.hub[Role.WORKER])
    body = {
        "site": world.site.pk,
        "person": world.person.pk,
        "beds": [world.site.beds.order_by("pk").first().pk],
        "expected_arrival_at": timezone.now().isoformat(),
    }
    refused = api.post(reverse("housing-hold-list"), body, format="json")
    assert (refused.status_code, refused.json()["code"]) == (422, "no_agreement")
    factories.agreement(world.housing)
    assert api.post(reverse("housing-hold-list"), body, format="json").status_code == 201


# --- The signed PDF --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status"),
    [
        (("hub", Role.ADMIN), 200),
        (("hub", Role.COORDINATOR), 200),
        (("agency", Role.ADMIN), 200),
        (("agency", Role.COORDINATOR), 200),
        (("hub", Role.WORKER), 404),
        (("hub", Role.PRIVACY_OFFICER), 404),
        (("agency", Role.WORKER), 404),
        (("agency", Role.LIAISON), 404),
        (("provider", Role.COORDINATOR), 404),  # a partner of the hub, not of this partnership
        (("third", Role.ADMIN), 404),
    ],
)
def test_the_pdf_is_read_by_both_sides_managers_only(client, world, who, status):
    agreement = factories.agreement(world.referrals)
    side, role = who
    user = getattr(world, side)[role]
    login(client, user)
    response = client.get(reverse("organisations:agreement-document", args=[agreement.pk]))

    assert response.status_code == status
    if status == 200:
        assert b"".join(response.streaming_content) == factories.AGREEMENT_PDF
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"].startswith("attachment")
        entry = AuditEntry.objects.get(action="organisations.agreement.document.read")
        assert (entry.actor, entry.organisation) == (user, getattr(world, side).organisation)


def test_the_pdf_needs_a_login(client, world):
    agreement = factories.agreement(world.referrals)
    response = client.get(reverse("organisations:agreement-document", args=[agreement.pk]))
    assert response.status_code == 302 and "login" in response["Location"]


# --- Ending, the page, the API -------------------------------------------------------------------------


def test_ending_an_agreement_stops_referrals_and_tells_the_other_side(client, world):
    agreement = factories.agreement(world.referrals)
    login(client, world.agency[Role.COORDINATOR])
    assert client.post(reverse("organisations:agreement-end", args=[agreement.pk])).status_code == 302

    agreement.refresh_from_db()
    assert agreement.ended_at is not None and not agreement.is_in_force()
    assert AuditEntry.objects.filter(action="organisations.agreement.ended", organisation=world.agency.organisation)
    told = set(Notification.objects.filter(kind="agreement_ended").values_list("recipient", flat=True))
    assert told == {world.hub[Role.ADMIN].pk, world.hub[Role.COORDINATOR].pk}
    with pytest.raises(ApplicationError):
        send_referral(world)
    # Once ended, it cannot end again; a worker cannot end one at all.
    with pytest.raises(ApplicationError):
        services.agreement_end(actor=world.hub[Role.ADMIN], agreement=agreement)
    login(client, world.hub[Role.WORKER])
    assert client.post(reverse("organisations:agreement-end", args=[agreement.pk])).status_code == 404


def test_the_partnerships_page_shows_the_agreement_and_its_lapse(client, world):
    soon = factories.agreement(world.referrals, reference="EPR-SOON", valid_until=TODAY() + timedelta(days=12))
    factories.agreement(world.housing, reference="EPR-LATER", valid_until=TODAY() + timedelta(days=200))
    login(client, world.hub[Role.COORDINATOR])
    with translation.override("en-ca"):
        page = client.get(reverse("organisations:partnerships"), HTTP_ACCEPT_LANGUAGE="en-ca")
    html = page.content.decode()

    assert page.status_code == 200
    assert "EPR-SOON" in html and "EPR-LATER" in html
    assert 'data-lapses-in="12"' in html
    assert html.count("data-lapses-in=") == 1
    assert reverse("organisations:agreement-document", args=[soon.pk]) in html
    assert reverse("organisations:agreement-record", args=[world.referrals.pk]) in html


def test_the_page_warns_when_no_agreement_is_in_force(client, world):
    factories.agreement(
        world.referrals,
        reference="EPR-OLD",
        valid_from=TODAY() - timedelta(days=400),
        valid_until=TODAY() - timedelta(days=3),
    )
    login(client, world.hub[Role.COORDINATOR])
    html = client.get(reverse("organisations:partnerships")).content.decode()
    assert "EPR-OLD" in html  # the last one, that lapsed
    assert "alert--warning" in html


def test_the_api_shows_the_agreements_of_a_partnership_without_the_document(api, world):
    agreement = factories.agreement(world.referrals, data_groups=[DataGroup.IDENTITY])
    api.force_authenticate(world.agency[Role.WORKER])
    body = api.get(reverse("partnership-detail", args=[world.referrals.pk])).json()

    assert [row["id"] for row in body["agreements"]] == [agreement.pk]
    row = body["agreements"][0]
    assert row["in_force"] is True and row["data_groups"] == [DataGroup.IDENTITY]
    assert "document" not in row


# --- The lapse notice --------------------------------------------------------------------------------------


def lapse_recipients() -> set[int]:
    return set(Notification.objects.filter(kind=AGREEMENT_LAPSING).values_list("recipient", flat=True))


def test_the_lapse_is_announced_to_both_sides_30_days_ahead_once(world):
    agreement = factories.agreement(world.referrals, valid_until=TODAY() + timedelta(days=31))
    assert agreement_notify_lapsing() == 0  # 31 days ahead: not yet
    assert lapse_recipients() == set()

    DataSharingAgreement.objects.filter(pk=agreement.pk).update(valid_until=TODAY() + timedelta(days=30))
    told = agreement_notify_lapsing()
    managers = {
        world.hub[Role.ADMIN],
        world.hub[Role.COORDINATOR],
        world.agency[Role.ADMIN],
        world.agency[Role.COORDINATOR],
    }
    assert told == 4
    assert lapse_recipients() == {user.pk for user in managers}
    agreement.refresh_from_db()
    assert agreement.lapse_notified_at is not None

    # Not twice: the next runs tell nobody, even with the mark cleared (the notifications are
    # unique per recipient and end date).
    assert agreement_notify_lapsing() == 0
    DataSharingAgreement.objects.filter(pk=agreement.pk).update(lapse_notified_at=None)
    assert agreement_notify_lapsing() == 0
    assert Notification.objects.filter(kind=AGREEMENT_LAPSING).count() == 4


def test_the_lapse_notice_is_written_in_each_recipient_s_language(world):
    """The text is written from codes when shown or sent: the Spanish-speaking coordinator reads
    the date in Spanish, the French-speaking one in French."""
    world.agency[Role.COORDINATOR].preferred_language = "es-419"
    world.agency[Role.COORDINATOR].save()
    factories.agreement(world.referrals, valid_until=TODAY() + timedelta(days=10))
    agreement_notify_lapsing()

    kind = get_kind(AGREEMENT_LAPSING)
    texts = {}
    for notification in Notification.objects.filter(kind=AGREEMENT_LAPSING).select_related("recipient"):
        language = notification.recipient.preferred_language
        with translation.override(language):
            day = date_format(date.fromisoformat(notification.params["valid_until"]), "DATE_FORMAT")
            texts[language] = kind.text(notification.params)
            assert day in texts[language]
    assert set(texts) == {"es-419", "fr-ca"}


def test_ended_agreements_and_closed_partnerships_are_not_announced(world):
    ended = factories.agreement(world.referrals, valid_until=TODAY() + timedelta(days=5))
    services.agreement_end(actor=world.hub[Role.ADMIN], agreement=ended)
    factories.agreement(world.housing, valid_until=TODAY() + timedelta(days=5))
    services.partnership_end(actor=world.hub[Role.ADMIN], partnership=world.housing)
    assert agreement_notify_lapsing() == 0


def test_a_failure_after_the_file_is_stored_takes_the_file_back(world, private_files, monkeypatch):
    """The database rolls back with the service; the file it stored is deleted with it."""

    def audit_fails(**kwargs):
        raise RuntimeError("the audit log is unavailable")

    monkeypatch.setattr(services, "audit_record", audit_fails)
    before = stored_files(private_files)
    with pytest.raises(RuntimeError):
        factories.agreement(world.referrals, actor=world.hub[Role.ADMIN])
    assert not DataSharingAgreement.objects.exists()
    assert stored_files(private_files) == before


def test_a_move_to_another_provider_needs_an_agreement_with_it(world):
    factories.agreement(world.housing)
    held = hold(world)
    other = factories.side(OrganisationKind.HOUSING_PROVIDER)
    partnership = factories.partnership(
        world.hub.organisation, other.organisation, PartnershipScope.HOUSING, with_agreement=False
    )
    other_site = site_of(other.organisation, name="Autre refuge")
    bed = other_site.beds.order_by("pk").first()

    with pytest.raises(ApplicationError) as refused:
        housing_services.move(actor=world.hub[Role.WORKER], record=held, site=other_site, bed_ids=[bed.pk])
    assert refused.value.code == "no_agreement"
    held.refresh_from_db()
    assert held.site == world.site

    factories.agreement(partnership)
    housing_services.move(actor=world.hub[Role.WORKER], record=held, site=other_site, bed_ids=[bed.pk])
    held.refresh_from_db()
    assert held.site == other_site
