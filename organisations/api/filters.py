"""The filters every list of the API is built from, so that a query string can only ever filter
or be refused (400), never reach the database as something it cannot take.

- ids are plain whole numbers, not looked up: a filter costs no query, and an id the user may not
  see simply matches nothing (no "does not exist" error to tell it apart);
- yes/no filters take ``true`` or ``false`` and refuse anything else, as the schema says;
- date-time filters take any ISO 8601 moment and compare it in UTC: PostgreSQL refuses offsets
  beyond ±15:59 (``+16:00`` is valid ISO 8601), and a moment before year 1 or after 9999 in UTC
  is before or after every stored one.
"""

from datetime import UTC, datetime

import django_filters
from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_filters.fields import IsoDateTimeField
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field


@extend_schema_field(OpenApiTypes.INT)
class IdFilter(django_filters.NumberFilter):
    """The id of an object, as a whole number."""

    field_class = forms.IntegerField


class StrictBooleanField(forms.Field):
    """``true`` or ``false``; empty is no filter; anything else is refused."""

    default_error_messages = {"invalid": _("Give “true” or “false”.")}

    def to_python(self, value):
        if value in (None, ""):
            return None
        if value in ("true", "false"):
            return value == "true"
        raise forms.ValidationError(self.error_messages["invalid"], code="invalid")


class BooleanFilter(django_filters.BooleanFilter):
    field_class = StrictBooleanField


class UtcDateTimeField(IsoDateTimeField):
    """An ISO 8601 moment, in UTC (see the module's docstring)."""

    def to_python(self, value):
        moment = super().to_python(value)
        if moment is None:
            return None
        try:
            return moment.astimezone(UTC)
        except OverflowError:
            return (datetime.min if moment.year == 1 else datetime.max).replace(tzinfo=UTC)


class DateTimeFilter(django_filters.IsoDateTimeFilter):
    field_class = UtcDateTimeField


class FilterSet(django_filters.FilterSet):
    """The base of every filter set of the API: model fields get the filters above, and an empty
    value is no filter (``status=`` as much as no ``status``), as the schema says
    (``allowEmptyValue``)."""

    FILTER_DEFAULTS = {
        **django_filters.FilterSet.FILTER_DEFAULTS,
        models.BooleanField: {"filter_class": BooleanFilter},
        models.DateTimeField: {"filter_class": DateTimeFilter},
        models.ForeignKey: {"filter_class": IdFilter},
        models.OneToOneField: {"filter_class": IdFilter},
    }

    def __init__(self, data=None, *args, **kwargs):
        if data is not None:
            given = data
            data = data.copy()
            for key in given:
                values = [value for value in given.getlist(key) if value != ""]
                if values:
                    data.setlist(key, values)
                else:
                    del data[key]
        super().__init__(data, *args, **kwargs)
