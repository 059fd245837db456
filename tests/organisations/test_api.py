"""The organisations API beyond the permission matrix: what each endpoint does, its filters, its
errors, the HSDS export and the OpenAPI schema."""

import json
from pathlib import Path

import jsonschema
import pytest
from django.conf import settings
from django.urls import reverse

from accounts.models import ApiToken
from organisations.choices import NeedCategory, PartnershipScope, Role
from organisations.models import AuditEntry, Membership
from tests import factories
from tests.auth import login

HSDS_SCHEMA = Path(settings.BASE_DIR) / "tests" / "data" / "hsds-3.0" / "organization.json"
SHARED_HSDS_SCHEMA = Path(settings.BASE_DIR).parent / "shared" / "hsds-3.0" / "compiled" / "organization.json"


def test_me_lists_active_memberships_and_changes_language(api, network):
    user = network.a[Role.WORKER]
    api.force_authenticate(user)
    data = api.get(reverse("api-me")).json()
    assert data["email"] == user.email
    assert [(m["organisation"]["id"], m["role"]) for m in data["memberships"]] == [
        (network.a.organisation.pk, Role.WORKER)
    ]
    response = api.patch(reverse("api-me"), {"preferred_language": "es-419"}, format="json")
    assert response.status_code == 200
    user.refresh_from_db()
    assert user.preferred_language == "es-419"
    assert AuditEntry.objects.filter(action="organisations.user.updated", object_id=str(user.pk)).exists()


def test_me_refuses_an_unknown_language(api, network):
    api.force_authenticate(network.a[Role.WORKER])
    response = api.patch(reverse("api-me"), {"preferred_language": "klingon"}, format="json")
    assert response.status_code == 400
    assert "preferred_language" in response.json()["fields"]


def test_token_authentication(api, network):
    _token, text = ApiToken.objects.create(user=network.a[Role.WORKER], name="test")
    api.credentials(HTTP_AUTHORIZATION=f"Token {text}")
    assert api.get(reverse("api-me")).json()["email"] == network.a[Role.WORKER].email


def test_services_are_searchable_by_need_and_language(api, network):
    food_es = factories.service(network.a.organisation, need_categories=[NeedCategory.FOOD], languages=["es"])
    food_fr = factories.service(network.b.organisation, need_categories=[NeedCategory.FOOD], languages=["fr"])
    legal_es = factories.service(
        network.b.organisation, need_categories=[NeedCategory.LEGAL_IMMIGRATION], languages=["es", "fr"]
    )
    api.force_authenticate(network.a[Role.WORKER])

    def ids(**params):
        return {row["id"] for row in api.get(reverse("service-list"), params).json()["results"]}

    assert ids(need_category="food") == {food_es.pk, food_fr.pk}
    assert ids(language="es") == {food_es.pk, legal_es.pk}
    assert ids(need_category="food", language="es") == {food_es.pk}
    assert ids(organisation_kind="employment") == {food_fr.pk, legal_es.pk}


def test_locations_are_searchable_by_their_services(api, network):
    clinic = factories.location(network.a.organisation)
    office = factories.location(network.a.organisation)
    factories.service(
        network.a.organisation, need_categories=[NeedCategory.HEALTH_PHYSICAL], languages=["es"], locations=[clinic]
    )
    factories.service(network.a.organisation, need_categories=[NeedCategory.FOOD], languages=["fr"], locations=[office])
    api.force_authenticate(network.a[Role.WORKER])
    response = api.get(reverse("location-list"), {"need_category": "health_physical", "language": "es"})
    assert [row["id"] for row in response.json()["results"]] == [clinic.pk]


def test_a_service_cannot_use_another_organisations_location(api, network):
    foreign = factories.location(network.b.organisation)
    api.force_authenticate(network.a[Role.ADMIN])
    response = api.post(
        reverse("service-list"),
        {
            "organisation": network.a.organisation.pk,
            "name_fr": "X",
            "need_categories": ["food"],
            "languages": ["fr"],
            "locations": [foreign.pk],
        },
        format="json",
    )
    assert response.status_code == 422
    assert response.json()["code"] == "foreign_location"


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"need_categories": ["not_a_need"], "languages": ["fr"]}, "need_categories"),
        ({"need_categories": [], "languages": ["fr"]}, "need_categories"),
        ({"need_categories": ["food"], "languages": ["French!"]}, "languages"),
        ({"need_categories": ["food"], "languages": ["fr"], "url": "not a url"}, "url"),
        ({"need_categories": ["food"], "languages": ["fr"], "organisation": "abc"}, "organisation"),
    ],
)
def test_bad_service_input_gets_field_errors(api, network, payload, field):
    api.force_authenticate(network.a[Role.ADMIN])
    body = {"organisation": network.a.organisation.pk, "name_fr": "Service", **payload}
    response = api.post(reverse("service-list"), body, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert field in response.json()["fields"]


def test_malformed_json_and_bad_filters_are_400_not_500(api, network):
    api.force_authenticate(network.a[Role.ADMIN])
    response = api.post(reverse("service-list"), "{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"
    assert api.get(reverse("service-list"), {"need_category": "nope"}).status_code == 400
    assert api.get(reverse("membership-list"), {"organisation": "abc"}).status_code == 400
    assert api.get(reverse("audit-entry-list"), {"since": "yesterday"}).status_code in (200, 400)


def test_memberships_are_ended_and_not_ended_twice(api, network):
    newcomer = factories.member(network.a.organisation, Role.WORKER)
    membership = Membership.objects.get(user=newcomer)
    api.force_authenticate(network.a[Role.ADMIN])
    end_url = reverse("membership-end", args=[membership.pk])
    assert api.post(end_url).status_code == 200
    assert not newcomer.groups.filter(role_group__organisation=network.a.organisation).exists()
    assert api.post(end_url).status_code == 409
    assert AuditEntry.objects.filter(action="organisations.membership.ended", object_id=str(membership.pk)).exists()


def test_a_membership_end_must_be_in_the_future(api, network):
    membership = Membership.objects.get(user=network.a[Role.LIAISON])
    api.force_authenticate(network.a[Role.ADMIN])
    response = api.patch(
        reverse("membership-detail", args=[membership.pk]), {"valid_until": "2025-01-01T00:00:00Z"}, format="json"
    )
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_valid_until"


def test_a_proposal_is_seen_by_both_sides_and_answered_by_the_other(api, network):
    api.force_authenticate(network.a[Role.COORDINATOR])
    response = api.post(
        reverse("partnership-list"),
        {
            "organisation": network.a.organisation.pk,
            "partner": network.b.organisation.pk,
            "scope": PartnershipScope.REFERRALS,
        },
        format="json",
    )
    assert response.status_code == 201
    body = response.json()
    assert (body["status"], body["proposed_by"]["id"]) == ("proposed", network.a.organisation.pk)
    partnership_id = body["id"]
    api.force_authenticate(network.b[Role.WORKER])
    assert api.get(reverse("partnership-detail", args=[partnership_id])).status_code == 200
    assert api.post(reverse("partnership-accept", args=[partnership_id])).status_code == 404
    api.force_authenticate(network.b[Role.ADMIN])
    accepted = api.post(reverse("partnership-accept", args=[partnership_id])).json()
    assert (accepted["status"], accepted["answered_at"] is not None) == ("active", True)
    ended = api.post(reverse("partnership-end", args=[partnership_id])).json()
    assert (ended["status"], ended["ended_by"]["id"]) == ("ended", network.b.organisation.pk)


def test_an_organisation_cannot_partner_with_itself(api, network):
    api.force_authenticate(network.a[Role.COORDINATOR])
    response = api.post(
        reverse("partnership-list"),
        {
            "organisation": network.a.organisation.pk,
            "partner": network.a.organisation.pk,
            "scope": "referrals",
        },
        format="json",
    )
    assert response.status_code == 422
    assert response.json()["code"] == "self_partnership"


def test_hsds_export_validates_against_the_official_schema(api, network):
    location = factories.location(network.a.organisation, latitude="46.8139", longitude="-71.2238")
    factories.service(
        network.a.organisation,
        need_categories=[NeedCategory.FOOD, NeedCategory.MATERIAL_AID],
        languages=["es", "fr"],
        locations=[location],
        url="https://example.org/aide",
    )
    network.a.organisation.phone = "418 555-0100"
    network.a.organisation.save()
    schema = json.loads(HSDS_SCHEMA.read_text())
    if SHARED_HSDS_SCHEMA.exists():
        assert json.loads(SHARED_HSDS_SCHEMA.read_text()) == schema, "tests/data/hsds-3.0 is out of date"
    api.force_authenticate(network.a[Role.WORKER])
    response = api.get(reverse("api-directory-hsds"))
    assert response.status_code == 200
    exported = response.json()
    assert {organisation["name"] for organisation in exported} == {
        network.a.organisation.name,
        network.b.organisation.name,
    }
    for organisation in exported:
        jsonschema.validate(organisation, schema, cls=jsonschema.Draft202012Validator)
    [services] = [o["services"] for o in exported if o["name"] == network.a.organisation.name]
    assert [language["code"] for language in services[0]["languages"]] == ["es", "fr"]
    assert services[0]["service_at_locations"][0]["location_id"] in {
        loc["id"] for o in exported for loc in o["locations"]
    }


def test_hsds_export_is_for_network_members_only(api, network):
    api.force_authenticate(network.outsider)
    assert api.get(reverse("api-directory-hsds")).json() == []


def test_openapi_schema_is_valid_and_lists_the_endpoints(api, network):
    api.force_authenticate(network.a[Role.WORKER])
    response = api.get(reverse("api-schema"), {"format": "json"})
    assert response.status_code == 200
    schema = json.loads(response.content)
    for path in (
        "/api/v1/me/",
        "/api/v1/organisations/",
        "/api/v1/memberships/",
        "/api/v1/membership-invitations/",
        "/api/v1/membership-invitations/{id}/revoke/",
        "/api/v1/partnerships/",
        "/api/v1/partnerships/{id}/accept/",
        "/api/v1/services/",
        "/api/v1/locations/",
        "/api/v1/directory/hsds/",
        "/api/v1/audit-entries/",
    ):
        assert path in schema["paths"], path


def test_openapi_schema_generates_without_warnings():
    from django.core.management import call_command

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", "/dev/null")


def test_api_docs_load_nothing_from_a_cdn(client, network):
    login(client, network.a[Role.WORKER])
    response = client.get(reverse("api-docs"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger-ui" in html
    assert "cdn" not in html.lower() and "https://" not in html
