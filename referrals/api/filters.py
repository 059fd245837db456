"""Filters of the referral lists: status (several at once), need, urgency, overdue, assignee,
organisations, person and creation dates. Ids are plain numbers, not looked up: a filter never
costs a query, and an id the user may not see simply matches nothing."""

import django_filters
from django.core.validators import RegexValidator
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field

from organisations.api.filters import BooleanFilter, DateTimeFilter, IdFilter, RestrictedFilterSet
from organisations.choices import NeedCategory
from people.choices import NeedUrgency
from referrals import selectors
from referrals.choices import WAITING_FOR_RECIPIENT, ReferralStatus
from referrals.models import Referral

ASSIGNEE_PATTERN = r"^(me|none|[0-9]+)$"


@extend_schema_field({"type": "string", "pattern": ASSIGNEE_PATTERN})
class AssigneeFilter(django_filters.CharFilter):
    """A user id, ``me`` or ``none``: the schema states the pattern the filter checks."""


class ReferralFilter(RestrictedFilterSet):
    # ``distinct=False``: the status is a column of the referral itself, so no join can repeat a
    # row, and the default ``SELECT DISTINCT`` would make PostgreSQL join and sort every matching
    # row before it could stop at the end of the page.
    status = django_filters.MultipleChoiceFilter(
        choices=ReferralStatus.choices, distinct=False, help_text=_("Repeat the parameter for several statuses.")
    )
    need_category = django_filters.ChoiceFilter(choices=NeedCategory.choices)
    urgency = django_filters.ChoiceFilter(choices=NeedUrgency.choices)
    # A method filter on no model field: without a label, django-filter names it "[invalid name]".
    overdue = BooleanFilter(
        method="filter_overdue",
        label=_("Overdue"),
        help_text=_("Waiting for the partner's answer past the respond-by deadline."),
    )
    assignee = AssigneeFilter(
        method="filter_assignee",
        validators=[RegexValidator(r"\A(me|none|[0-9]+)\Z", _("Give a user id, “me” or “none”."))],
        help_text=_("A user id, “me”, or “none” for referrals nobody is assigned to."),
    )
    sender = IdFilter(field_name="sender__id")
    recipient = IdFilter(field_name="recipient__id")
    # A person the reader may not see matches nothing, as an id nobody has (selectors.filter_by_person).
    person = IdFilter(method="filter_person")
    created_after = DateTimeFilter(field_name="created_at", lookup_expr="gte")
    created_before = DateTimeFilter(field_name="created_at", lookup_expr="lt")

    class Meta:
        model = Referral
        fields = [
            "status",
            "need_category",
            "urgency",
            "overdue",
            "assignee",
            "sender",
            "recipient",
            "person",
            "created_after",
            "created_before",
        ]

    # Language code → the form class django-filter builds from the filters, which it otherwise
    # builds again for every request: making its fields and their labels was about 1 ms, close
    # to half of the filtering's CPU, and nothing in them depends on the request but the
    # language the labels are translated into (no filter offers a choice of objects, whose
    # choices would depend on the user).
    _form_classes: dict[str, type] = {}

    def get_form_class(self):
        language = translation.get_language()
        form_class = self._form_classes.get(language)
        if form_class is None:
            form_class = self._form_classes[language] = super().get_form_class()
        return form_class

    def filter_person(self, queryset, name, value):
        return selectors.filter_by_person(queryset, user=self.request.user, person_id=value)

    def filter_overdue(self, queryset, name, value):
        overdue = Q(status__in=WAITING_FOR_RECIPIENT, respond_by__lt=timezone.now())
        return queryset.filter(overdue) if value else queryset.exclude(overdue)

    def filter_assignee(self, queryset, name, value):
        if value == "me":
            return queryset.filter(assignee=self.request.user)
        if value == "none":
            return queryset.filter(assignee__isnull=True)
        return queryset.filter(assignee_id=int(value))
