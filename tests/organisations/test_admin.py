"""The admin site speaks the reader's language: every field of our models it shows has a
translated label (a field without ``verbose_name`` shows its English attribute name)."""

import pytest
from django.contrib import admin
from django.utils import translation
from django.utils.functional import Promise

from organisations.models import Membership

OUR_APPS = {"organisations", "notifications", "people", "referrals", "housing", "accounts", "reports"}


def test_every_field_the_admin_site_shows_has_a_translated_label():
    untranslated = [
        f"{model._meta.label}.{field.name}"
        for model in admin.site._registry
        if model._meta.app_label in OUR_APPS
        for field in model._meta.concrete_fields
        if not field.auto_created and not isinstance(field.verbose_name, Promise)
    ]
    assert untranslated == []


@pytest.mark.parametrize(
    ("language", "user", "organisation"),
    [("fr-ca", "utilisateur·trice", "organisme"), ("es-419", "usuario", "organización")],
)
def test_the_membership_list_columns_are_translated(language, user, organisation):
    with translation.override(language):
        assert str(Membership._meta.get_field("user").verbose_name).lower() == user
        assert str(Membership._meta.get_field("organisation").verbose_name).lower() == organisation
