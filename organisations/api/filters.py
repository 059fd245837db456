"""Filters of the API, with the access policy applied to every choice they offer.

A FilterSet builds a choice filter for every foreign key in ``Meta.fields`` (and for each
``ModelChoiceFilter`` declared), and the browsable API shows those choices in its filter form. Left
alone, a filter on ``actor`` lists every account of the platform to anyone logged in. So every
FilterSet of the API is a ``RestrictedFilterSet``: each of its model choices is narrowed to the
objects the requesting user may see (``restrict(user, "view")``); an id outside that set gets the
same "not one of the available choices" as an id that does not exist. ``RestrictedFilterBackend``,
the API's filter backend, refuses any other FilterSet.

A filter by a plain id (``IdFilter``) offers no choice at all: the id is not looked up, and one the
user may not see simply matches nothing, like one that does not exist.
"""

import django_filters
from django import forms
from django.core.exceptions import ImproperlyConfigured
from django_filters.filters import QuerySetRequestMixin
from django_filters.rest_framework import DjangoFilterBackend

from organisations.permissions import Action, restrict_queryset


class IdFilter(django_filters.NumberFilter):
    """The id of a related object, as a whole number: no lookup, so an id the user may not see
    simply matches nothing."""

    field_class = forms.IntegerField


def _restricted(queryset, user):
    """``queryset`` (or, when it is a function of the request, what it returns) narrowed to what
    ``user`` may see."""
    if callable(queryset):
        return lambda request: restrict_queryset(queryset(request), user, Action.VIEW)
    return restrict_queryset(queryset, user, Action.VIEW)


class RestrictedFilterSet(django_filters.FilterSet):
    """The base of every FilterSet of the API: every model choice is one the user may see.

    The choices are narrowed per instance (each request gets its own copy of the filters), so a
    subclass must not cache a form class built with them across requests."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
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
