"""The filters every list of the API is built from: a query string can only ever filter or be
refused (400), never reach the database as something it cannot take, and never show a choice of
objects the reader may not see.

- ids are plain whole numbers, not looked up (``IdFilter``, the default for foreign keys): a filter
  costs no query, and an id the user may not see simply matches nothing, like one that does not
  exist (no "does not exist" error to tell them apart);
- a filter that does offer a choice of objects (a ``ModelChoiceFilter`` declared by hand) is
  narrowed to the objects the requesting user may see (``restrict(user, "view")``), so that the
  browsable API's filter form never lists other organisations' accounts; an id outside that set
  gets the same "not one of the available choices" as one that does not exist.
  ``RestrictedFilterBackend``, the API's filter backend, refuses any other kind of FilterSet;
- yes/no filters take ``true`` or ``false`` and refuse anything else, as the schema says;
- date-time filters take any ISO 8601 moment and compare it in UTC: PostgreSQL refuses offsets
  beyond ±15:59 (``+16:00`` is valid ISO 8601), and a moment before year 1 or after 9999 in UTC
  is before or after every stored one.
"""

from datetime import UTC, datetime

import django_filters
from django import forms
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_filters.fields import IsoDateTimeField
from django_filters.filters import QuerySetRequestMixin
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from organisations.permissions import Action, restrict_queryset
from organisations.validators import ID_MAX


@extend_schema_field(OpenApiTypes.INT)
class IdFilter(django_filters.NumberFilter):
    """The id of an object, as a whole number; one larger than any id can be names nothing (the
    database would fail on it rather than answer)."""

    field_class = forms.IntegerField

    def filter(self, qs, value):
        if value is not None and not -ID_MAX <= value <= ID_MAX:
            return qs.none()
        return super().filter(qs, value)


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


def _restricted(queryset, user):
    """``queryset`` (or, when it is a function of the request, what it returns) narrowed to what
    ``user`` may see."""
    if callable(queryset):
        return lambda request: restrict_queryset(queryset(request), user, Action.VIEW)
    return restrict_queryset(queryset, user, Action.VIEW)


class RestrictedFilterSet(django_filters.FilterSet):
    """The base of every filter set of the API: model fields get the filters above, an empty value
    is no filter (``status=`` as much as no ``status``, as the schema's ``allowEmptyValue`` says),
    and every model choice is one the user may see.

    The choices are narrowed per instance (each request gets its own copy of the filters), so a
    subclass must not cache a form class built with them across requests."""

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
        user = getattr(self.request, "user", None)
        for name, choice_filter in self.filters.items():
            if not isinstance(choice_filter, QuerySetRequestMixin):
                continue
            if choice_filter.queryset is None:
                raise ImproperlyConfigured(f"{type(self).__name__}.{name} offers objects without a queryset.")
            choice_filter.queryset = _restricted(choice_filter.queryset, user)


class RestrictedFilterBackend(DjangoFilterBackend):
    """The API's filter backend: only ``RestrictedFilterSet`` classes (its own default for views
    that list ``filterset_fields``)."""

    filterset_base = RestrictedFilterSet

    def get_filterset_class(self, view, queryset=None):
        filterset_class = super().get_filterset_class(view, queryset)
        if filterset_class is not None and not issubclass(filterset_class, RestrictedFilterSet):
            raise ImproperlyConfigured(
                f"{type(view).__name__}.filterset_class must be a RestrictedFilterSet, so that its choices "
                "are restricted to what the user may see."
            )
        return filterset_class
