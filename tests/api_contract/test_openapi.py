"""What the OpenAPI schema states beyond drf-spectacular's own findings
(``organisations.api.schema``): the error statuses of every operation with the one error body,
pagination only on list actions, organisation fields written as ids, answers that can be null or
blank, lists that cannot be empty, query values that may be empty."""

import pytest
from django.urls import reverse

from organisations.api.schema import ERROR_DESCRIPTIONS

ERROR = {"$ref": "#/components/schemas/Error"}
WRITES = {"post", "put", "patch", "delete"}


@pytest.fixture(scope="module")
def schema(django_db_blocker):
    from rest_framework.test import APIClient

    with django_db_blocker.unblock():
        return APIClient().get(reverse("api-schema"), {"format": "json"}).json()


def operations(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if method in {"get", "post", "put", "patch", "delete"}:
                yield path, method, operation


def test_every_operation_documents_the_errors_it_can_answer(schema):
    for path, method, operation in operations(schema):
        expected = {400, 401, 404, 414, 422}
        if method in WRITES:
            expected |= {403, 409}
        if "requestBody" in operation:
            expected |= {413, 415}
        documented = {int(status) for status in operation["responses"]}
        assert expected <= documented, (method, path, sorted(expected - documented))
        assert 500 not in documented
        for status in expected:
            response = operation["responses"][str(status)]
            if response["description"] == ERROR_DESCRIPTIONS[status]:
                assert response["content"]["application/json"]["schema"] == ERROR


def test_a_view_s_own_error_answer_is_kept(schema):
    conflict = schema["paths"]["/api/v1/people/"]["post"]["responses"]["409"]
    assert conflict["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/PossibleDuplicates"}


def test_the_api_takes_json_only(schema):
    for path, method, operation in operations(schema):
        if "requestBody" in operation:
            assert list(operation["requestBody"]["content"]) == ["application/json"], (method, path)


def test_only_list_actions_are_paginated(schema):
    def answer(path, method="get"):
        return schema["paths"][path][method]["responses"]["200"]["content"]["application/json"]["schema"]

    for path in (
        "/api/v1/people/{id}/consents/",
        "/api/v1/people/duplicates/",
        "/api/v1/referrals/{id}/messages/",
        "/api/v1/notifications/preferences/",
    ):
        assert answer(path)["type"] == "array", path
    assert answer("/api/v1/referrals/")["$ref"] == "#/components/schemas/PaginatedReferralRowList"


def test_organisations_are_written_as_ids_and_read_as_their_brief_form(schema):
    components = schema["components"]["schemas"]
    assert components["PersonCreateRequest"]["properties"]["owner"] == {"type": "integer"}
    assert components["Person"]["properties"]["owner"]["allOf"][0] == {"$ref": "#/components/schemas/OrganisationBrief"}


def test_answers_say_when_they_can_be_null_or_blank(schema):
    components = schema["components"]["schemas"]
    assert components["Hold"]["properties"]["household"]["nullable"] is True
    assert components["ReferralRow"]["properties"]["assignee"]["nullable"] is True
    assert {"$ref": "#/components/schemas/BlankEnum"} in components["ReferralEvent"]["properties"]["from_status"][
        "oneOf"
    ]
    assert {"$ref": "#/components/schemas/BlankEnum"} in components["Stay"]["properties"]["exit_destination"]["oneOf"]


def test_lists_that_cannot_be_empty_say_so_and_names_state_their_pattern(schema):
    components = schema["components"]["schemas"]
    assert components["HoldCreateRequest"]["properties"]["beds"]["minItems"] == 1
    assert components["ServiceRequest"]["properties"]["languages"]["minItems"] == 1
    assert "\\u202e" in components["PersonCreateRequest"]["properties"]["given_names"]["pattern"]


def test_optional_query_parameters_may_be_empty(schema):
    for path, method, operation in operations(schema):
        for parameter in operation.get("parameters", []):
            if parameter["in"] == "query" and not parameter.get("required"):
                assert parameter["allowEmptyValue"] is True, (method, path, parameter["name"])


def project_serializers():
    """Every serializer class of the project's apps (their modules are imported by the URLs)."""
    from django.urls import get_resolver
    from rest_framework.serializers import BaseSerializer

    get_resolver().url_patterns  # noqa: B018 - imports every view, and with them every serializer
    apps = ("accounts.", "organisations.", "people.", "referrals.", "housing.", "notifications.", "reports.")
    found, stack = [], list(BaseSerializer.__subclasses__())
    while stack:
        cls = stack.pop()
        stack.extend(cls.__subclasses__())
        if cls.__module__.startswith(apps):
            found.append(cls)
    return found


def text_fields(serializer, path=""):
    """(path, field) of every field of ``serializer`` and of the serializers and lists within."""
    from rest_framework import serializers

    for name, field in serializer.fields.items():
        yield f"{path}{name}", field
        child = getattr(field, "child", None)
        if isinstance(field, serializers.BaseSerializer) and hasattr(field, "fields"):
            yield from text_fields(field, f"{path}{name}.")
        if child is not None:
            yield f"{path}{name}[]", child
            if hasattr(child, "fields"):
                yield from text_fields(child, f"{path}{name}[].")


@pytest.mark.django_db
def test_every_text_field_of_every_serializer_refuses_what_is_not_text():
    """A number for a text field is a 400, as the schema's ``type: string`` says, not its digits
    stored as text: every serializer uses ``organisations.api.strict``."""
    from rest_framework import serializers

    from organisations.api.strict import StrictText

    classes = project_serializers()
    assert len(classes) > 50
    loose = []
    for cls in classes:
        if issubclass(cls, serializers.ListSerializer):
            continue  # its child is one of the classes checked
        if issubclass(cls, serializers.ModelSerializer) and not hasattr(cls, "Meta"):
            continue  # a base class, with no model
        try:
            serializer = cls(context={})
            fields = list(text_fields(serializer))
        except Exception as error:  # a serializer that cannot be built alone is named, not skipped
            loose.append(f"{cls.__module__}.{cls.__qualname__}: cannot be built to check ({error!r})")
            continue
        for path, field in fields:
            if isinstance(field, serializers.CharField) and not field.read_only and not isinstance(field, StrictText):
                loose.append(f"{cls.__module__}.{cls.__qualname__}.{path}")
    assert loose == [], "\n".join(loose)


def test_the_schema_says_what_arrival_and_check_in_times_accept(schema):
    """L10: check-in hours are times of day without a UTC offset (unlike date-times), and an
    expected arrival is accepted from now to now plus the site's horizon: the schema says so."""
    components = schema["components"]["schemas"]
    for name in ("Site", "SiteRequest", "PatchedSiteUpdateRequest"):
        for field in ("check_in_from", "check_in_until"):
            description = components[name]["properties"][field]["description"]
            assert "no UTC offset" in description and "America/Toronto" in description, (name, field)
    for name in ("HoldCreateRequest", "HoldExtendRequest"):
        description = components[name]["properties"]["expected_arrival_at"]["description"]
        assert "UTC offset" in description and "hold_horizon" in description and "arrival_in_past" in description
