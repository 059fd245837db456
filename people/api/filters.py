"""Filters of the people API. Ids are plain numbers, not looked up: a filter costs no query, and
an id the user may not see simply matches nothing (no "does not exist" error to tell it apart)."""

import django_filters

from organisations.api.filters import FilterSet, IdFilter
from organisations.choices import NeedCategory
from people.choices import InterventionType, MilestoneKind, NeedStatus, NeedUrgency
from people.models import Consent, Household, Intervention, Milestone, Need


class ConsentFilter(FilterSet):
    person = IdFilter(field_name="person__id")
    recipient = IdFilter(field_name="recipient__id")

    class Meta:
        model = Consent
        fields = ["person", "recipient"]


class NeedFilter(FilterSet):
    person = IdFilter(field_name="person__id")
    status = django_filters.MultipleChoiceFilter(choices=NeedStatus.choices)
    category = django_filters.MultipleChoiceFilter(choices=NeedCategory.choices)
    urgency = django_filters.ChoiceFilter(choices=NeedUrgency.choices)

    class Meta:
        model = Need
        fields = ["person", "status", "category", "urgency"]


class MilestoneFilter(FilterSet):
    person = IdFilter(field_name="person__id")
    kind = django_filters.MultipleChoiceFilter(choices=MilestoneKind.choices)

    class Meta:
        model = Milestone
        fields = ["person", "kind"]


class InterventionFilter(FilterSet):
    person = IdFilter(field_name="people__id")
    household = IdFilter(field_name="household__id")
    organisation = IdFilter(field_name="organisation__id")
    type = django_filters.MultipleChoiceFilter(choices=InterventionType.choices)
    occurred_after = django_filters.DateFilter(field_name="occurred_on", lookup_expr="gte")
    occurred_before = django_filters.DateFilter(field_name="occurred_on", lookup_expr="lte")

    class Meta:
        model = Intervention
        fields = ["person", "household", "organisation", "type", "occurred_after", "occurred_before"]


class HouseholdFilter(FilterSet):
    owner = IdFilter(field_name="owner__id")

    class Meta:
        model = Household
        fields = ["owner"]
