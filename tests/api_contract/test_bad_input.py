"""Bad input gets a 4xx with a translated message, never a server error: one test for each cause
an outside probe found (format suffixes, years out of range in reports, an offset PostgreSQL
refuses, a forged cursor, a NUL in a query string, JSON nested 50,000 deep, a milestone in year
9999, a need without urgency, a 10 MB body, a 16 KB address), and the rules that refuse
implausible dates and disguised names, on the API and on the pages."""

import base64
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from housing.models import BedAllocation
from organisations import services as organisation_services
from organisations.choices import NeedCategory, OrganisationKind, Role
from organisations.models import Organisation
from people.choices import MilestoneKind, NeedUrgency
from people.models import Intervention, Milestone, Need, Person
from tests import factories
from tests.api_contract.world import build_side
from tests.auth import login
from tests.referrals.api_world import build_api_world


@pytest.fixture
def hub_worker(network):
    return network.a[Role.WORKER]


@pytest.fixture
def person(network, hub_worker):
    return factories.person(network.a.organisation, actor=hub_worker)


def assert_json_error(response, status: int, code: str | None = None):
    """An API error: the status, JSON with a translated ``detail``, and ``code`` when given."""
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["detail"]
    if code is not None:
        assert body["code"] == code


# --- The causes of server errors found by the probe ------------------------------------------------


@pytest.mark.parametrize("path", ["/api/v1/referrals.json", "/api/v1/people.json", "/api/v1/housing/sites.json"])
def test_format_suffix_routes_do_not_exist(api, hub_worker, path):
    api.force_authenticate(hub_worker)
    assert_json_error(api.get(path), 404, "not_found")


@pytest.mark.parametrize("month", ["0000-01", "9999-12", "1999-12", "2101-01"])
def test_a_report_month_outside_the_reports_years_is_a_400(api, network, month):
    api.force_authenticate(network.a[Role.COORDINATOR])
    response = api.get(reverse("reports-section", args=["people"]), {"period": "month", "month": month})
    assert_json_error(response, 400, "invalid")
    assert "month" in response.json()["fields"]


@pytest.mark.parametrize(("start", "end"), [("9999-12-30", "9999-12-31"), ("0001-01-01", "0001-01-02")])
def test_a_custom_range_outside_the_reports_years_is_refused(api, network, start, end):
    api.force_authenticate(network.a[Role.COORDINATOR])
    response = api.get(reverse("reports-timeseries"), {"period": "custom", "start": start, "end": end})
    assert_json_error(response, 422, "refused")


@pytest.mark.parametrize(
    "moment", ["2026-01-01T00:00:00+16:00", "2026-01-01T00:00:00-21:14", "0001-01-01T00:00:00+14:00"]
)
def test_date_time_filters_take_any_iso_offset(api, network, moment):
    api.force_authenticate(network.a[Role.PRIVACY_OFFICER])
    assert api.get(reverse("audit-entry-list"), {"since": moment}).status_code == 200
    api.force_authenticate(network.a[Role.WORKER])
    assert api.get(reverse("referral-list"), {"created_before": moment}).status_code == 200
    assert api.get(reverse("housing-unmet-request-list"), {"until": moment}).status_code == 200


def forged_cursor(position: str) -> str:
    return base64.b64encode(f"o=0&r=0&p={position}".encode()).decode()


@pytest.mark.parametrize("position", ["abc", "1; DROP TABLE", "99999999999999999999999", "-1"])
def test_a_forged_cursor_is_a_404(api, hub_worker, position):
    api.force_authenticate(hub_worker)
    for url in (reverse("referral-list"), reverse("notification-list")):
        assert_json_error(api.get(url, {"cursor": forged_cursor(position)}), 404, "not_found")


def test_a_cursor_the_server_made_still_works(api, network):
    world = build_api_world(network)
    api.force_authenticate(world.hub_worker)
    first = api.get(reverse("referral-list"), {"page_size": 1}).json()
    assert api.get(first["next"]).status_code == 200


@pytest.mark.parametrize("url", ["/api/v1/notifications/?kind=a%00b", "/api/v1/people/?q=%00", "/people/?q=a%00"])
def test_a_nul_character_in_the_query_string_is_refused(client, hub_worker, url):
    login(client, hub_worker)
    response = client.get(url)
    if url.startswith("/api/"):
        assert_json_error(response, 422, "invalid_character")
    else:
        assert response.status_code == 422
        assert response["Content-Type"].startswith("text/html")


def test_json_nested_fifty_thousand_deep_is_a_400(api, hub_worker):
    api.force_authenticate(hub_worker)
    response = api.generic("POST", reverse("person-list"), "[" * 50_000, content_type="application/json")
    assert_json_error(response, 400, "parse_error")


def test_a_milestone_in_year_9999_is_refused(api, hub_worker, person):
    api.force_authenticate(hub_worker)
    body = {"person": person.pk, "kind": MilestoneKind.CLAIM_MADE, "occurred_on": "9999-12-31"}
    response = api.post(reverse("milestone-list"), body)
    assert_json_error(response, 422, "refused")
    assert "occurred_on" in response.json()["fields"]
    assert not Milestone.objects.filter(person=person).exists()


def test_a_need_without_urgency_gets_the_default_urgency(api, hub_worker, person):
    api.force_authenticate(hub_worker)
    response = api.post(reverse("need-list"), {"person": person.pk, "category": NeedCategory.FOOD})
    assert response.status_code == 201, response.json()
    assert Need.objects.get(pk=response.json()["id"]).urgency == NeedUrgency.DAYS


def test_a_10_mb_body_is_a_413_in_json_on_the_api(api, hub_worker):
    api.force_authenticate(hub_worker)
    body = '{"given_names": "' + "a" * (10 * 1024 * 1024) + '"}'
    response = api.generic("POST", reverse("person-list"), body, content_type="application/json")
    assert_json_error(response, 413, "too_large")


def test_a_10_mb_form_is_a_413_page(client, hub_worker, person):
    login(client, hub_worker)
    response = client.post(reverse("people:milestone-create", args=[person.pk]), {"note": "a" * (10 * 1024 * 1024)})
    assert response.status_code == 413
    assert response["Content-Type"].startswith("text/html")


def test_a_10_mb_form_body_on_the_api_is_a_413_in_json(client, hub_worker):
    login(client, hub_worker)
    response = client.post(reverse("person-list"), {"given_names": "a" * (10 * 1024 * 1024)})
    assert response.status_code in (413, 415)
    assert response["Content-Type"].startswith("application/json")


def test_an_address_longer_than_the_limit_is_a_414(client, api, hub_worker, settings):
    login(client, hub_worker)
    long_query = "q=" + "a" * (settings.MAX_URL_LENGTH + 1)
    page = client.get(f"/people/?{long_query}")
    assert page.status_code == 414
    assert page["Content-Type"].startswith("text/html")
    api.force_authenticate(hub_worker)
    assert_json_error(api.get(f"/api/v1/people/?{long_query}"), 414, "url_too_long")
    assert api.get("/api/v1/people/?q=" + "a" * 4000).status_code == 200


# --- Other servers errors of the same classes, found by the contract run ----------------------------


def test_returning_a_bed_to_service_leaves_ended_periods_alone(api, db):
    side = build_side("A", "employment")
    bed = side.provider.sites.get().beds.order_by("pk").last()
    api.force_authenticate(side.user)
    ended_at = timezone.now() - timedelta(days=1)
    BedAllocation.objects.create(
        bed=bed, kind="out_of_service", starts_at=ended_at - timedelta(days=2), ends_at=ended_at, reason="repairs"
    )
    response = api.post(reverse("housing-bed-in-service", args=[bed.pk]))
    assert response.status_code == 200, response.content
    assert BedAllocation.objects.get(bed=bed, kind="out_of_service").ends_at == ended_at


# --- Plausible dates and readable names, on the API and the pages ----------------------------------


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("date_of_birth", "9999-12-31"),
        ("date_of_birth", "1899-12-31"),
        ("date_of_birth", (timezone.localdate() + timedelta(days=1)).isoformat()),
        ("arrival_date", "0001-01-01"),
    ],
)
def test_the_api_refuses_implausible_dates_of_a_person(api, network, hub_worker, field, value):
    api.force_authenticate(hub_worker)
    body = {"owner": network.a.organisation.pk, "given_names": "Ana", "family_names": "Pérez", field: value}
    response = api.post(reverse("person-list"), {**body, "confirm_new": True})
    assert_json_error(response, 422, "refused")
    assert field in response.json()["fields"]
    assert not Person.objects.filter(given_names="Ana").exists()


@pytest.mark.parametrize("day", ["0001-01-01", "1990-01-01", (timezone.localdate() + timedelta(days=1)).isoformat()])
def test_the_api_refuses_an_intervention_in_the_future_or_decades_back(api, hub_worker, person, day):
    api.force_authenticate(hub_worker)
    response = api.post(reverse("intervention-list"), {"type": "follow_up", "people": [person.pk], "occurred_on": day})
    assert_json_error(response, 422, "refused")
    assert not Intervention.objects.exists()


# Control characters, bidi marks, and the invisible characters that let a name slip past the
# duplicate check: zero-width space, soft hyphen, U+FEFF, line and paragraph separators, a tag.
DISGUISED_NAMES = [
    "Ali\u202eecnarF",
    "Ana\x1b[31m",
    "Ana\u2066x",
    "A\nna",
    "A\x00",
    "A\u200bna",
    "Ana\u00ad",
    "\ufeffAna",
    "Ali\u2028x",
    "Ali\u2029x",
    "Ana\u2060",
    "Ana\U000e0041",
]


@pytest.mark.parametrize("name", DISGUISED_NAMES)
def test_the_api_refuses_names_with_control_characters_or_direction_marks(api, network, hub_worker, name):
    api.force_authenticate(hub_worker)
    body = {"owner": network.a.organisation.pk, "given_names": name, "family_names": "Pérez", "confirm_new": True}
    response = api.post(reverse("person-list"), body)
    assert_json_error(response, 400, "invalid")
    assert "given_names" in response.json()["fields"]
    household = api.post(reverse("household-list"), {"owner": network.a.organisation.pk, "name": name})
    assert_json_error(household, 400, "invalid")
    assert not Person.objects.filter(family_names="Pérez").exists()


def test_accented_and_non_latin_names_are_accepted(api, network, hub_worker):
    api.force_authenticate(hub_worker)
    # Persian and Indic names need the zero-width non-joiner and joiner (U+200C, U+200D).
    names = (
        ("María José", "Núñez-O'Brien"),
        ("عائشة", "Diallo"),
        ("Lê Thị", "Nguyễn"),
        ("محمد\u200cرضا", "Ahmadi"),
        ("Ra\u200dj", "क्\u200dष"),
    )
    for given, family in names:
        body = {"owner": network.a.organisation.pk, "given_names": given, "family_names": family, "confirm_new": True}
        assert api.post(reverse("person-list"), body).status_code == 201


@pytest.mark.parametrize("name", DISGUISED_NAMES)
def test_users_full_names_and_organisation_names_refuse_invisible_characters(api, network, name):
    admin = network.a[Role.ADMIN]
    api.force_authenticate(admin)
    me = api.patch(reverse("api-me"), {"full_name": name}, format="json")
    assert_json_error(me, 400, "invalid")
    assert "full_name" in me.json()["fields"]
    admin.refresh_from_db()
    assert admin.full_name != name
    # Organisations are named by the platform's staff (the admin site, through the service).
    with pytest.raises(ValidationError) as refused:
        organisation_services.organisation_create(actor=None, name=name, slug="x", kind=OrganisationKind.FOOD_AID)
    assert [error.code for error in refused.value.error_dict["name"]] == ["invalid"]
    assert not Organisation.objects.filter(slug="x").exists()


def person_form(network, **fields):
    return {
        "owner": network.a.organisation.pk,
        "given_names": "Lucía",
        "family_names": "Fernández",
        "preferred_language": "es",
        "intake_channel": "walk_in",
        **fields,
    }


@pytest.mark.parametrize(
    "fields",
    [
        {"date_of_birth": "9999-12-31"},
        {"date_of_birth": "1850-06-01"},
        {"given_names": "Ali\u202eecnarF"},
        {"family_names": "Fern\x1b[2Jandez"},
        {"given_names": "Lu\u200bcía"},
    ],
)
def test_the_person_form_shows_implausible_dates_and_disguised_names_next_to_the_field(client, network, fields):
    worker = network.a[Role.WORKER]
    login(client, worker)
    response = client.post(reverse("people:create"), person_form(network, **fields))
    assert response.status_code == 200
    assert 'class="field field--error"' in response.content.decode()
    assert not Person.objects.exists()


@pytest.mark.parametrize("day", ["9999-12-31", "1990-01-01"])
def test_the_milestone_form_refuses_an_implausible_date(client, hub_worker, person, day):
    login(client, hub_worker)
    response = client.post(
        reverse("people:milestone-create", args=[person.pk]), {"kind": MilestoneKind.CLAIM_MADE, "occurred_on": day}
    )
    assert response.status_code == 200
    assert 'class="field field--error"' in response.content.decode()
    assert not Milestone.objects.filter(person=person).exists()


@pytest.mark.parametrize(
    "url", ["/notifications/?before=%C2%B2", "/referrals/?before=%C2%B2", "/people/1/?consent_recipient=%C2%B2"]
)
def test_a_digit_python_cannot_read_as_a_number_is_no_id_on_the_pages(client, hub_worker, person, url):
    """``"²".isdigit()`` is true, ``int("²")`` fails: ids from query strings are ASCII digits only."""
    login(client, hub_worker)
    response = client.get(url.replace("/people/1/", f"/people/{person.pk}/"))
    assert response.status_code == 200


def test_preferences_take_the_deliveries_the_schema_lists(api, hub_worker):
    """The schema lists the deliveries a kind may take; a kind that does not exist is a rule of
    the registered kinds (422)."""
    api.force_authenticate(hub_worker)
    url = reverse("notification-preferences")
    assert_json_error(api.put(url, {"deliveries": {"referral_received": ""}}), 400, "invalid")
    assert_json_error(api.put(url, {"deliveries": {"no_such_kind": "email"}}), 422, "invalid_preference")
    assert api.put(url, {"deliveries": {"referral_received": "email"}}).status_code == 200


# --- The schema's types hold: text is text, PATCH needs nothing, filters are real ----------------


@pytest.mark.parametrize("value", [0, -1.58e16, True, ["Ana"], {"a": 1}])
def test_a_text_field_refuses_what_is_not_text(api, network, value):
    world = build_api_world(network)
    api.force_authenticate(world.hub_worker)
    me = api.patch(reverse("api-me"), {"full_name": value}, format="json")
    assert_json_error(me, 400, "invalid")
    assert "full_name" in me.json()["fields"]
    message = api.post(reverse("referral-messages", args=[world.referral_a.pk]), {"body": value}, format="json")
    assert_json_error(message, 400, "invalid")
    assert "body" in message.json()["fields"]
    assert not world.referral_a.messages.exists()


def test_a_membership_patch_without_valid_until_changes_nothing(api, network):
    admin = network.a[Role.ADMIN]
    membership = network.a.organisation.memberships.get(user=network.a[Role.WORKER])
    api.force_authenticate(admin)
    url = reverse("membership-detail", args=[membership.pk])
    response = api.patch(url, {"role": "worker"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["id"] == membership.pk
    until = (timezone.now() + timedelta(days=30)).replace(microsecond=0)
    assert api.patch(url, {"valid_until": until.isoformat()}, format="json").status_code == 200
    membership.refresh_from_db()
    assert membership.valid_until == until
    # PUT states it whole: valid_until is required there.
    assert_json_error(api.put(url, {}, format="json"), 400, "invalid")


def test_list_filters_refuse_invalid_values(api, network):
    world = build_api_world(network)
    api.force_authenticate(world.hub_worker)
    response = api.get(reverse("referral-list"), {"person": "1.95e16", "created_after": "null"})
    assert_json_error(response, 400, "invalid")
    assert {"person", "created_after"} <= set(response.json()["fields"])


@pytest.mark.parametrize(
    "url_name",
    [
        "service-list",
        "location-list",
        "membership-list",
        "membership-invitation-list",
        "partnership-list",
        "audit-entry-list",
    ],
)
@pytest.mark.parametrize("huge", ["99999999999999999999", "-99999999999999999999", str(2**63)])
def test_an_id_filter_larger_than_any_id_finds_nothing(api, network, url_name, huge):
    """An ``organisation=`` beyond the database's integers names no row: an empty page, never a
    500 (the database would refuse the number)."""
    api.force_authenticate(network.a[Role.PRIVACY_OFFICER if url_name == "audit-entry-list" else Role.ADMIN])
    response = api.get(reverse(url_name), {"organisation": huge})
    assert response.status_code == 200
    assert response.json()["results"] == []
