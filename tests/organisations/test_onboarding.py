"""A hub brings a partner organisation from nothing to sending and receiving referrals, in pages,
without the platform's staff: the hub's admin adds it and invites its first admin (an email in the
invitee's language with a link that expires); the first admin creates their account from the
link, completes the profile, invites a colleague and ends roles; the partner accepts the hub's
referrals proposal, and the hub refers someone to it. Who may open each of these pages, and the
links that no longer work."""

import re
import threading
from datetime import timedelta

import pytest
import time_machine
from django.conf import settings as django_settings
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import close_old_connections, connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from notifications import organisation_notices
from notifications import services as notification_services
from organisations import services
from organisations.choices import NeedCategory, OrganisationKind, PartnershipScope, PartnershipStatus, Role
from organisations.errors import ApplicationError, ConflictError, NotFoundError
from organisations.models import AuditEntry, Membership, MembershipInvitation, Organisation, Partnership, User
from people.choices import DataGroup
from referrals.choices import ReferralStatus
from tests import factories
from tests.auth import login

FIRST_ADMIN = "ana.perez@emploi-nord.example"
COLLEAGUE = "john.smith@emploi-nord.example"
PASSWORD = "x7-tortuga-ámbar"


@pytest.fixture(autouse=True)
def locmem_email(settings, tmp_path):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {"BACKEND": "organisations.storage.PrivateStorage", "OPTIONS": {"location": tmp_path}},
    }


@pytest.fixture
def hub(db):
    """A welcome hub with an admin and a worker."""
    organisation = factories.organisation(kind=OrganisationKind.HUB, name="Centre d'accueil")
    return factories.Side(
        organisation,
        {role: factories.member(organisation, role) for role in (Role.ADMIN, Role.COORDINATOR, Role.WORKER)},
    )


def onboarding_form(hub, **fields) -> dict:
    """What the hub's admin fills in on the page (the hub is a hidden field when there is one)."""
    return {
        "hub": hub.organisation.pk,
        "name": "Emploi Nord",
        "kind": OrganisationKind.EMPLOYMENT,
        "languages_served": ["es", "fr"],
        "email": "info@emploi-nord.example",
        "phone": "418 555-0199",
        "website": "https://emploi-nord.example",
        "first_admin_email": FIRST_ADMIN,
        "first_admin_language": "es-419",
        "propose_referrals": "on",
        **fields,
    }


def sent_link() -> str:
    """Send the outbox and return the path of the link in the last email."""
    notification_services.outbox_send_due()
    link = re.search(r"http://\S+/invitations/\S+/", mail.outbox[-1].body).group(0)
    return link.removeprefix(django_settings.PASSERELLE_BASE_URL.rstrip("/"))


def create_account(path: str, full_name: str, language: str = "es") -> User:
    """The invited person opens the link in a browser of their own and creates their account."""
    browser = Client(HTTP_ACCEPT_LANGUAGE=language)
    assert browser.get(path).context["state"] == "new_account"
    response = browser.post(
        path, {"answer": "create", "full_name": full_name, "password1": PASSWORD, "password2": PASSWORD}
    )
    assert response.status_code == 302 and response["Location"] == reverse("home")
    return User.objects.get(full_name=full_name)


def onboard(client, hub, **fields) -> Organisation:
    login(client, hub[Role.ADMIN])
    response = client.post(reverse("organisations:organisation-new"), onboarding_form(hub, **fields))
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    return Organisation.objects.get(name=fields.get("name", "Emploi Nord"))


# --- The whole journey ---------------------------------------------------------------------------


def test_a_hub_brings_a_partner_from_nothing_to_receiving_its_referrals(client, hub):
    login(client, hub[Role.ADMIN])
    page = client.get(reverse("organisations:organisation-new"))
    assert page.status_code == 200
    assert OrganisationKind.HUB not in dict(page.context["form"].fields["kind"].choices)
    response = client.post(reverse("organisations:organisation-new"), onboarding_form(hub))
    partner = Organisation.objects.get(name="Emploi Nord")
    assert response.status_code == 302 and response["Location"] == reverse(
        "directory-organisation", args=[partner.slug]
    )
    assert (partner.slug, partner.kind, partner.languages_served) == ("emploi-nord", "employment", ["es", "fr"])
    assert (partner.email, partner.phone, partner.website) == (
        "info@emploi-nord.example",
        "418 555-0199",
        "https://emploi-nord.example",
    )
    # Its role groups are those of any organisation; the hub's admin is no member of it.
    assert partner.role_groups.count() == len(Role)
    assert not Membership.objects.filter(organisation=partner).exists()

    # One email, in the language the hub chose for someone with no account, with the link.
    invitation = MembershipInvitation.objects.get(organisation=partner)
    assert (invitation.email, invitation.role, invitation.language) == (FIRST_ADMIN, Role.ADMIN, "es-419")
    assert invitation.invited_by == hub[Role.ADMIN]
    path = sent_link()
    [email] = mail.outbox
    assert email.to == [FIRST_ADMIN]
    # Sent by the hub, which the email names: the new organisation invites nobody yet.
    assert email.subject == f"Passerelle: {hub.organisation.name} le invita a administrar Emploi Nord"
    assert "Abra este enlace" in email.body and hub.organisation.name in email.body

    # Audited on both organisations' logs.
    logged = set(AuditEntry.objects.values_list("organisation_id", "action"))
    assert {
        (partner.pk, "organisations.organisation.created"),
        (partner.pk, "organisations.invitation.created"),
        (hub.organisation.pk, "organisations.organisation.onboarded"),
        (hub.organisation.pk, "organisations.organisation.first_admin_invited"),
        (hub.organisation.pk, "organisations.partnership.proposed"),
    } <= logged
    proposal = Partnership.objects.get(organisation=hub.organisation, partner=partner)
    assert (proposal.scope, proposal.status) == (PartnershipScope.REFERRALS, PartnershipStatus.PROPOSED)

    # The first admin creates their account from the link and is the organisation's admin.
    first_admin = create_account(path, "Ana Pérez")
    assert Membership.objects.get(user=first_admin, organisation=partner, is_active=True).role == Role.ADMIN
    assert first_admin.preferred_language == "es-419"

    # They complete the profile (not the name).
    admin_client = Client()
    login(admin_client, first_admin)
    edit_url = reverse("organisations:organisation-edit", args=[partner.slug])
    assert admin_client.get(edit_url).status_code == 200
    response = admin_client.post(
        edit_url,
        {
            "description_fr": "Orientation vers l'emploi.",
            "description_es": "Orientación hacia el empleo.",
            "languages_served": ["es", "fr", "en"],
            "email": "contact@emploi-nord.example",
            "phone": "418 555-0200",
            "website": "https://emploi-nord.example/fr",
            "name": "Un autre nom",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    partner.refresh_from_db()
    assert (partner.name, partner.description_fr, partner.description_es, partner.languages_served, partner.email) == (
        "Emploi Nord",
        "Orientation vers l'emploi.",
        "Orientación hacia el empleo.",
        ["es", "fr", "en"],
        "contact@emploi-nord.example",
    )
    updated = AuditEntry.objects.get(action="organisations.organisation.updated", organisation=partner)
    assert updated.actor == first_admin

    # They invite a colleague, in English, who accepts by creating their account.
    response = admin_client.post(
        reverse("organisations:member-invite"),
        {"organisation": partner.pk, "email": COLLEAGUE, "role": Role.WORKER, "language": "en-ca"},
    )
    assert response.status_code == 302
    path = sent_link()
    assert mail.outbox[-1].subject == "Passerelle: Emploi Nord invites you"
    assert "Open this link" in mail.outbox[-1].body
    colleague = create_account(path, "John Smith", language="en")
    assert Membership.objects.get(user=colleague, organisation=partner).role == Role.WORKER

    # The partner accepts the hub's referrals proposal on its partnerships page.
    waiting = admin_client.get(reverse("organisations:partnerships")).context["waiting"]
    assert [row.pk for row in waiting] == [proposal.pk]
    admin_client.post(reverse("organisations:partnership-accept", args=[proposal.pk]))
    proposal.refresh_from_db()
    assert proposal.status == PartnershipStatus.ACTIVE

    # The profile page shows it to both sides.
    for reader in (admin_client, client):
        page = reader.get(reverse("directory-organisation", args=[partner.slug]))
        assert [row.pk for row in page.context["partnerships"]] == [proposal.pk]

    # The hub records the data-sharing agreement the partnership rests on, then refers someone.
    services.agreement_record(
        actor=hub[Role.ADMIN],
        partnership=proposal,
        reference="ENT-2026-01",
        purposes=[NeedCategory.FOOD, NeedCategory.EMPLOYMENT],
        data_groups=[DataGroup.IDENTITY, DataGroup.CONTACT],
        valid_from=timezone.localdate(),
        valid_until=timezone.localdate() + timedelta(days=365),
        document=SimpleUploadedFile("entente.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf"),
    )
    referral = factories.referral(
        hub.organisation, partner, actor=hub[Role.WORKER], need_category=NeedCategory.EMPLOYMENT
    )
    assert referral.status == ReferralStatus.SENT
    colleague_client = Client()
    login(colleague_client, colleague)
    inbox = colleague_client.get(reverse("referrals:inbox"))
    assert inbox.status_code == 200 and str(referral.pk) in inbox.content.decode()


# --- The first admin's link: expiry, use, a new one from the hub ----------------------------------


def test_an_expired_first_admin_link_is_answered_clearly_and_the_hub_sends_another(client, hub):
    partner = onboard(client, hub)
    first = sent_link()
    profile_url = reverse("directory-organisation", args=[partner.slug])
    assert client.get(profile_url).context["first_admin"]["invitation"].email == FIRST_ADMIN
    # While it waits, the hub cannot send a second one.
    with pytest.raises(ConflictError) as waiting:
        services.organisation_invite_first_admin(actor=hub[Role.ADMIN], organisation=partner, email="x@example.org")
    assert waiting.value.code == "admin_invited"

    later = timezone.now() + timedelta(days=django_settings.INVITATION_VALID_DAYS, minutes=1)
    with time_machine.travel(later):
        expired = Client(HTTP_ACCEPT_LANGUAGE="es").get(first)
        assert (expired.status_code, expired.context["state"]) == (410, "expired")
        login(client, hub[Role.ADMIN])  # a week later: a new session
        page = client.get(profile_url)
        assert page.context["first_admin"]["invitation"] is None
        response = client.post(
            reverse("organisations:first-admin-invite", args=[partner.slug]),
            {"email": "autre.admin@emploi-nord.example", "language": "en-ca"},
        )
        assert response.status_code == 302
        second = sent_link()
        assert (
            mail.outbox[-1].subject == f"Passerelle: {hub.organisation.name} invites you to be the admin of Emploi Nord"
        )
        account = create_account(second, "Zoé Autre")
        assert Membership.objects.get(user=account, organisation=partner).role == Role.ADMIN
        # Used once; the old link stays expired; the hub's right to invite has ended.
        used = Client().get(second)
        assert (used.status_code, used.context["state"]) == (410, "accepted")
        assert Client().post(second, {"answer": "create", "full_name": "X"}).status_code == 410
        assert client.get(profile_url).context["first_admin"] is None
        with pytest.raises(ConflictError) as has_admin:
            services.organisation_invite_first_admin(actor=hub[Role.ADMIN], organisation=partner, email="x@example.org")
        assert has_admin.value.code == "has_admin"
    assert (
        AuditEntry.objects.filter(
            action="organisations.organisation.first_admin_invited", organisation=hub.organisation
        ).count()
        == 2
    )


def test_a_declined_first_admin_invitation_lets_the_hub_invite_again(client, hub):
    partner = onboard(client, hub)
    path = sent_link()
    assert Client().post(path, {"answer": "decline"}).context["state"] == "declined_now"
    again = Client().get(path)
    assert (again.status_code, again.context["state"]) == (410, "declined")
    invitation = services.organisation_invite_first_admin(
        actor=hub[Role.ADMIN], organisation=partner, email="autre@emploi-nord.example", language="es-419"
    )
    assert invitation.role == Role.ADMIN and invitation.language == "es-419"


# --- Bad input on the new organisation's page -------------------------------------------------------


def test_a_name_that_reads_like_another_is_refused_on_the_name(client, hub):
    factories.organisation(name="Emploi Nord")
    login(client, hub[Role.ADMIN])
    response = client.post(reverse("organisations:organisation-new"), onboarding_form(hub, name="EMPLOI-NORD"))
    assert response.status_code == 400
    assert response.context["form"].errors["name"]
    assert not MembershipInvitation.objects.exists() and not mail.outbox
    assert Organisation.objects.count() == 2


def test_a_hub_kind_is_not_offered_and_refused_by_the_service(client, hub):
    login(client, hub[Role.ADMIN])
    response = client.post(reverse("organisations:organisation-new"), onboarding_form(hub, kind=OrganisationKind.HUB))
    assert response.status_code == 400 and response.context["form"].errors["kind"]
    with pytest.raises(ApplicationError) as refused:
        services.organisation_onboard(
            actor=hub[Role.ADMIN],
            hub=hub.organisation,
            name="Autre centre",
            kind=OrganisationKind.HUB,
            first_admin_email=FIRST_ADMIN,
        )
    assert refused.value.code == "hub_kind"
    assert not Organisation.objects.filter(name="Autre centre").exists()


def test_a_bad_first_admin_address_writes_nothing(client, hub):
    login(client, hub[Role.ADMIN])
    response = client.post(
        reverse("organisations:organisation-new"), onboarding_form(hub, first_admin_email="pas-un-courriel")
    )
    assert response.status_code == 400 and response.context["form"].errors["first_admin_email"]
    assert not Organisation.objects.filter(name="Emploi Nord").exists()


def test_a_failure_after_the_organisation_is_saved_leaves_nothing_behind(hub, monkeypatch):
    """One transaction: when the invitation's email cannot be queued, neither the organisation
    nor its audit entries stay."""

    def refuse(**kwargs):
        raise RuntimeError("the outbox is unavailable")

    # The email is queued by the receiver of the invitation's signal, inside the same transaction.
    monkeypatch.setattr(organisation_notices, "email_queue", refuse)
    entries = AuditEntry.objects.count()
    with pytest.raises(RuntimeError):
        services.organisation_onboard(
            actor=hub[Role.ADMIN],
            hub=hub.organisation,
            name="Emploi Nord",
            kind=OrganisationKind.EMPLOYMENT,
            first_admin_email=FIRST_ADMIN,
        )
    assert not Organisation.objects.filter(name="Emploi Nord").exists()
    assert AuditEntry.objects.count() == entries


# --- Who may open each page ---------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.WORKER])
def test_only_a_hubs_admins_create_organisations(client, hub, role):
    partner = factories.side(OrganisationKind.EMPLOYMENT, roles=(Role.ADMIN,))
    for user in (hub[role], partner[Role.ADMIN]):
        login(client, user)
        assert client.get(reverse("organisations:organisation-new")).status_code == 404
        assert client.post(reverse("organisations:organisation-new"), onboarding_form(hub)).status_code == 404
        with pytest.raises(NotFoundError):
            services.organisation_onboard(
                actor=user,
                hub=hub.organisation,
                name="Emploi Nord",
                kind=OrganisationKind.EMPLOYMENT,
                first_admin_email=FIRST_ADMIN,
            )
    # The partner's admin has no link to it on the members page; the hub's admin has.
    assert (
        reverse("organisations:organisation-new") not in client.get(reverse("organisations:members")).content.decode()
    )
    login(client, hub[Role.ADMIN])
    assert reverse("organisations:organisation-new") in client.get(reverse("organisations:members")).content.decode()
    assert not Organisation.objects.filter(name="Emploi Nord").exists()


def test_an_inactive_hubs_admin_creates_nothing(client, hub):
    Organisation.objects.filter(pk=hub.organisation.pk).update(is_active=False)
    login(client, hub[Role.ADMIN])
    assert client.get(reverse("organisations:organisation-new")).status_code == 404


def test_only_its_admins_edit_a_profile(client, network):
    organisation = network.a.organisation
    url = reverse("organisations:organisation-edit", args=[organisation.slug])
    for user in (network.a[Role.WORKER], network.a[Role.COORDINATOR], network.b[Role.ADMIN], network.outsider):
        login(client, user)
        assert client.get(url).status_code == 404
        assert client.post(url, {"email": "pris@example.org"}).status_code == 404
        page = client.get(reverse("directory-organisation", args=[organisation.slug]))
        assert page.status_code == 404 or not page.context["can_edit"]
    organisation.refresh_from_db()
    assert organisation.email != "pris@example.org"
    missing = reverse("organisations:organisation-edit", args=["pas-un-organisme"])
    login(client, network.a[Role.ADMIN])
    assert client.get(missing).status_code == 404
    assert client.get(reverse("directory-organisation", args=[organisation.slug])).context["can_edit"]
    # A bad address is told next to its field, and nothing is saved.
    response = client.post(url, {"email": "pas-une-adresse", "website": "ftp://x"})
    assert response.status_code == 400 and set(response.context["form"].errors) == {"email", "website"}
    # A description in Spanish only is refused on the French one: readers fall back to French.
    response = client.post(url, {"description_es": "Solo en español."})
    assert response.status_code == 400 and set(response.context["form"].errors) == {"description_fr"}
    organisation.refresh_from_db()
    assert organisation.description_es != "Solo en español."


def test_another_hub_cannot_invite_the_first_admin_of_an_organisation_it_did_not_bring(client, hub):
    partner = onboard(client, hub)
    path = sent_link()
    Client().post(path, {"answer": "decline"})
    other_hub = factories.side(OrganisationKind.HUB, roles=(Role.ADMIN,))
    url = reverse("organisations:first-admin-invite", args=[partner.slug])
    for user in (other_hub[Role.ADMIN], hub[Role.WORKER], hub[Role.COORDINATOR]):
        login(client, user)
        assert client.post(url, {"email": "moi@example.org", "language": "fr-ca"}).status_code == 404
        assert client.get(reverse("directory-organisation", args=[partner.slug])).context["first_admin"] is None
    # Nor may the hub for an organisation the platform created.
    platform_made = factories.organisation(kind=OrganisationKind.FOOD_AID)
    login(client, hub[Role.ADMIN])
    assert (
        client.post(
            reverse("organisations:first-admin-invite", args=[platform_made.slug]),
            {"email": "moi@example.org", "language": "fr-ca"},
        ).status_code
        == 404
    )
    assert not MembershipInvitation.objects.filter(email="moi@example.org").exists()


# --- Members: roles end in the page ---------------------------------------------------------------------


def test_an_admin_ends_a_role_in_the_page_but_not_the_last_admin_role(client, network):
    admin, worker = network.a[Role.ADMIN], network.a[Role.WORKER]
    login(client, admin)
    page = client.get(reverse("organisations:members")).content.decode()
    membership = Membership.objects.get(user=worker, organisation=network.a.organisation)
    end_url = reverse("organisations:membership-end", args=[membership.pk])
    assert end_url in page
    assert client.get(end_url).status_code == 405
    response = client.post(end_url, follow=True)
    membership.refresh_from_db()
    assert not membership.is_active
    assert not worker.groups.filter(role_group__organisation=network.a.organisation).exists()
    assert response.redirect_chain[-1][0] == reverse("organisations:members")
    entry = AuditEntry.objects.get(action="organisations.membership.ended", object_id=str(membership.pk))
    assert (entry.actor, entry.organisation) == (admin, network.a.organisation)
    assert client.post(end_url).status_code == 404  # already ended: not offered any more

    own = Membership.objects.get(user=admin, organisation=network.a.organisation, role=Role.ADMIN)
    response = client.post(reverse("organisations:membership-end", args=[own.pk]), follow=True)
    own.refresh_from_db()
    assert own.is_active
    assert any("last admin" in str(message) or "dernier" in str(message) for message in response.context["messages"])


def test_ending_ones_own_admin_role_leads_home(client, network):
    second = factories.member(network.a.organisation, Role.ADMIN)
    login(client, second)
    own = Membership.objects.get(user=second, organisation=network.a.organisation)
    response = client.post(reverse("organisations:membership-end", args=[own.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("home")


def test_nobody_else_ends_a_role(client, network):
    membership = Membership.objects.get(user=network.a[Role.WORKER], organisation=network.a.organisation)
    url = reverse("organisations:membership-end", args=[membership.pk])
    for user in (network.a[Role.COORDINATOR], network.a[Role.WORKER], network.b[Role.ADMIN], network.outsider):
        login(client, user)
        assert client.post(url).status_code == 404
    assert client.post(reverse("organisations:membership-end", args=[999999])).status_code == 404
    membership.refresh_from_db()
    assert membership.is_active


# --- The profile page: what each reader sees ------------------------------------------------------------


def test_the_profile_shows_partnerships_and_sites_to_whom_the_policy_shows_them(client, hub):
    from housing.models import Site

    provider = factories.side(OrganisationKind.HOUSING_PROVIDER, roles=(Role.ADMIN, Role.WORKER))
    third = factories.side(OrganisationKind.FOOD_AID, roles=(Role.ADMIN,))
    site = Site.objects.create(
        provider=provider.organisation, name="Maison du Phare", address="1, rue du Port", kind="short_term"
    )
    housing = factories.partnership(hub.organisation, provider.organisation, PartnershipScope.HOUSING)
    url = reverse("directory-organisation", args=[provider.organisation.slug])
    seen = {}
    for name, user in (("hub", hub[Role.WORKER]), ("provider", provider[Role.WORKER]), ("third", third[Role.ADMIN])):
        login(client, user)
        page = client.get(url)
        assert page.status_code == 200
        seen[name] = ([row.pk for row in page.context["partnerships"]], "Maison du Phare" in page.content.decode())
    assert seen == {"hub": ([housing.pk], True), "provider": ([housing.pk], True), "third": ([], False)}
    assert reverse("housing:site", args=[site.pk]) not in page.content.decode()
    assert client.get(reverse("directory-organisation", args=["pas-un-organisme"])).status_code == 404


def test_the_onboarding_page_offers_the_users_hubs_and_the_interface_languages(client, hub):
    other_hub = factories.organisation(kind=OrganisationKind.HUB)
    login(client, hub[Role.ADMIN])
    form = client.get(reverse("organisations:organisation-new")).context["form"]
    assert list(form.fields["hub"].queryset) == [hub.organisation]
    assert {value for value, _label in form.fields["first_admin_language"].choices} == {"fr-ca", "en-ca", "es-419"}
    response = client.post(reverse("organisations:organisation-new"), {**onboarding_form(hub), "hub": other_hub.pk})
    assert response.status_code == 400 and response.context["form"].errors["hub"]
    assert not Organisation.objects.filter(name="Emploi Nord").exists()


# --- The race: two of the hub's admins invite the first admin at once ------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_hub_admins_inviting_the_first_admin_at_once_send_one_invitation():
    hub_organisation = factories.organisation(kind=OrganisationKind.HUB)
    admins = [factories.member(hub_organisation, Role.ADMIN) for _ in range(2)]
    partner = services.organisation_onboard(
        actor=admins[0],
        hub=hub_organisation,
        name="Emploi Nord",
        kind=OrganisationKind.EMPLOYMENT,
        first_admin_email=FIRST_ADMIN,
    )
    first = MembershipInvitation.objects.get(organisation=partner)
    services.invitation_decline(invitation=first, user=None)
    barrier = threading.Barrier(2)
    outcomes = []

    def attempt(admin, email):
        try:
            barrier.wait()
            outcomes.append(services.organisation_invite_first_admin(actor=admin, organisation=partner, email=email))
        except Exception as error:  # collected and checked below
            outcomes.append(error)
        finally:
            close_old_connections()

    threads = [
        threading.Thread(target=attempt, args=(admin, f"admin{number}@emploi-nord.example"))
        for number, admin in enumerate(admins)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    sent = [outcome for outcome in outcomes if isinstance(outcome, MembershipInvitation)]
    refused = [outcome for outcome in outcomes if isinstance(outcome, ConflictError)]
    assert (len(sent), [error.code for error in refused]) == (1, ["admin_invited"]), outcomes
    assert MembershipInvitation.objects.pending().filter(organisation=partner, role=Role.ADMIN).count() == 1
    assert connection.vendor == "postgresql"


def test_the_invitation_page_speaks_the_invitations_language_when_the_browser_names_none_of_ours(client, hub):
    services.invitation_create(
        actor=hub[Role.ADMIN],
        organisation=hub.organisation,
        email="nueva@example.org",
        role=Role.WORKER,
        language="es-419",
    )
    path = sent_link()
    # A browser that asks for German, or for nothing: the page is in Spanish, as the email was.
    assert Client(HTTP_ACCEPT_LANGUAGE="de-DE,de;q=0.9").get(path)["Content-Language"] == "es-419"
    assert Client().get(path)["Content-Language"] == "es-419"
    # A browser that names one of ours, or chose one with the language switcher, keeps it.
    assert Client(HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").get(path)["Content-Language"] == "en-ca"
    chosen = Client(HTTP_ACCEPT_LANGUAGE="de")
    chosen.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "fr-ca"
    assert chosen.get(path)["Content-Language"] == "fr-ca"
