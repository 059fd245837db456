"""A role is offered, never imposed: an admin invites an address, the person accepts from the link
in the email (with their account, or by creating one). Nothing an admin sees says whether the
address has an account; a link used, revoked or expired gets a clear page."""

import hashlib
import re
from datetime import timedelta

import pytest
import time_machine
from django.conf import settings as django_settings
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from notifications import services as notification_services
from notifications.models import OutgoingEmail
from organisations import services
from organisations.choices import Role
from organisations.errors import NotFoundError
from organisations.models import AuditEntry, Membership, MembershipInvitation, User
from tests import factories
from tests.auth import login

NEW_ADDRESS = "nouvelle.personne@example.org"


@pytest.fixture(autouse=True)
def locmem_email(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def invite(api, network, email: str, **fields):
    api.force_authenticate(network.a[Role.ADMIN])
    body = {"organisation": network.a.organisation.pk, "email": email, "role": Role.WORKER, **fields}
    return api.post(reverse("membership-invitation-list"), body, format="json")


def sent_link() -> str:
    """Send the outbox and return the link of the last email (the only copy of the secret)."""
    notification_services.outbox_send_due()
    return re.search(r"http://\S+/invitations/\S+/", mail.outbox[-1].body).group(0)


def link_path(link: str) -> str:
    return link.removeprefix(django_settings.PASSERELLE_BASE_URL.rstrip("/"))


# --- What the admin sees: the same answer whether or not the address has an account ------------------------


def test_the_answer_is_the_same_for_an_address_with_and_without_an_account(api, network):
    existing = network.b[Role.WORKER]
    answers = {email: invite(api, network, email) for email in (existing.email, NEW_ADDRESS)}
    assert {response.status_code for response in answers.values()} == {201}
    varying = {"id", "email", "created_at", "expires_at"}
    shapes = [
        {key: value for key, value in response.json().items() if key not in varying} for response in answers.values()
    ]
    assert shapes[0] == shapes[1]
    assert set(answers[NEW_ADDRESS].json()) == set(answers[existing.email].json())
    assert answers[NEW_ADDRESS].json()["status"] == "pending"
    entries = AuditEntry.objects.filter(action="organisations.invitation.created").order_by("pk")
    assert [(entry.details, entry.organisation) for entry in entries] == [
        ({"role": Role.WORKER}, network.a.organisation)
    ] * 2
    # Nothing was granted and no account was made.
    assert not Membership.objects.filter(user=existing, organisation=network.a.organisation).exists()
    assert not User.objects.filter(email=NEW_ADDRESS).exists()


def test_the_invitation_list_looks_the_same_too(api, network):
    invite(api, network, network.b[Role.WORKER].email)
    invite(api, network, NEW_ADDRESS)
    rows = api.get(reverse("membership-invitation-list")).json()["results"]
    assert {tuple(sorted(row)) for row in rows} == {tuple(sorted(rows[0]))}
    assert {row["status"] for row in rows} == {"pending"}
    api.post(reverse("membership-invitation-revoke", args=[rows[0]["id"]]))
    pending = api.get(reverse("membership-invitation-list"), {"pending": "true"}).json()["results"]
    assert [row["id"] for row in pending] == [rows[1]["id"]]


def test_refusals_name_only_what_the_admin_already_sees(api, network):
    colleague = network.a[Role.LIAISON]
    member = invite(api, network, colleague.email, role=Role.LIAISON)
    assert (member.status_code, member.json()["code"]) == (409, "already_member")
    assert invite(api, network, NEW_ADDRESS).status_code == 201
    twice = invite(api, network, NEW_ADDRESS)
    assert (twice.status_code, twice.json()["code"]) == (409, "already_invited")
    yesterday = (timezone.now() - timedelta(days=1)).isoformat()
    past = invite(api, network, "autre@example.org", membership_valid_until=yesterday)
    assert (past.status_code, past.json()["code"]) == (422, "invalid_valid_until")


def test_the_link_secret_is_stored_as_a_hash_and_leaves_the_outbox_once_sent(api, network, settings):
    settings.INVITATION_VALID_DAYS = 3
    response = invite(api, network, NEW_ADDRESS)
    invitation = MembershipInvitation.objects.get(pk=response.json()["id"])
    assert timedelta(days=3) - timedelta(minutes=1) < invitation.expires_at - timezone.now() <= timedelta(days=3)
    email = OutgoingEmail.objects.get(address=NEW_ADDRESS)
    token = link_path(sent_link()).split("/")[2]
    assert invitation.token_hash == hashlib.sha256(token.encode()).hexdigest() != token
    email.refresh_from_db()
    assert (email.status, email.params) == (OutgoingEmail.Status.SENT, {})


@pytest.mark.parametrize(
    ("account_language", "chosen", "expected", "subject"),
    [
        (None, "es-419", "es-419", "Passerelle: {org} le invita"),
        (None, None, "fr-ca", "Passerelle : {org} vous invite"),
        ("en-ca", "es-419", "en-ca", "Passerelle: {org} invites you"),
    ],
)
def test_the_email_is_in_the_invitees_language(api, network, account_language, chosen, expected, subject):
    email = NEW_ADDRESS
    if account_language:
        email = factories.user(language=account_language).email
    invite(api, network, email, **({"language": chosen} if chosen else {}))
    assert OutgoingEmail.objects.get(address=email).language == expected
    sent_link()
    [message] = mail.outbox
    assert message.to == [email]
    assert message.subject == subject.format(org=network.a.organisation.name)


# --- The invitee's page --------------------------------------------------------------------------------


@pytest.fixture
def existing_invitee(network):
    """Someone with an account elsewhere, invited to A: the invitation and its link's path."""
    person = network.b[Role.WORKER]
    invitation = services.invitation_create(
        actor=network.a[Role.ADMIN], organisation=network.a.organisation, email=person.email, role=Role.COORDINATOR
    )
    return person, invitation, link_path(sent_link())


def test_an_account_logs_in_then_accepts(client, network, existing_invitee):
    person, invitation, path = existing_invitee
    page = client.get(path)
    assert page.status_code == 200
    assert page.context["state"] == "log_in"
    assert f"{reverse('login')}?next=" in page.content.decode()
    assert client.post(path, {"answer": "accept"}).status_code == 400  # not logged in: nothing granted
    assert not Membership.objects.filter(user=person, organisation=network.a.organisation).exists()

    login(client, person)
    assert client.get(path).context["state"] == "answer"
    response = client.post(path, {"answer": "accept"})
    assert response.status_code == 302 and response["Location"] == reverse("home")
    membership = Membership.objects.get(user=person, organisation=network.a.organisation, role=Role.COORDINATOR)
    assert membership.is_active
    assert person.groups.filter(role_group__organisation=network.a.organisation).exists()
    granted = AuditEntry.objects.get(action="organisations.membership.granted", object_id=str(membership.pk))
    assert (granted.actor, granted.details["invitation"]) == (person, invitation.pk)
    assert AuditEntry.objects.filter(action="organisations.invitation.accepted", actor=person).exists()

    used = client.get(path)
    assert (used.status_code, used.context["state"]) == (410, "accepted")
    assert "déjà reçu une réponse" in used.content.decode()


def test_another_logged_in_account_is_told_it_is_for_someone_else(client, network, existing_invitee):
    person, invitation, path = existing_invitee
    for intruder in (network.a[Role.ADMIN], network.outsider):
        login(client, intruder)
        for response in (client.get(path), client.post(path, {"answer": "accept"})):
            html = response.content.decode()
            assert (response.status_code, response.context["state"]) == (200, "someone_else")
            assert person.email not in html and person.full_name not in html
    assert not Membership.objects.filter(user=person, organisation=network.a.organisation).exists()
    with pytest.raises(NotFoundError):
        services.invitation_accept(invitation=invitation, user=network.outsider)


def test_a_new_person_sets_a_password_and_is_in(client, network, api):
    invite(api, network, NEW_ADDRESS, language="es-419")
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "es"
    path = link_path(sent_link())
    page = client.get(path)
    assert page.context["state"] == "new_account"

    mismatch = client.post(
        path, {"answer": "create", "full_name": "Ana Pérez", "password1": "x7-tortuga-ámbar", "password2": "other"}
    )
    assert mismatch.status_code == 400
    assert mismatch.context["form"].errors["password2"]
    weak = client.post(path, {"answer": "create", "full_name": "Ana Pérez", "password1": "1234", "password2": "1234"})
    assert weak.status_code == 400 and weak.context["form"].errors["password1"]
    assert not User.objects.filter(email=NEW_ADDRESS).exists()

    response = client.post(
        path,
        {
            "answer": "create",
            "full_name": "Ana Pérez",
            "password1": "x7-tortuga-ámbar",
            "password2": "x7-tortuga-ámbar",
        },
    )
    assert response.status_code == 302 and response["Location"] == reverse("home")
    account = User.objects.get(email=NEW_ADDRESS)
    assert (account.full_name, account.preferred_language) == ("Ana Pérez", "es-419")
    assert account.check_password("x7-tortuga-ámbar")
    assert Membership.objects.get(user=account).organisation == network.a.organisation
    # Logged in with the password; a worker then sets up the second factor before anything else.
    home = client.get(reverse("home"))
    assert home.status_code == 302 and home["Location"].startswith(reverse("two-factor-setup"))
    assert client.get(reverse("two-factor-setup")).context["user"] == account
    assert Client().get(path).status_code == 410  # the link works once


def test_a_bad_name_and_a_weak_password_are_both_shown_next_to_their_fields(client, network, api):
    invite(api, network, NEW_ADDRESS, language="es-419")
    path = link_path(sent_link())
    response = client.post(
        path,
        {"answer": "create", "full_name": "Ana\u200e Pérez", "password1": "1234", "password2": "1234"},
        HTTP_ACCEPT_LANGUAGE="es-419",
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert "Escriba el nombre solo con letras" in errors["full_name"][0]
    assert errors["password1"]
    assert not any("Escriba el nombre" in message for message in errors["password1"])
    page = response.content.decode()
    # The name's field is marked invalid, its message tied to it for screen readers.
    name_field = re.search(r'<input type="text" name="full_name"[^>]*>', page).group(0)
    assert 'aria-invalid="true"' in name_field and "id_full_name_error" in name_field
    assert page.count('class="field field--error"') == 2
    assert not User.objects.filter(email=NEW_ADDRESS).exists()


def test_the_new_account_speaks_the_language_the_person_used_on_the_invitation_page(client, network, api):
    """The admin chose the email's language (French here) without knowing the person's; the
    person read the invitation page in Spanish, so the account and the next pages are Spanish."""
    invite(api, network, NEW_ADDRESS)
    assert MembershipInvitation.objects.get(email=NEW_ADDRESS).language == "fr-ca"
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "es"
    path = link_path(sent_link())
    assert client.get(path).context["LANGUAGE_CODE"] == "es-419"
    response = client.post(
        path,
        {
            "answer": "create",
            "full_name": "Ana Pérez",
            "password1": "x7-tortuga-ámbar",
            "password2": "x7-tortuga-ámbar",
        },
        follow=True,
    )
    assert User.objects.get(email=NEW_ADDRESS).preferred_language == "es-419"
    assert response.redirect_chain[-1][0].startswith(reverse("two-factor-setup"))
    # The set-up page is Spanish, like the welcome message on it, even without the browser's hint.
    del client.defaults["HTTP_ACCEPT_LANGUAGE"]
    setup = client.get(reverse("two-factor-setup"))
    assert setup.context["LANGUAGE_CODE"] == "es-419"
    assert '<html lang="es-419">' in response.content.decode()
    assert "Le damos la bienvenida" in response.content.decode()


@pytest.mark.parametrize("how", ["expired", "revoked", "declined", "unknown"])
def test_a_link_that_no_longer_works_gets_a_clear_page(client, api, network, how):
    response = invite(api, network, NEW_ADDRESS)
    path = link_path(sent_link())
    invitation = MembershipInvitation.objects.get(pk=response.json()["id"])
    if how == "expired":
        MembershipInvitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now())
    elif how == "revoked":
        assert api.post(reverse("membership-invitation-revoke", args=[invitation.pk])).status_code == 200
        again = api.post(reverse("membership-invitation-revoke", args=[invitation.pk]))
        assert (again.status_code, again.json()["code"]) == (409, "invitation_revoked")
    elif how == "declined":
        assert client.post(path, {"answer": "decline"}).context["state"] == "declined_now"
    else:
        path = reverse("organisations:invitation", args=["not-a-real-secret"])
    for answer in (client.get(path), client.post(path, {"answer": "create", "full_name": "X"})):
        assert answer.status_code == (404 if how == "unknown" else 410)
        assert answer.context["state"] == {"declined": "declined"}.get(how, how)
    assert not User.objects.filter(email=NEW_ADDRESS).exists()


def test_an_admin_sees_and_revokes_pending_invitations_in_the_page(client, api, network):
    invite(api, network, NEW_ADDRESS)
    invitation = MembershipInvitation.objects.get()
    login(client, network.a[Role.ADMIN])
    page = client.get(reverse("organisations:members"))
    assert NEW_ADDRESS in page.content.decode()
    client.post(reverse("organisations:invitation-revoke", args=[invitation.pk]))
    assert NEW_ADDRESS not in client.get(reverse("organisations:members")).content.decode()
    invitation.refresh_from_db()
    assert invitation.revoked_by == network.a[Role.ADMIN]
    # A's coordinators have no such page; B's admins have theirs, without A's invitations; neither revokes.
    login(client, network.a[Role.COORDINATOR])
    assert client.get(reverse("organisations:members")).status_code == 404
    assert client.post(reverse("organisations:invitation-revoke", args=[invitation.pk])).status_code == 404
    login(client, network.b[Role.ADMIN])
    assert NEW_ADDRESS not in client.get(reverse("organisations:members")).content.decode()
    assert client.post(reverse("organisations:invitation-revoke", args=[invitation.pk])).status_code == 404


def test_the_members_page_invites_with_the_same_answer_for_any_address(client, network):
    login(client, network.a[Role.ADMIN])
    url = reverse("organisations:member-invite")
    pages = [
        client.post(
            url,
            {"organisation": network.a.organisation.pk, "email": email, "role": Role.WORKER, "language": "fr-ca"},
            follow=True,
        )
        for email in (network.b[Role.WORKER].email, NEW_ADDRESS)
    ]
    messages = [[str(message) for message in page.context["messages"]] for page in pages]
    assert [m[0].replace(network.b[Role.WORKER].email, NEW_ADDRESS) for m in messages[:1]] == messages[1]
    assert MembershipInvitation.objects.count() == 2
    assert client.get(reverse("organisations:members")).status_code == 200
    login(client, network.a[Role.COORDINATOR])
    assert client.get(reverse("organisations:members")).status_code == 404


# --- Against flooding addresses with invitations (outside test, F4) ----------------------------------------


def test_a_second_pending_invitation_for_the_same_address_is_refused_whatever_the_role(api, client, network):
    assert invite(api, network, NEW_ADDRESS, role=Role.WORKER).status_code == 201
    other_role = invite(api, network, NEW_ADDRESS, role=Role.ADMIN, language="fr-ca")
    assert (other_role.status_code, other_role.json()["code"]) == (409, "already_invited")
    assert "révoquez" in other_role.json()["detail"].lower()
    login(client, network.a[Role.ADMIN])
    page = client.post(
        reverse("organisations:member-invite"),
        {
            "organisation": network.a.organisation.pk,
            "email": NEW_ADDRESS.upper(),
            "role": Role.ADMIN,
            "language": "fr-ca",
        },
        HTTP_ACCEPT_LANGUAGE="fr",
    )
    assert page.status_code == 400 and page.context["form"].errors["email"]
    assert MembershipInvitation.objects.filter(email=NEW_ADDRESS).count() == 1

    # Revoked, the first no longer stands in the way; another organisation may invite at once.
    first = MembershipInvitation.objects.get(email=NEW_ADDRESS)
    assert api.post(reverse("membership-invitation-revoke", args=[first.pk])).status_code == 200
    assert invite(api, network, NEW_ADDRESS, role=Role.ADMIN).status_code == 201
    api.force_authenticate(network.b[Role.ADMIN])
    body = {"organisation": network.b.organisation.pk, "email": NEW_ADDRESS, "role": Role.WORKER}
    assert api.post(reverse("membership-invitation-list"), body, format="json").status_code == 201


def test_an_organisation_sends_at_most_so_many_invitations_an_hour(api, client, network, settings):
    settings.INVITATIONS_PER_HOUR = 3
    for number in range(3):
        assert invite(api, network, f"personne{number}@example.org").status_code == 201
    refused = invite(api, network, "une-de-trop@example.org")
    assert (refused.status_code, refused.json()["code"]) == (429, "too_many_invitations")
    assert 3000 < int(refused["Retry-After"]) <= 3600
    assert not MembershipInvitation.objects.filter(email="une-de-trop@example.org").exists()
    login(client, network.a[Role.ADMIN])
    page = client.post(
        reverse("organisations:member-invite"),
        {
            "organisation": network.a.organisation.pk,
            "email": "une-de-trop@example.org",
            "role": Role.WORKER,
            "language": "fr-ca",
        },
    )
    assert page.status_code == 429 and page.context["form"].non_field_errors()
    assert int(page["Retry-After"]) > 0
    # Another organisation is not held back; an hour later, this one may invite again.
    api.force_authenticate(network.b[Role.ADMIN])
    body = {"organisation": network.b.organisation.pk, "email": "une-de-trop@example.org", "role": Role.WORKER}
    assert api.post(reverse("membership-invitation-list"), body, format="json").status_code == 201
    with time_machine.travel(timezone.now() + timedelta(hours=1, seconds=1)):
        assert invite(api, network, "une-de-trop@example.org").status_code == 201
    schema = api.get(reverse("api-schema"), {"format": "json"}).json()
    assert "429" in schema["paths"]["/api/v1/membership-invitations/"]["post"]["responses"]
