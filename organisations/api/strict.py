"""The API's text fields take text only, as the OpenAPI schema says (``type: string``).

DRF's ``CharField`` turns a number into its text: ``{"full_name": 0}`` was stored as "0" and a
message's ``body`` of ``-1.58e16`` as its digits, although the schema declares strings. Every
serializer of the project uses these fields instead: declared ones by name
(``strict.CharField(...)``), the ones a ``ModelSerializer`` builds through the mapping of
``strict.ModelSerializer``, its base. ``tests/api_contract/test_openapi.py`` checks that no
serializer holds a text field that is not strict."""

from django.db import models
from rest_framework import serializers


class StrictText:
    """A text field that refuses anything but a string (a number, a boolean, a list) as invalid."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class CharField(StrictText, serializers.CharField):
    pass


class EmailField(StrictText, serializers.EmailField):
    pass


class RegexField(StrictText, serializers.RegexField):
    pass


class SlugField(StrictText, serializers.SlugField):
    pass


class URLField(StrictText, serializers.URLField):
    pass


class IPAddressField(StrictText, serializers.IPAddressField):
    pass


class ModelSerializer(serializers.ModelSerializer):
    """DRF's ModelSerializer whose fields built from model text fields are strict."""

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.CharField: CharField,
        models.TextField: CharField,
        models.EmailField: EmailField,
        models.SlugField: SlugField,
        models.URLField: URLField,
        models.GenericIPAddressField: IPAddressField,
    }
