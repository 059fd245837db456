"""Nobody is offered a name they could not otherwise see: every choice of objects the API or a
page offers (filters of the browsable API included) goes through the access policy.

The tests walk the whole project rather than a list, so a new FilterSet, serializer or form is
checked the day it is written: every FilterSet of an API view is a ``RestrictedFilterSet`` whose
model choices are restricted, every writable related field of a serializer is a
``RestrictedPrimaryKeyField``, every model choice of a form is a ``RestrictedModelChoiceField``.
"""

import importlib
import inspect
import re

import django_filters
from django import forms
from django.test import RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django_filters.filters import QuerySetRequestMixin
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import serializers
from rest_framework.settings import api_settings

from organisations.api.filters import IdFilter, RestrictedFilterBackend, RestrictedFilterSet
from organisations.api.serializers import RestrictedPrimaryKeyField
from organisations.choices import Role
from organisations.forms import RestrictedChoicesForm, RestrictedModelChoiceField
from organisations.models import AuditEntry, User
from organisations.permissions import Action
from tests.auth import login

PROJECT_APPS = ["organisations", "notifications", "people", "referrals", "housing", "reports", "privacy"]


def api_views():
    """(path, view class) of every DRF view routed under /api/v1/."""

    def walk(patterns, prefix=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                view = getattr(pattern.callback, "cls", None)
                if view is not None and (prefix + str(pattern.pattern)).startswith("api/v1/"):
                    yield prefix + str(pattern.pattern), view

    seen = set()
    for path, view in walk(get_resolver().url_patterns):
        if view not in seen:
            seen.add(view)
            yield path, view


def filter_backends(view):
    return getattr(view, "filter_backends", None) or api_settings.DEFAULT_FILTER_BACKENDS


def test_every_api_view_filters_through_the_restricted_backend():
    assert [RestrictedFilterBackend] == api_settings.DEFAULT_FILTER_BACKENDS
    checked = 0
    for path, view in api_views():
        for backend in filter_backends(view):
            if issubclass(backend, DjangoFilterBackend):
                assert issubclass(backend, RestrictedFilterBackend), path
                filterset = getattr(view, "filterset_class", None)
                assert filterset is None or issubclass(filterset, RestrictedFilterSet), path
                checked += filterset is not None
        assert not getattr(view, "filterset_fields", None), f"{path}: declare a RestrictedFilterSet instead"
    assert checked >= 15


def api_filters():
    """(view path, FilterSet class, filter name, filter) of every filter of every API view."""
    for path, view in api_views():
        filterset = getattr(view, "filterset_class", None)
        if filterset is not None:
            for name, api_filter in filterset.base_filters.items():
                yield path, filterset, name, api_filter


def test_a_filter_on_a_related_object_takes_a_plain_id_or_offers_only_what_the_user_may_see():
    """A filter on another object is a plain id (no choice offered at all), or a choice of
    objects that ``RestrictedFilterSet`` narrows per request (checked below)."""
    related = [
        (path, name, f) for path, _fs, name, f in api_filters() if isinstance(f, (IdFilter, QuerySetRequestMixin))
    ]
    # Memberships, partnerships, services, locations, invitations, people's files, referrals, holds…
    assert len(related) >= 15, related
    assert ("audit-entries", "actor") in {(path.split("/")[2].strip("^$"), name) for path, name, _f in related}


class ActorChoiceFilter(RestrictedFilterSet):
    """A filter set offering a choice of accounts, as a hand-written ``ModelChoiceFilter`` would."""

    actor = django_filters.ModelChoiceFilter(queryset=User.objects.all())

    class Meta:
        model = AuditEntry
        fields = ["actor"]


def offered(filterset_class, name, user) -> set[int]:
    request = RequestFactory().get("/")
    request.user = user
    filterset = filterset_class(data={}, queryset=filterset_class._meta.model.objects.none(), request=request)
    return {obj.pk for obj in filterset.form.fields[name].queryset}


def test_a_choice_of_objects_is_narrowed_to_what_the_user_may_see(network):
    """An outsider is offered nothing but themself, a worker of A only the accounts the policy lets
    them see (their colleagues), never B's or the outsider."""
    assert offered(ActorChoiceFilter, "actor", network.outsider) <= {network.outsider.pk}
    worker = network.a[Role.WORKER]
    choices = offered(ActorChoiceFilter, "actor", worker)
    visible = set(User.objects.all().restrict(worker, Action.VIEW).values_list("pk", flat=True))
    assert network.a[Role.ADMIN].pk in choices <= visible
    assert network.b[Role.WORKER].pk not in choices and network.outsider.pk not in choices


def test_the_restriction_is_per_request_not_per_class(network):
    """The choices of one user never stay behind for the next (no form cached across requests)."""
    assert network.a[Role.ADMIN].pk in offered(ActorChoiceFilter, "actor", network.a[Role.WORKER])
    assert network.a[Role.ADMIN].pk not in offered(ActorChoiceFilter, "actor", network.b[Role.WORKER])


def test_a_filter_on_someone_one_may_not_see_answers_like_one_on_nobody(api, network):
    api.force_authenticate(network.a[Role.PRIVACY_OFFICER])
    url = reverse("audit-entry-list")
    hidden = api.get(url, {"actor": network.b[Role.WORKER].pk})
    nobody = api.get(url, {"actor": 999_999})
    assert hidden.status_code == nobody.status_code == 200
    assert hidden.json() == nobody.json()
    api.force_authenticate(network.outsider)
    existing = api.get(reverse("membership-list"), {"organisation": network.a.organisation.pk})
    missing = api.get(reverse("membership-list"), {"organisation": 999_999})
    assert (existing.status_code, existing.json()) == (missing.status_code, missing.json())


def names_of(users) -> set[str]:
    return {user.email for user in users} | {user.full_name for user in users}


def shows(html: str, name: str) -> bool:
    """Whether ``name`` appears as itself ("User 1" is not in "User 12")."""
    return re.search(rf"(?<![\w.@]){re.escape(name)}(?![\w.@])", html) is not None


def test_the_browsable_audit_log_lists_no_account_the_reader_may_not_see(client, network):
    """The filter form of /api/v1/audit-entries/ offered every account of the platform, names and
    ids, to anyone logged in."""
    assert AuditEntry.objects.exists()
    login(client, network.a[Role.WORKER])
    response = client.get(reverse("audit-entry-list"), HTTP_ACCEPT="text/html")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="actor"' in html
    for name in names_of([*network.b.users.values(), network.outsider]):
        assert not shows(html, name), name


def list_urls():
    for path, view in api_views():
        if "<" not in path and "(?P" not in path and hasattr(view, "list"):
            yield "/" + path.replace("^", "").replace("$", "").replace("\\.(?P<format>[a-z0-9]+)/?", "")


def test_no_browsable_api_page_names_anyone_the_reader_may_not_see(client, network):
    """Every list of the API, as the browsable API renders it (filter form, write forms), for
    someone outside the network and for a worker of A."""
    strangers = {"outsider": [*network.a.users.values(), *network.b.users.values()]}
    strangers["worker"] = [*network.b.users.values(), network.outsider]
    urls = sorted(set(list_urls()))
    assert len(urls) >= 15
    for reader, user in (("outsider", network.outsider), ("worker", network.a[Role.WORKER])):
        login(client, user)
        for url in urls:
            response = client.get(url, HTTP_ACCEPT="text/html")
            assert response.status_code < 500, url
            html = response.content.decode()
            for name in names_of(strangers[reader]):
                assert not shows(html, name), (reader, url, name)
            if reader == "outsider":
                assert not shows(html, network.a.organisation.name), url


# --- Serializers ------------------------------------------------------------------------------------


def project_classes(module_suffix: str, base: type):
    for app in PROJECT_APPS:
        module_name = f"{app}.{module_suffix}"
        try:
            found = importlib.util.find_spec(module_name)
        except ModuleNotFoundError:  # an app without an api package (privacy)
            found = None
        if found is None:
            continue
        module = importlib.import_module(module_name)
        for _name, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, base) and cls.__module__ == module_name:
                yield cls


def writable_related_fields(serializer, path=""):
    for name, field in serializer.fields.items():
        if isinstance(field, serializers.ListSerializer):
            field = field.child
        if isinstance(field, serializers.BaseSerializer):
            yield from writable_related_fields(field, f"{path}{name}.")
        elif isinstance(field, serializers.ManyRelatedField) and not field.read_only:
            yield f"{path}{name}", field.child_relation
        elif isinstance(field, serializers.RelatedField) and not field.read_only:
            yield f"{path}{name}", field


def test_every_writable_related_field_of_every_serializer_is_restricted():
    checked = 0
    for serializer_class in project_classes("api.serializers", serializers.Serializer):
        for name, field in writable_related_fields(serializer_class()):
            assert isinstance(field, RestrictedPrimaryKeyField), f"{serializer_class.__name__}.{name}"
            checked += 1
    assert checked >= 15


# --- Forms -------------------------------------------------------------------------------------------------


def test_every_model_choice_of_every_form_is_restricted():
    checked = 0
    for form_class in project_classes("forms", forms.BaseForm):
        model_choices = [
            name for name, field in form_class.base_fields.items() if isinstance(field, forms.ModelChoiceField)
        ]
        for name in model_choices:
            assert isinstance(form_class.base_fields[name], RestrictedModelChoiceField), f"{form_class}.{name}"
            checked += 1
        if model_choices:
            assert issubclass(form_class, RestrictedChoicesForm), form_class
    assert checked >= 6


def test_a_restricted_form_field_cannot_be_widened(network):
    """A form sets its own queryset after the user is given: what it offers is still only what the
    user may see."""
    from organisations.forms import PartnershipProposeForm
    from organisations.models import Organisation

    form = PartnershipProposeForm(user=network.outsider, managed_ids=[network.a.organisation.pk])
    form.fields["other"].queryset = Organisation.objects.all()
    assert list(form.fields["other"].queryset) == []
    posted = PartnershipProposeForm(
        {"organisation": network.a.organisation.pk, "other": network.b.organisation.pk, "arrangement": "we_refer"},
        user=network.outsider,
        managed_ids=[network.a.organisation.pk],
    )
    assert not posted.is_valid()
    assert set(posted.errors) == {"organisation", "other"}
