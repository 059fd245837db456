"""Issue 14, housing side: arrival windows per site, a site's rules refused by the services (and a
coordinator's written override), all-or-none family holds, and what a provider sees of the
people it will host (the hold code and composition, names only under their consent)."""

from datetime import datetime, time, timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape
from rest_framework.test import APIClient

from housing import eligibility, selectors, services
from housing.availability import bed_statuses
from housing.choices import BedStatus, HoldStatus, RoomKind
from housing.models import BedAllocation, Hold, Room, Stay
from housing.notifications import hold_remind_expiring
from housing.streams import AvailabilityStream
from organisations.choices import Role
from organisations.errors import ApplicationError, ConflictError
from organisations.models import AuditEntry
from people import services as people_services
from people.choices import GenderIdentity
from people.models import Consent, Household, Person
from tests import factories
from tests.auth import login
from tests.housing.world import build_housing_world

# A Tuesday evening in Québec: 18:00, the family leaves Montréal and arrives at 21:00.
EVENING = timezone.make_aware(datetime(2026, 12, 8, 18, 0))


def at(day_offset: int, hour: int, minute: int = 0) -> datetime:
    return EVENING.replace(hour=hour, minute=minute) + timedelta(days=day_offset)


@pytest.fixture
def world(db):
    with time_machine.travel(EVENING, tick=False):
        yield build_housing_world()


@pytest.fixture
def evening():
    with time_machine.travel(EVENING, tick=True) as traveller:
        yield traveller


def hold(world, beds, *, arrival=None, actor=None, **fields):
    fields.setdefault("household", world.household)
    return services.hold_create(
        actor=actor or world.hub_worker,
        organisation=world.hub,
        site=world.site,
        bed_ids=[bed.pk for bed in beds],
        expected_arrival_at=arrival or at(0, 21),
        **fields,
    )


def nothing_written(world):
    assert not Hold.objects.exists()
    assert not BedAllocation.objects.exists()
    assert set(bed_statuses(world.family_beds + world.shared_beds).values()) == {BedStatus.AVAILABLE}


# --- Arrival windows -------------------------------------------------------------------------------------


def test_a_hold_for_21_00_lasts_until_the_arrival_plus_the_site_grace(world, evening):
    held = hold(world, world.family_beds)
    assert held.expected_arrival_at == at(0, 21)
    assert held.expires_at == at(0, 23)
    assert held.code.startswith("H-") and len(held.code) == 6
    allocation = held.allocations.first()
    assert allocation.starts_at <= timezone.now() and allocation.ends_at == at(0, 23)


def test_the_worker_frees_the_beds_after_the_arrival_plus_grace_not_before(world, evening):
    held = hold(world, world.family_beds)
    evening.move_to(at(0, 22, 29))
    assert hold_remind_expiring() == 0
    evening.move_to(at(0, 22, 35))
    assert hold_remind_expiring() == 1
    assert services.hold_expire_stale() == 0
    assert Hold.objects.get(pk=held.pk).status == HoldStatus.ACTIVE
    evening.move_to(at(0, 23, 1))
    assert services.hold_expire_stale() == 1
    assert Hold.objects.get(pk=held.pk).status == HoldStatus.EXPIRED
    assert set(bed_statuses(world.family_beds).values()) == {BedStatus.AVAILABLE}


@pytest.mark.parametrize(
    ("arrival", "code"),
    [
        (at(0, 17), "arrival_in_past"),
        (at(1, 18, 30), "arrival_beyond_horizon"),
        (None, "arrival_required"),
    ],
)
def test_impossible_arrivals_are_refused_and_nothing_is_written(world, evening, arrival, code):
    with pytest.raises(ApplicationError) as refused:
        services.hold_create(
            actor=world.hub_worker,
            organisation=world.hub,
            site=world.site,
            bed_ids=[bed.pk for bed in world.family_beds],
            household=world.household,
            expected_arrival_at=arrival,
        )
    assert refused.value.code == code
    nothing_written(world)


def test_the_horizon_message_names_the_limit(world, evening):
    with pytest.raises(ApplicationError) as refused:
        hold(world, world.family_beds, arrival=at(1, 21))
    assert "24" in str(refused.value.message)


def test_each_site_sets_its_own_grace_and_horizon(world, evening):
    world.site.hold_horizon = timedelta(hours=48)
    world.site.hold_grace = timedelta(minutes=30)
    world.site.save()
    held = hold(world, world.family_beds, arrival=at(1, 21))
    assert held.expires_at == at(1, 21, 30)


def test_an_arrival_outside_check_in_hours_needs_confirmation(world, evening):
    world.site.check_in_from, world.site.check_in_until = time(8), time(20)
    world.site.save()
    with pytest.raises(ConflictError) as refused:
        hold(world, world.family_beds)
    assert refused.value.code == "outside_check_in"
    nothing_written(world)
    held = hold(world, world.family_beds, confirm_outside_check_in=True)
    assert held.expires_at == at(0, 23)


def test_a_check_in_window_across_midnight(world):
    world.site.check_in_from, world.site.check_in_until = time(20), time(2)
    assert eligibility.can_receive_at(world.site, at(0, 23))
    assert eligibility.can_receive_at(world.site, at(1, 1))
    assert not eligibility.can_receive_at(world.site, at(1, 9))
    assert eligibility.next_reception_at(world.site, at(1, 9)) == at(1, 20)


def test_the_hub_extends_a_hold_for_a_later_arrival_within_the_horizon(world, evening):
    held = hold(world, world.family_beds)
    held = services.hold_extend(actor=world.hub_worker, hold=held, expected_arrival_at=at(0, 23, 30))
    assert held.expires_at == at(1, 1, 30)
    assert {allocation.ends_at for allocation in held.allocations.all()} == {at(1, 1, 30)}
    assert AuditEntry.objects.filter(action="housing.hold.extended", object_id=str(held.pk)).exists()
    with pytest.raises(ApplicationError) as refused:
        services.hold_extend(actor=world.hub_worker, hold=held, expected_arrival_at=at(1, 19))
    assert refused.value.code == "arrival_beyond_horizon"
    # The provider may not move the hub's hold.
    with pytest.raises(ApplicationError):
        services.hold_extend(actor=world.provider_staff, hold=held, expected_arrival_at=at(0, 22))


def test_an_extension_over_a_bed_taken_later_is_refused(world, evening):
    held = hold(world, world.shared_beds[:1], household=None, person=world.person)
    services.bed_set_out_of_service(
        actor=world.provider_staff, bed=world.shared_beds[0], starts_at=at(0, 23, 30), reason="Réparation"
    )
    with pytest.raises(ConflictError) as refused:
        services.hold_extend(actor=world.hub_worker, hold=held, expected_arrival_at=at(0, 22))
    assert refused.value.code == "beds_taken"
    assert Hold.objects.get(pk=held.pk).expires_at == at(0, 23)


# --- The site's rules ----------------------------------------------------------------------------------


def set_gender(person: Person, gender: str) -> None:
    Person.objects.filter(pk=person.pk).update(gender_identity=gender)


RULES = {
    "women_only": lambda world: (
        setattr(world.site, "women_only", True),
        set_gender(world.person, GenderIdentity.MAN),
    ),
    "men_only": lambda world: (setattr(world.site, "men_only", True), set_gender(world.person, GenderIdentity.WOMAN)),
    "wheelchair_access": lambda world: Person.objects.filter(pk=world.person.pk).update(needs_wheelchair_access=True),
}


@pytest.mark.parametrize("rule", sorted(RULES))
def test_a_person_who_breaks_a_site_rule_is_refused_with_the_rule(world, evening, rule):
    RULES[rule](world)
    world.site.save()
    world.person.refresh_from_db()
    with pytest.raises(ConflictError) as refused:
        hold(world, world.shared_beds[:1], household=None, person=world.person)
    assert refused.value.code == rule
    assert refused.value.extra["refusals"][0]["code"] == rule
    nothing_written(world)


def test_a_woman_fits_a_women_only_site(world, evening):
    world.site.women_only = True
    world.site.save()
    set_gender(world.person, GenderIdentity.WOMAN)
    world.person.refresh_from_db()
    assert hold(world, world.shared_beds[:1], household=None, person=world.person).status == HoldStatus.ACTIVE


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"families": False}, "families"),
        ({"minors_accompanied": False}, "minors"),
        ({"pets": False}, "pets"),
    ],
)
def test_a_household_that_breaks_a_site_rule_is_refused(world, evening, change, code):
    for name, value in change.items():
        setattr(world.site, name, value)
    world.site.save()
    world.household.pets = 1
    world.household.save()
    with pytest.raises(ConflictError) as refused:
        hold(world, world.family_beds)
    assert code in [refusal["code"] for refusal in refused.value.extra["refusals"]]
    nothing_written(world)


def test_a_family_needs_a_bed_for_each_person(world, evening):
    with pytest.raises(ConflictError) as refused:
        hold(world, world.family_beds[:2])
    assert refused.value.code == "too_few_beds"
    nothing_written(world)


def test_a_family_unit_smaller_than_the_family_is_refused(world, evening):
    fourth = people_services.person_create(
        actor=world.hub_worker, owner=world.hub, given_names="Tomás", family_names="Rodríguez"
    )
    people_services.household_add_member(
        actor=world.hub_worker, household=world.household, person=fourth, relationship="child"
    )
    with pytest.raises(ConflictError) as refused:
        hold(world, [*world.family_beds, world.shared_beds[0]])
    assert refused.value.code == "unit_too_small"
    assert "Unité 1" in str(refused.value.message)
    nothing_written(world)


def test_a_coordinator_overrides_a_rule_with_a_written_reason(world, evening):
    world.site.minors_accompanied = False
    world.site.save()
    coordinator = factories.member(world.hub, Role.COORDINATOR)
    with pytest.raises(ConflictError):
        hold(world, world.family_beds, actor=coordinator)
    with pytest.raises(ApplicationError) as refused:
        hold(world, world.family_beds, override_reason="Accord de la directrice")
    assert refused.value.code == "override_not_allowed"
    nothing_written(world)
    held = hold(world, world.family_beds, actor=coordinator, override_reason="Accord de la directrice")
    assert held.override_reason == "Accord de la directrice"
    entry = AuditEntry.objects.get(action="housing.hold.created", object_id=str(held.pk))
    assert entry.details["overridden"] == ["minors"]
    assert entry.details["override_reason"] == "Accord de la directrice"
    # The override carries to the check-in: the provider is not refused at the door.
    stay = services.stay_check_in(actor=world.provider_staff, hold=held)
    assert stay.status == "active"


def test_check_in_and_extension_apply_the_rules_again(world, evening):
    held = hold(world, world.family_beds)
    world.site.minors_accompanied = False
    world.site.save()
    with pytest.raises(ConflictError) as refused:
        services.stay_check_in(actor=world.provider_staff, hold=held)
    assert refused.value.code == "minors"
    assert Hold.objects.get(pk=held.pk).status == HoldStatus.ACTIVE
    world.site.minors_accompanied = True
    world.site.save()
    stay = services.stay_check_in(actor=world.provider_staff, hold=held, planned_end_at=at(5, 18))
    world.site.minors_accompanied = False
    world.site.save()
    with pytest.raises(ConflictError):
        services.stay_extend(actor=world.provider_staff, stay=stay, planned_end_at=at(6, 18))
    world.site.minors_accompanied = True
    world.site.save()
    with pytest.raises(ApplicationError) as refused:
        services.stay_extend(actor=world.provider_staff, stay=stay, planned_end_at=at(31, 18))
    assert refused.value.code == "beyond_max_stay"


def test_impossible_stays_are_refused(world, evening):
    held = hold(world, world.family_beds)
    with pytest.raises(ApplicationError) as refused:
        services.stay_check_in(actor=world.provider_staff, hold=held, planned_end_at=at(0, 10))
    assert refused.value.code == "invalid_period"
    with pytest.raises(ApplicationError) as refused:
        services.stay_check_in(actor=world.provider_staff, hold=held, planned_end_at=at(45, 18))
    assert refused.value.code == "beyond_max_stay"
    assert not Stay.objects.exists()
    assert Hold.objects.get(pk=held.pk).status == HoldStatus.ACTIVE


def test_people_already_placed_tonight_cannot_be_held_elsewhere(world, evening):
    held = hold(world, world.shared_beds[:1], household=None, person=world.person)
    services.stay_check_in(actor=world.provider_staff, hold=held)
    with pytest.raises(ConflictError) as refused:
        hold(world, world.shared_beds[1:], household=None, person=world.person)
    assert refused.value.code == "already_staying"
    assert Hold.objects.count() == 1


# --- All or none ---------------------------------------------------------------------------------------


def test_one_action_holds_a_whole_family_unit(world, evening):
    unit = Room.objects.get(site=world.site, kind=RoomKind.FAMILY_UNIT)
    bed_ids = services.beds_for_household(world.site, household=world.household, room_id=unit.pk)
    held = hold(world, [bed for bed in world.family_beds if bed.pk in bed_ids])
    assert sorted(held.allocations.values_list("bed_id", flat=True)) == sorted(bed.pk for bed in world.family_beds)


def test_a_family_split_in_shared_rooms_needs_a_free_bed_for_each_person(world, evening):
    # Two shared beds for a household of three: nothing is held.
    with pytest.raises(ConflictError):
        services.beds_for_household(world.site, household=world.household, shared=True)
    services.room_create(actor=None, site=world.site, name="Dortoir 2", kind=RoomKind.SHARED_ROOM, beds=1)
    bed_ids = services.beds_for_household(world.site, household=world.household, shared=True)
    assert len(bed_ids) == 3
    held = services.hold_create(
        actor=world.hub_worker,
        organisation=world.hub,
        site=world.site,
        bed_ids=bed_ids,
        household=world.household,
        expected_arrival_at=at(0, 21),
    )
    assert held.allocations.count() == 3


def test_a_family_unit_with_one_bed_taken_holds_nothing(world, evening):
    # One adult in a family unit needs a coordinator's written override (a unit is for a family).
    coordinator = factories.member(world.hub, Role.COORDINATOR)
    hold(world, world.family_beds[:1], household=None, person=world.person, actor=coordinator, override_reason="Seul")
    with pytest.raises(ConflictError) as refused:
        hold(world, world.family_beds)
    assert refused.value.code == "beds_taken"
    assert Hold.objects.filter(household=world.household).count() == 0
    assert BedAllocation.objects.count() == 1


# --- What the provider sees -------------------------------------------------------------------------------


def provider_views(world, held):
    """The hold as the provider reads it on its page, in the API, and in the live snapshot."""
    client = Client()
    login(client, world.provider_staff)
    page = client.get(reverse("housing:provider")).content.decode()
    api = APIClient()
    api.force_authenticate(world.provider_staff)
    row = api.get(reverse("housing-hold-detail", args=[held.pk])).json()
    snapshot = str(AvailabilityStream().snapshot(world.provider_staff, str(world.site.pk)))
    return page, row, snapshot


def test_without_consent_the_provider_sees_the_code_and_the_composition(world, evening):
    held = hold(world, world.family_beds)
    page, row, snapshot = provider_views(world, held)
    assert "Rodríguez" not in page and "Yuliana" not in page
    assert held.code in page
    assert row["household"] is None and row["occupant"]["title"] == held.code
    assert row["occupant"]["names"] == [] and row["occupant"]["size"] == 3
    assert "Rodríguez" not in snapshot
    assert not AuditEntry.objects.filter(action="housing.hold.identity.read").exists()


def test_with_the_consent_recorded_with_the_hold_the_provider_sees_the_names_until_withdrawn(world, evening):
    held = hold(world, world.family_beds, identity_consent=services.IdentityConsent())
    consents = Consent.objects.filter(recipient=world.provider)
    assert consents.count() == 3
    page, row, snapshot = provider_views(world, held)
    assert "Famille Rodríguez" in page
    assert row["household"]["name"] == "Famille Rodríguez"
    assert "Rodríguez" not in snapshot
    assert AuditEntry.objects.filter(action="housing.hold.identity.read", actor=world.provider_staff).exists()

    for consent in consents:
        people_services.consent_withdraw(actor=world.hub_worker, consent=consent)
    page, row, snapshot = provider_views(world, held)
    assert "Rodríguez" not in page and "Yuliana" not in page
    assert row["household"] is None and row["occupant"]["title"] == held.code
    # The hub that placed them still reads its own files.
    api = APIClient()
    api.force_authenticate(world.hub_worker)
    assert api.get(reverse("housing-hold-detail", args=[held.pk])).json()["household"]["name"] == "Famille Rodríguez"


def test_a_consent_that_fails_leaves_no_hold(world, evening):
    child = Person.objects.get(given_names="Mateo")
    Person.objects.filter(pk=child.pk).update(date_of_birth=timezone.localdate() - timedelta(days=365 * 6))
    Person.objects.filter(given_names="Yuliana").update(date_of_birth=timezone.localdate() - timedelta(days=365 * 12))
    Person.objects.filter(given_names="Lía").update(date_of_birth=timezone.localdate() - timedelta(days=365 * 9))
    with pytest.raises(ApplicationError) as refused:
        hold(world, world.family_beds, identity_consent=services.IdentityConsent())
    assert refused.value.code == "parent_consent_required"
    nothing_written(world)
    assert not Consent.objects.exists()


def test_the_provider_page_lists_arrivals_with_the_hub_contact_and_counts_no_shows(world, evening):
    held = hold(world, world.family_beds)
    client = Client()
    login(client, world.provider_staff)
    page = client.get(reverse("housing:provider")).content.decode()
    assert world.hub_worker.email in page
    summary = page[page.find("data-hold-summary") :][:200]
    assert held.code in summary and "1 adulte, 2 enfants" in summary and "21" in summary
    assert client.post(reverse("housing:hold-no-show", args=[held.pk])).status_code == 302
    assert selectors.no_show_count(site=world.site) == 1
    assert set(bed_statuses(world.family_beds).values()) == {BedStatus.AVAILABLE}


# --- The board "for" a household ------------------------------------------------------------------------------


def test_the_board_for_a_household_puts_fitting_sites_first_and_says_why_others_do_not_fit(world, evening):
    women = services.site_create(
        actor=None,
        provider=world.provider,
        name="Refuge des femmes",
        address="3, rue X",
        kind="emergency",
        women_only=True,
        families=True,
        minors_accompanied=True,
    )
    services.room_create(actor=None, site=women, name="Chambre", kind=RoomKind.FAMILY_UNIT, beds=4)
    set_gender(world.person, GenderIdentity.MAN)
    with translation.override("en-ca"):
        board = selectors.board_for(
            user=world.hub_worker, person=Person.objects.get(pk=world.person.pk), arrival=at(0, 21)
        )
    assert [view["site"].name for view in board["fitting"]] == ["Maison Saint-Roch"]
    [apart] = board["apart"]
    assert apart["site"] == women and apart["reasons"] == ["This site takes women only."]
    for_family = selectors.board_for(user=world.hub_worker, household=world.household, arrival=at(0, 21))
    [saint_roch] = [view for view in for_family["fitting"] if view["site"] == world.site]
    assert saint_roch["units"][0]["beds"] == 3 and saint_roch["units"][0]["fits"]


def test_the_board_page_for_a_person_shows_the_sites_that_do_not_fit_apart(client, world, evening):
    women = services.site_create(
        actor=None,
        provider=world.provider,
        name="Refuge des femmes",
        address="3, rue X",
        kind="emergency",
        women_only=True,
    )
    services.room_create(actor=None, site=women, name="Chambre", kind=RoomKind.SHARED_ROOM, beds=2)
    set_gender(world.person, GenderIdentity.MAN)
    login(client, world.hub_worker)
    response = client.get(reverse("housing:board"), {"person": world.person.pk})
    assert response.status_code == 200
    assert [view["site"] for view in response.context["sites"]] == [world.site]
    assert [view["site"] for view in response.context["sites_apart"]] == [women]
    html = response.content.decode()
    assert 'id="sites-apart"' in html
    assert escape(response.context["sites_apart"][0]["fit"]["reasons"][0]) in html


# --- The pages and the API, end to end ---------------------------------------------------------------------


def local_form_time(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def test_one_click_holds_a_whole_unit_with_the_consent_and_confirms_an_arrival_outside_hours(client, world, evening):
    world.site.check_in_from, world.site.check_in_until = time(8), time(20)
    world.site.save()
    unit = Room.objects.get(site=world.site, kind=RoomKind.FAMILY_UNIT)
    login(client, world.hub_worker)
    url = reverse("housing:hold-create", args=[world.site.pk])
    body = {
        "occupant": f"household:{world.household.pk}",
        "family_unit": unit.pk,
        "expected_arrival_at": local_form_time(at(0, 21)),
        "share_identity": "on",
    }
    response = client.post(url, body)
    assert response.status_code == 409
    assert response.context["hold_form"].errors["confirm_outside_check_in"]
    assert not Hold.objects.exists() and not Consent.objects.exists()
    response = client.post(url, {**body, "confirm_outside_check_in": "on"})
    assert response.status_code == 302
    held = Hold.objects.get()
    assert held.allocations.count() == 3 and held.expires_at == at(0, 23)
    assert Consent.objects.filter(recipient=world.provider).count() == 3
    # The provider reads the names and checks the family in with one action.
    provider = Client()
    login(provider, world.provider_staff)
    assert "Famille Rodríguez" in provider.get(reverse("housing:provider")).content.decode()
    end = timezone.localdate() + timedelta(days=7)
    response = provider.post(
        reverse("housing:hold-check-in", args=[held.pk]), {f"hold{held.pk}-planned_end": end.isoformat()}
    )
    assert response.status_code == 302
    assert Stay.objects.get().household == world.household


def test_the_hold_form_shows_a_site_rule_and_the_hub_extends_a_hold(client, world, evening):
    world.site.minors_accompanied = False
    world.site.save()
    login(client, world.hub_worker)
    url = reverse("housing:hold-create", args=[world.site.pk])
    body = {
        "occupant": f"household:{world.household.pk}",
        "beds": [bed.pk for bed in world.family_beds],
        "expected_arrival_at": local_form_time(at(0, 21)),
    }
    response = client.post(url, body)
    assert response.status_code == 409
    assert escape(str(response.context["hold_form"].non_field_errors()[0])) in response.content.decode()
    # A worker is not offered the override; a coordinator is.
    assert "override_reason" not in response.context["hold_form"].fields
    world.site.minors_accompanied = True
    world.site.save()
    assert client.post(url, body).status_code == 302
    held = Hold.objects.get()
    response = client.post(
        reverse("housing:hold-extend", args=[held.pk]),
        {f"extend{held.pk}-expected_arrival_at": local_form_time(at(0, 23))},
    )
    assert response.status_code == 302
    assert Hold.objects.get().expires_at == at(1, 1)


def test_the_api_answers_a_site_rule_and_an_unconfirmed_arrival_with_their_codes(world, evening):
    api = APIClient()
    api.force_authenticate(world.hub_worker)
    world.site.pets = False
    world.site.save()
    world.household.pets = 2
    world.household.save()
    body = {
        "site": world.site.pk,
        "household": world.household.pk,
        "room": Room.objects.get(site=world.site, kind=RoomKind.FAMILY_UNIT).pk,
        "expected_arrival_at": at(0, 21).isoformat(),
    }
    response = api.post(reverse("housing-hold-list"), body, format="json")
    assert (response.status_code, response.json()["code"]) == (409, "pets")
    assert [refusal["code"] for refusal in response.json()["refusals"]] == ["pets"]
    world.site.pets = True
    world.site.check_in_from, world.site.check_in_until = time(8), time(20)
    world.site.save()
    response = api.post(reverse("housing-hold-list"), body, format="json")
    assert (response.status_code, response.json()["code"]) == (409, "outside_check_in")
    response = api.post(reverse("housing-hold-list"), {**body, "confirm_outside_check_in": True}, format="json")
    assert response.status_code == 201
    row = response.json()
    assert row["code"].startswith("H-") and row["occupant"]["composition"]
    assert row["expires_at"].startswith("2026-12-08T23:00")
    extended = api.post(
        reverse("housing-hold-extend", args=[row["id"]]),
        {"expected_arrival_at": at(0, 22).isoformat(), "confirm_outside_check_in": True},
        format="json",
    )
    assert extended.status_code == 200


def test_a_household_with_nobody_in_it_is_refused(world, evening):
    # Written directly: the people services may refuse to create it at all.
    empty = Household.objects.create(owner=world.hub, name="Famille vide")
    with pytest.raises(ApplicationError) as refused:
        hold(world, world.shared_beds[:1], household=empty)
    assert refused.value.code == "empty_household"
    nothing_written(world)


# --- The migration of existing sites and holds -----------------------------------------------------------------


def test_the_migration_reads_check_in_hours_and_dates_old_holds(world, evening):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("housing.migrations.0004_arrival_windows")
    world.site.check_in_hours = "8 h – 21 h 30"
    world.site.save()
    other = services.site_create(
        actor=None,
        provider=world.provider,
        name="Refuge",
        address="1, rue Y",
        kind="emergency",
        check_in_hours="24 h sur 24",
    )
    held = hold(world, world.family_beds)
    Hold.objects.filter(pk=held.pk).update(expected_arrival_at=None, code="")
    migration.structured_check_in_hours(apps, None)
    migration.arrival_and_code_of_old_holds(apps, None)
    world.site.refresh_from_db()
    other.refresh_from_db()
    assert (world.site.check_in_from, world.site.check_in_until) == (time(8), time(21, 30))
    assert (other.check_in_from, other.check_in_until) == (None, None)
    held.refresh_from_db()
    assert held.expected_arrival_at == at(0, 21)
    assert held.code == f"H-{held.pk % 10000:04d}"
