"""Partnerships are granted by the side that owns them: one side proposes, the other accepts, and
only then does the partnership give anything (the beds board, holds, referrals). Either side ends
it at once; every step is audited and notified; partnerships made before proposals existed are
migrated as accepted."""

import asyncio
import json
import re
from dataclasses import dataclass
from datetime import timedelta

import pytest
import time_machine
from channels.db import database_sync_to_async
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from django.utils import formats, timezone, translation

from housing.models import Site
from notifications.models import Notification
from organisations import services
from organisations.choices import NeedCategory, OrganisationKind, PartnershipScope, PartnershipStatus, Role
from organisations.models import AuditEntry, Partnership
from people.choices import DataGroup, NeedUrgency
from tests import factories
from tests.auth import login
from tests.factories import Side
from tests.housing.test_api_permissions import site_of
from tests.sockets import open_socket


@dataclass
class World:
    """A hub, a housing provider with one site and an employment agency, with no partnership; a
    person of the hub who consented to share with the agency."""

    hub: Side
    provider: Side
    agency: Side
    site: Site
    person: object
    consent: object


def build_world() -> World:
    hub = factories.side(OrganisationKind.HUB)
    provider = factories.side(OrganisationKind.HOUSING_PROVIDER)
    agency = factories.side(OrganisationKind.EMPLOYMENT)
    person = factories.person(hub.organisation, actor=hub[Role.WORKER])
    consent = factories.consent(person, agency.organisation, actor=hub[Role.WORKER])
    return World(hub, provider, agency, site_of(provider.organisation), person, consent)


@pytest.fixture
def world(db):
    return build_world()


def propose(api, user, organisation, partner, scope, **fields):
    api.force_authenticate(user)
    body = {"organisation": organisation.pk, "partner": partner.pk, "scope": scope, **fields}
    return api.post(reverse("partnership-list"), body, format="json")


def act(api, user, partnership_id: int, name: str):
    api.force_authenticate(user)
    return api.post(reverse(f"partnership-{name}", args=[partnership_id]))


def board(api, world) -> dict:
    """What the hub's worker gets of the provider's site: on the board, its detail, a hold."""
    api.force_authenticate(world.hub[Role.WORKER])
    listed = {row["id"] for row in api.get(reverse("housing-site-list")).json()["results"]}
    detail = api.get(reverse("housing-site-detail", args=[world.site.pk])).status_code
    bed = world.site.beds.order_by("pk").first()
    hold = api.post(
        reverse("housing-hold-list"),
        {
            "site": world.site.pk,
            "person": world.person.pk,
            "beds": [bed.pk],
            "expected_arrival_at": timezone.now().isoformat(),
        },
        format="json",
    ).status_code
    return {"listed": world.site.pk in listed, "detail": detail, "hold": hold}


def refer(api, world):
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
    return api.post(reverse("referral-list"), body, format="json")


NO_BOARD = {"listed": False, "detail": 404, "hold": 404}


def test_a_housing_proposal_gives_nothing_until_the_provider_accepts(api, world):
    proposed = propose(
        api, world.hub[Role.COORDINATOR], world.hub.organisation, world.provider.organisation, PartnershipScope.HOUSING
    )
    assert proposed.status_code == 201, proposed.json()
    assert proposed.json()["status"] == PartnershipStatus.PROPOSED
    assert board(api, world) == NO_BOARD

    assert act(api, world.provider[Role.COORDINATOR], proposed.json()["id"], "accept").status_code == 200
    # The board is open; holds wait for the data-sharing agreement (tests/organisations/test_agreements.py).
    assert board(api, world) == {"listed": True, "detail": 200, "hold": 422}
    factories.agreement(Partnership.objects.get(pk=proposed.json()["id"]))
    assert board(api, world)["hold"] == 201


def test_a_referrals_proposal_sends_nothing_until_the_partner_accepts(api, world):
    proposed = propose(
        api, world.hub[Role.ADMIN], world.hub.organisation, world.agency.organisation, PartnershipScope.REFERRALS
    )
    assert proposed.status_code == 201
    before = refer(api, world)
    assert (before.status_code, before.json()["code"]) == (422, "no_partnership")

    assert act(api, world.agency[Role.ADMIN], proposed.json()["id"], "accept").status_code == 200
    # Referrals wait for the data-sharing agreement (tests/organisations/test_agreements.py).
    assert refer(api, world).json()["code"] == "no_agreement"
    factories.agreement(Partnership.objects.get(pk=proposed.json()["id"]))
    assert refer(api, world).status_code == 201


def test_an_organisation_cannot_give_itself_a_partners_inbox_or_beds(api, world):
    """The issue's two ways in: a partner's coordinator naming the hub as the partner that takes
    its referrals, and a hub's naming a provider whose beds it wants. Both stay proposals."""
    into_the_hub = propose(
        api, world.agency[Role.COORDINATOR], world.agency.organisation, world.hub.organisation, "referrals"
    )
    beds = propose(api, world.hub[Role.COORDINATOR], world.hub.organisation, world.provider.organisation, "housing")
    assert [into_the_hub.json()["status"], beds.json()["status"]] == ["proposed", "proposed"]
    assert not Partnership.objects.active().exists()
    assert board(api, world) == NO_BOARD


def test_either_side_may_propose(api, world):
    """A provider offers its beds to a hub: the hub accepts."""
    offered = propose(
        api,
        world.provider[Role.COORDINATOR],
        world.hub.organisation,
        world.provider.organisation,
        PartnershipScope.HOUSING,
    )
    assert offered.status_code == 201
    assert offered.json()["proposed_by"]["id"] == world.provider.organisation.pk
    assert act(api, world.provider[Role.ADMIN], offered.json()["id"], "accept").status_code == 404
    assert act(api, world.hub[Role.COORDINATOR], offered.json()["id"], "accept").status_code == 200
    assert board(api, world)["listed"]


@pytest.mark.parametrize(
    ("who", "action", "status"),
    [
        # The proposing side: it cannot answer its own proposal; it may withdraw it.
        (("hub", Role.COORDINATOR), "accept", 404),
        (("hub", Role.ADMIN), "accept", 404),
        (("hub", Role.COORDINATOR), "decline", 404),
        (("hub", Role.WORKER), "withdraw", 404),
        (("hub", Role.ADMIN), "withdraw", 200),
        # The other side: its admins and coordinators answer; its other roles and it cannot withdraw.
        (("provider", Role.COORDINATOR), "accept", 200),
        (("provider", Role.ADMIN), "decline", 200),
        (("provider", Role.WORKER), "accept", 404),
        (("provider", Role.LIAISON), "accept", 404),
        (("provider", Role.COORDINATOR), "withdraw", 404),
        # Nobody else: not even a coordinator of a third organisation.
        (("agency", Role.COORDINATOR), "accept", 404),
        # Nothing to end before it is active.
        (("provider", Role.COORDINATOR), "end", 409),
    ],
)
def test_who_answers_a_proposal(api, world, who, action, status):
    proposal = services.partnership_propose(
        actor=world.hub[Role.COORDINATOR],
        organisation=world.hub.organisation,
        partner=world.provider.organisation,
        scope=PartnershipScope.HOUSING,
    )
    side, role = who
    response = act(api, getattr(world, side)[role], proposal.pk, action)
    assert response.status_code == status, response.json()
    expected = {
        ("accept", 200): PartnershipStatus.ACTIVE,
        ("decline", 200): PartnershipStatus.DECLINED,
        ("withdraw", 200): PartnershipStatus.WITHDRAWN,
    }.get((action, status), PartnershipStatus.PROPOSED)
    assert Partnership.objects.get(pk=proposal.pk).status == expected


def test_a_proposal_is_answered_once(api, world):
    proposal = services.partnership_propose(
        actor=world.hub[Role.COORDINATOR],
        organisation=world.hub.organisation,
        partner=world.provider.organisation,
        scope=PartnershipScope.HOUSING,
    )
    assert act(api, world.provider[Role.COORDINATOR], proposal.pk, "decline").status_code == 200
    again = act(api, world.provider[Role.COORDINATOR], proposal.pk, "accept")
    assert (again.status_code, again.json()["code"]) == (409, "not_proposed")
    assert board(api, world) == NO_BOARD


def test_one_open_partnership_per_pair_and_scope_and_the_history_is_kept(api, world):
    hub, provider = world.hub.organisation, world.provider.organisation
    first = propose(api, world.hub[Role.COORDINATOR], hub, provider, "housing")
    twice = propose(api, world.hub[Role.COORDINATOR], hub, provider, "housing")
    assert (twice.status_code, twice.json()["code"]) == (409, "already_partners")
    act(api, world.provider[Role.COORDINATOR], first.json()["id"], "accept")
    act(api, world.provider[Role.COORDINATOR], first.json()["id"], "end")
    again = propose(api, world.hub[Role.COORDINATOR], hub, provider, "housing")
    assert again.status_code == 201 and again.json()["id"] != first.json()["id"]
    statuses = Partnership.objects.filter(organisation=hub, partner=provider).order_by("pk")
    assert [row.status for row in statuses] == [PartnershipStatus.ENDED, PartnershipStatus.PROPOSED]


def test_proposing_for_an_organisation_one_does_not_manage_is_not_found(api, world):
    outsiders = propose(
        api, world.agency[Role.COORDINATOR], world.hub.organisation, world.provider.organisation, "housing"
    )
    worker = propose(api, world.hub[Role.WORKER], world.hub.organisation, world.provider.organisation, "housing")
    assert (outsiders.status_code, worker.status_code) == (404, 404)
    assert not Partnership.objects.exists()


@pytest.mark.parametrize("ender", ["hub", "provider"])
def test_either_side_ends_the_partnership_and_access_goes_at_once(api, world, ender):
    partnership = factories.partnership(world.hub.organisation, world.provider.organisation, PartnershipScope.HOUSING)
    assert board(api, world)["listed"]
    response = act(api, getattr(world, ender)[Role.COORDINATOR], partnership.pk, "end")
    assert response.status_code == 200
    assert response.json()["ended_by"]["id"] == getattr(world, ender).organisation.pk
    assert board(api, world) == NO_BOARD
    assert act(api, world.hub[Role.COORDINATOR], partnership.pk, "end").status_code == 409


def test_both_sides_members_see_it_and_nobody_else(api, world):
    partnership = factories.partnership(world.hub.organisation, world.provider.organisation, PartnershipScope.HOUSING)
    url = reverse("partnership-detail", args=[partnership.pk])
    for user, status in (
        (world.hub[Role.WORKER], 200),
        (world.provider[Role.LIAISON], 200),
        (world.agency[Role.ADMIN], 404),
    ):
        api.force_authenticate(user)
        assert api.get(url).status_code == status


# --- Audit and notifications --------------------------------------------------------------------


def managers(side: Side) -> set:
    return {side[Role.ADMIN], side[Role.COORDINATOR]}


@pytest.mark.parametrize(
    ("steps", "audited", "told"),
    [
        # (actor side, action) in order; the audit entries (action, acting side); who was told last.
        ([("hub", "propose")], [("proposed", "hub")], "provider"),
        ([("hub", "propose"), ("provider", "accept")], [("proposed", "hub"), ("accepted", "provider")], "hub"),
        ([("hub", "propose"), ("provider", "decline")], [("proposed", "hub"), ("declined", "provider")], "hub"),
        ([("hub", "propose"), ("hub", "withdraw")], [("proposed", "hub"), ("withdrawn", "hub")], "provider"),
        (
            [("hub", "propose"), ("provider", "accept"), ("hub", "end")],
            [("proposed", "hub"), ("accepted", "provider"), ("ended", "hub")],
            "provider",
        ),
    ],
)
def test_every_step_is_audited_and_told_to_the_other_sides_managers(world, steps, audited, told):
    partnership = None
    for side_name, action in steps:
        actor = getattr(world, side_name)[Role.COORDINATOR]
        if action == "propose":
            partnership = services.partnership_propose(
                actor=actor,
                organisation=world.hub.organisation,
                partner=world.provider.organisation,
                scope=PartnershipScope.HOUSING,
            )
        else:
            getattr(services, f"partnership_{action}")(actor=actor, partnership=partnership)
    entries = AuditEntry.objects.filter(object_type="organisations.partnership", object_id=str(partnership.pk))
    assert [
        (entry.action.removeprefix("organisations.partnership."), entry.organisation, entry.actor)
        for entry in entries.order_by("pk")
    ] == [
        (action, getattr(world, side).organisation, getattr(world, side)[Role.COORDINATOR]) for action, side in audited
    ]
    kind = f"partnership_{audited[-1][0]}"
    recipients = {n.recipient for n in Notification.objects.filter(kind=kind, object_id=partnership.pk)}
    # The actor is never told of their own act; the acting side's other manager is not told either.
    assert recipients == managers(getattr(world, told)) - {getattr(world, steps[-1][0])[Role.COORDINATOR]}
    text = Notification.objects.filter(kind=kind, object_id=partnership.pk).first()
    assert world.provider.organisation.name in str(text.params.values())


def test_a_proposal_is_emailed_to_the_other_side_in_their_language(world):
    from notifications.models import OutgoingEmail
    from notifications.rendering import notification_text

    proposal = services.partnership_propose(
        actor=world.hub[Role.COORDINATOR],
        organisation=world.hub.organisation,
        partner=world.provider.organisation,
        scope=PartnershipScope.HOUSING,
    )
    notification = Notification.objects.get(kind="partnership_proposed", recipient=world.provider[Role.ADMIN])
    assert OutgoingEmail.objects.filter(notification=notification).exists()
    from django.utils import translation

    with translation.override("fr-ca"):
        text = notification_text(notification)
        joined = formats.date_format(timezone.localdate(world.hub.organisation.created_at), "DATE_FORMAT")
    hub = world.hub.organisation
    assert text == (
        f"{hub.name} (Carrefour d'accueil, dans le répertoire sous « {hub.slug} », membre du réseau depuis le "
        f"{joined}) propose un partenariat : {hub.name} voit les lits libres de l'organisme "
        f"{world.provider.organisation.name} et peut les retenir. Acceptez-le ou refusez-le."
    )
    assert proposal.status == PartnershipStatus.PROPOSED


# --- Live: an ended partnership drops the open board ---------------------------------------------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_ending_the_partnership_drops_the_open_board_subscription():
    world = await database_sync_to_async(build_world)()
    partnership = await database_sync_to_async(factories.partnership)(
        world.hub.organisation, world.provider.organisation, PartnershipScope.HOUSING
    )
    socket, connected = await open_socket(world.hub[Role.WORKER])
    assert connected
    key = str(world.site.pk)
    await socket.send_json_to({"subscribe": "housing.availability", "key": key})
    assert (await socket.receive_json_from(timeout=2))["type"] == "snapshot"

    await database_sync_to_async(services.partnership_end)(
        actor=world.provider[Role.COORDINATOR], partnership=partnership
    )
    message = json.loads(await asyncio.wait_for(socket.receive_from(), timeout=2))
    assert message == {"type": "unsubscribed", "stream": "housing.availability", "key": key, "reason": "access_lost"}
    await socket.send_json_to({"subscribe": "housing.availability", "key": key})
    assert (await socket.receive_json_from(timeout=2))["code"] == "not_found"
    await socket.disconnect()


# --- The data migration ------------------------------------------------------------------------------------

BEFORE_STATUS = ("organisations", "0006_partnership_status")


@pytest.mark.django_db(transaction=True)
def test_partnerships_made_before_proposals_are_migrated_as_accepted():
    """``0007_partnership_status_data``: an active partnership stays in force, as accepted when it
    was made and proposed by its first organisation; an ended one is ended."""
    from importlib import import_module

    migration = import_module("organisations.migrations.0007_partnership_status_data")
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()
    executor.migrate([BEFORE_STATUS])
    try:
        old_apps = executor.loader.project_state([BEFORE_STATUS]).apps
        OldOrganisation = old_apps.get_model("organisations", "Organisation")
        OldPartnership = old_apps.get_model("organisations", "Partnership")
        hub, agency, provider = (
            OldOrganisation.objects.create(name=name, slug=name, kind=kind)
            for name, kind in (("hub", "hub"), ("agency", "employment"), ("provider", "housing_provider"))
        )
        kept = OldPartnership.objects.create(organisation=hub, partner=agency, scope="referrals", is_active=True)
        ended = OldPartnership.objects.create(organisation=hub, partner=provider, scope="housing", is_active=False)

        migration.mark_existing_partnerships(old_apps, None)

        kept.refresh_from_db()
        ended.refresh_from_db()
        assert (kept.status, kept.proposed_by_id, kept.answered_at) == ("active", hub.pk, kept.created_at)
        assert (ended.status, ended.proposed_by_id) == ("ended", hub.pk)
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(latest)
    assert Partnership.objects.get(pk=kept.pk).status == PartnershipStatus.ACTIVE
    assert list(Partnership.objects.active().values_list("pk", flat=True)) == [kept.pk]


# --- The page ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("role", "status"), [(Role.ADMIN, 200), (Role.COORDINATOR, 200), (Role.WORKER, 404)])
def test_the_page_is_for_admins_and_coordinators(client, world, role, status):
    login(client, world.hub[role])
    assert client.get(reverse("organisations:partnerships")).status_code == status
    home = client.get(reverse("home")).content.decode()
    assert (f'href="{reverse("organisations:partnerships")}"' in home) == (status == 200)


def test_a_proposal_made_and_answered_in_the_page(client, world):
    hub, provider = world.hub.organisation, world.provider.organisation
    login(client, world.hub[Role.COORDINATOR])
    sent = client.post(
        reverse("organisations:partnership-propose"),
        {"organisation": hub.pk, "arrangement": "they_hold_beds", "other": provider.pk, "note": "Entente"},
    )
    assert sent.status_code == 302
    proposal = Partnership.objects.get()
    assert (proposal.organisation, proposal.partner, proposal.scope, proposal.proposed_by) == (
        provider,
        hub,
        PartnershipScope.HOUSING,
        hub,
    )
    own_side = client.post(reverse("organisations:partnership-accept", args=[proposal.pk]))
    assert own_side.status_code == 404
    again = client.post(
        reverse("organisations:partnership-propose"),
        {"organisation": hub.pk, "arrangement": "they_hold_beds", "other": provider.pk},
    )
    assert again.status_code == 400
    assert again.context["form"].errors["other"]

    login(client, world.provider[Role.ADMIN])
    page = client.get(reverse("organisations:partnerships"))
    assert [row.pk for row in page.context["waiting"]] == [proposal.pk]
    declined = client.post(reverse("organisations:partnership-decline", args=[proposal.pk]), follow=True)
    assert [str(message) for message in declined.context["messages"]] == ["Vous avez refusé la proposition."]
    twice = client.post(reverse("organisations:partnership-decline", args=[proposal.pk]), follow=True)
    assert [str(message) for message in twice.context["messages"]] == [
        "Cette proposition a déjà reçu une réponse ou a été retirée."
    ]
    assert Partnership.objects.get().status == PartnershipStatus.DECLINED


# --- Against flooding the other side (outside test, F4) ------------------------------------------------


@pytest.mark.parametrize("closing", ["withdraw", "decline"])
def test_a_withdrawn_or_declined_proposal_waits_before_it_is_made_again(api, client, world, settings, closing):
    settings.PARTNERSHIP_PROPOSAL_COOL_DOWN_HOURS = 24
    hub, provider = world.hub.organisation, world.provider.organisation
    first = propose(api, world.hub[Role.COORDINATOR], hub, provider, PartnershipScope.HOUSING)
    closer = world.hub[Role.COORDINATOR] if closing == "withdraw" else world.provider[Role.COORDINATOR]
    assert act(api, closer, first.json()["id"], closing).status_code == 200
    told = Notification.objects.count()

    again = propose(api, world.hub[Role.COORDINATOR], hub, provider, PartnershipScope.HOUSING)
    assert (again.status_code, again.json()["code"]) == (422, "cool_down")
    assert Partnership.objects.count() == 1 and Notification.objects.count() == told
    # The page says it next to the partner, in the user's language.
    login(client, world.hub[Role.COORDINATOR])
    page = client.post(
        reverse("organisations:partnership-propose"),
        {"organisation": hub.pk, "other": provider.pk, "arrangement": "we_hold_beds"},
        HTTP_ACCEPT_LANGUAGE="fr",
    )
    assert page.status_code == 400
    assert "à nouveau" in " ".join(page.context["form"].errors["other"])

    # Another scope, or the other side proposing, is not held back.
    other_scope = propose(api, world.hub[Role.COORDINATOR], hub, provider, PartnershipScope.REFERRALS)
    assert other_scope.status_code == 201
    with time_machine.travel(timezone.now() + timedelta(hours=24, minutes=1)):
        later = propose(api, world.hub[Role.COORDINATOR], hub, provider, PartnershipScope.HOUSING)
    assert later.status_code == 201


def test_an_ended_partnership_may_be_proposed_again_at_once(api, world):
    hub, agency = world.hub.organisation, world.agency.organisation
    first = propose(api, world.hub[Role.COORDINATOR], hub, agency, PartnershipScope.REFERRALS)
    assert act(api, world.agency[Role.ADMIN], first.json()["id"], "accept").status_code == 200
    assert act(api, world.agency[Role.ADMIN], first.json()["id"], "end").status_code == 200
    assert propose(api, world.hub[Role.COORDINATOR], hub, agency, PartnershipScope.REFERRALS).status_code == 201


# --- The closed ones on the page (outside test, F8) ----------------------------------------------------


def test_closed_partnerships_show_their_date_and_their_own_status(api, client, world):
    hub, provider, agency = world.hub.organisation, world.provider.organisation, world.agency.organisation
    coordinator = world.hub[Role.COORDINATOR]
    withdrawn = propose(api, coordinator, hub, provider, PartnershipScope.HOUSING).json()["id"]
    act(api, coordinator, withdrawn, "withdraw")
    declined = propose(api, coordinator, hub, agency, PartnershipScope.REFERRALS).json()["id"]
    act(api, world.agency[Role.ADMIN], declined, "decline")
    ended = propose(api, coordinator, hub, provider, PartnershipScope.REFERRALS).json()["id"]
    act(api, world.provider[Role.COORDINATOR], ended, "accept")
    act(api, world.provider[Role.COORDINATOR], ended, "end")

    login(client, coordinator)
    with translation.override("fr-ca"):
        page = client.get(reverse("organisations:partnerships"), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
        today = formats.date_format(timezone.localdate(), "DATE_FORMAT")
    closed = page.split('id="closed"', 1)[1]
    for pk, status, by in (
        (withdrawn, "withdrawn", hub.name),
        (declined, "declined", agency.name),
        (ended, "ended", provider.name),
    ):
        item = re.search(rf'<li class="item item--(\w+)" data-partnership-id="{pk}">(.*?)</li>', closed, re.S)
        assert item.group(1) == status
        assert f"Par {by}, le {today}." in re.sub(r"\s+", " ", item.group(2))
    assert ", le ." not in closed
