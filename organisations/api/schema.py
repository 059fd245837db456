"""What the OpenAPI schema says beyond what drf-spectacular finds by itself, decided in one place
so that it holds for every operation: which error statuses an operation can answer, each with the
one error body, and which operations paginate.

The error statuses follow from what the API's chokepoints do, not from each view:

| status | when | which operations |
|---|---|---|
| 400 | the request does not match the schema, or cannot be read (a host not served) | all |
| 401 | no or wrong credentials | all that authenticate |
| 403 | a session-authenticated write without its CSRF token | writes |
| 404 | the object does not exist or is out of the user's reach; a page or cursor that does not exist | all |
| 409 | the state changed meanwhile, or a lock was not had in time (``busy``) | writes |
| 413 | a body larger than ``DATA_UPLOAD_MAX_MEMORY_SIZE`` | with a body |
| 414 | an address longer than ``MAX_URL_LENGTH`` | all |
| 415 | a body that is not JSON | with a body |
| 422 | the request matches the schema but a rule it cannot state refuses it; a NUL character in the address | all |
| 429 | too many requests | views with throttles; a view's ``rate_limited`` actions (invitations) |

A status a view declares itself (a 409 with the current state, a 503) keeps the view's body."""

import re

from django.core.exceptions import FieldDoesNotExist
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.plumbing import ResolvedComponent, build_basic_type
from drf_spectacular.types import OpenApiTypes
from rest_framework import serializers

ERROR_COMPONENT = ResolvedComponent(
    name="Error",
    type=ResolvedComponent.SCHEMA,
    object="Error",
    schema={
        "type": "object",
        "description": "Every error answer of the API (organisations.api.exceptions). Some conflicts add keys "
        "that say what changed (`version`, `beds`, `candidates`).",
        "properties": {
            "detail": {"type": "string", "description": "What went wrong, in the request's language."},
            "code": {"type": "string", "description": "A stable code: `invalid`, `refused`, `not_found`, …"},
            "fields": {
                "type": "object",
                "additionalProperties": {},
                "description": "With `invalid` and `refused`: the messages of each field in error.",
            },
        },
        "required": ["detail", "code"],
    },
)

ERROR_DESCRIPTIONS = {
    400: "The request does not match this schema (`code`: `invalid`, with `fields`), or cannot be read.",
    401: "No credentials, or credentials that are not valid.",
    403: "A write with session authentication but without its CSRF token.",
    404: "Not found, or out of your reach (the two look the same); or a page or cursor that does not exist.",
    409: "The state changed meanwhile (reload and try again), or the server was busy with the same rows.",
    413: "The body is too large.",
    414: "The address is too long.",
    415: "The body is not JSON.",
    422: "The request matches this schema, but a rule it cannot state refuses it (`code`: the rule, or "
    "`refused` with `fields`): a date out of its plausible range, a state that does not allow it, a "
    "character the server cannot store.",
    429: "Too many requests: wait and try again.",
}

UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


class AutoSchema(SpectacularAutoSchema):
    """drf-spectacular's schema of one operation, with the error statuses of the module's table,
    query parameters that may be left empty (every filter and query field ignores an empty value),
    and pagination only where a view paginates: its ``list``."""

    def get_operation(self, path, path_regex, path_prefix, method, registry):
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is None:
            return None
        for parameter in operation.get("parameters", []):
            if parameter["in"] == "query" and not parameter.get("required"):
                parameter["allowEmptyValue"] = True
        self.registry.register_on_missing(ERROR_COMPONENT)
        responses = operation["responses"]
        for status in sorted(self._error_statuses(operation)):
            responses.setdefault(
                str(status),
                {
                    "content": {"application/json": {"schema": ERROR_COMPONENT.ref}},
                    "description": ERROR_DESCRIPTIONS[status],
                },
            )
        return operation

    def _error_statuses(self, operation) -> set[int]:
        statuses = {400, 404, 414, 422}
        if operation.get("security"):
            statuses.add(401)
        if self.method in UNSAFE_METHODS:
            statuses |= {403, 409}
        if "requestBody" in operation:
            statuses |= {413, 415}
        if self.view.get_throttles() or getattr(self.view, "action", None) in getattr(self.view, "rate_limited", ()):
            statuses.add(429)
        return statuses

    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        # DRF drops ``allow_null`` and ``allow_blank`` from read-only fields, and never sets them on
        # nested serializers; the model's field says whether the answer can hold null or "".
        model_field = _model_field(field)
        if model_field is not None and field.read_only:
            if model_field.null:
                field.allow_null = True
            if model_field.blank and isinstance(field, serializers.ChoiceField):
                field.allow_blank = True
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        # A list that may not be empty says so (drf-spectacular leaves ``allow_empty`` out).
        non_empty = isinstance(field, serializers.ListField | serializers.ManyRelatedField) and not field.allow_empty
        if non_empty and isinstance(schema, dict) and schema.get("type") == "array":
            schema.setdefault("minItems", 1)
        return schema

    def _insert_field_validators(self, field, schema):
        super()._insert_field_validators(field, schema)
        _drop_blank_branch(schema)

    def _get_paginator(self):
        # Only a viewset's list paginates; the list answers of its other actions (a person's
        # consents, a referral's thread, the preferences) are plain arrays.
        if getattr(self.view, "action", None) != "list":
            return None
        return super()._get_paginator()


def _drop_blank_branch(schema: dict) -> None:
    """A text that may be blank and whose pattern already accepts "" (``validate_name``'s, on a
    name's English or Spanish text): drf-spectacular puts it in a ``oneOf`` beside a
    ``maxLength: 0`` branch, which "" then matches twice, an answer invalid by the schema's own
    rule. The pattern alone says it."""
    branches = schema.get("oneOf")
    if not branches or len(branches) != 2 or branches[1] != {"type": "string", "maxLength": 0}:
        return
    pattern = branches[0].get("pattern")
    if pattern is None or re.fullmatch(pattern, "") is None:
        return
    del schema["oneOf"]
    schema.update(branches[0])


def _model_field(field):
    """The model field a serializer field reads, when its serializer is a model serializer and
    its source a plain field name; else None."""
    model = getattr(getattr(field.parent, "Meta", None), "model", None)
    if model is None or not field.source or "." in field.source or field.source == "*":
        return None
    try:
        model_field = model._meta.get_field(field.source)
    except FieldDoesNotExist:
        return None
    # Reverse relations (a household's members) are lists, never null or blank.
    return None if model_field.auto_created and not model_field.concrete else model_field


class OrganisationFieldExtension(OpenApiSerializerFieldExtension):
    """``OrganisationField`` is written as an organisation's id and read as its brief form."""

    target_class = "organisations.api.serializers.OrganisationField"

    def map_serializer_field(self, auto_schema, direction):
        if direction == "request":
            return build_basic_type(OpenApiTypes.INT)
        from organisations.api.serializers import OrganisationBriefSerializer

        return auto_schema.resolve_serializer(OrganisationBriefSerializer, direction).ref
