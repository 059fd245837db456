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

from django import forms
from django.test import RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django_filters.filters import QuerySetRequestMixin
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import serializers
from rest_framework.settings import api_settings

from organisations.api.filters import RestrictedFilterBackend, RestrictedFilterSet
from organisations.api.serializers import RestrictedPrimaryKeyField
from organisations.choices import Role
from organisations.forms import RestrictedChoicesForm, RestrictedModelChoiceField
from organisations.models import AuditEntry, User
from organisations.permissions import Action
from tests.auth import login

PROJECT_APPS = ["organisations", "notifications", "people", "referrals", "housing", "reports"]


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


def model_choice_filters():
    """(view path, FilterSet class, filter name) of every filter that offers a choice of objects."""
    for path, view in api_views():
        filterset = getattr(view, "filterset_class", None)
        if filterset is None:
            continue
        for name, choice_filter in filterset.base_filters.items():
            if isinstance(choice_filter, QuerySetRequestMixin):
                yield path, filterset, name


def offered(filterset_class, name, user) -> tuple[type, set[int]]:
    request = RequestFactory().get("/")
    request.user = user
    filterset = filterset_class(data={}, queryset=filterset_class._meta.model.objects.none(), request=request)
    field = filterset.form.fields[name]
    return field.queryset.model, {obj.pk for obj in field.queryset}


def test_every_model_choice_of_every_filterset_is_restricted(network):
    """Through the FilterSet each view uses, with the user of a request: an outsider is offered
    nothing, a worker of A only what the policy lets them see (no user of B, nobody outside)."""
    found = list(model_choice_filters())
    # Membership, partnership (2), service, location, invitation, audit entry (organisation, actor).
    assert len(found) >= 8, found
    assert ("organisations", "actor") in {(f._meta.model._meta.app_label, n) for _p, f, n in found}
    worker = network.a[Role.WORKER]
    for path, filterset, name in found:
        model, nothing = offered(filterset, name, network.outsider)
        assert nothing <= ({network.outsider.pk} if model is User else set()), (path, name)
        model, choices = offered(filterset, name, worker)
        visible = set(model._default_manager.all().restrict(worker, Action.VIEW).values_list("pk", flat=True))
        assert choices <= visible, (path, name)
        if model is User:
            assert network.b[Role.WORKER].pk not in choices and network.outsider.pk not in choices


def test_the_restriction_is_per_request_not_per_class(network):
    """The choices of one user never stay behind for the next (no form cached across requests)."""
    [(_path, filterset, name)] = [f for f in model_choice_filters() if f[2] == "actor"]
    assert network.a[Role.ADMIN].pk in offered(filterset, name, network.a[Role.WORKER])[1]
    assert network.a[Role.ADMIN].pk not in offered(filterset, name, network.b[Role.WORKER])[1]


def test_a_filter_on_someone_one_may_not_see_answers_like_one_on_nobody(api, network):
    api.force_authenticate(network.a[Role.PRIVACY_OFFICER])
    url = reverse("audit-entry-list")
    hidden = api.get(url, {"actor": network.b[Role.WORKER].pk})
    nobody = api.get(url, {"actor": 999_999})
    assert hidden.status_code == nobody.status_code == 400
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
    assert shows(html, network.a[Role.ADMIN].full_name)  # a colleague: seen in the membership list anyway


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
        if importlib.util.find_spec(module_name) is None:
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
