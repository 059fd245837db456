"""Forms of the web shell."""

from django import forms
from django.utils.translation import gettext_lazy as _

from organisations.choices import SPOKEN_LANGUAGES, NeedCategory, OrganisationKind


class DirectorySearchForm(forms.Form):
    need_category = forms.ChoiceField(
        label=_("Need"), required=False, choices=[("", _("All needs")), *NeedCategory.choices]
    )
    language = forms.ChoiceField(
        label=_("Language"), required=False, choices=[("", _("All languages")), *SPOKEN_LANGUAGES.items()]
    )
    organisation_kind = forms.ChoiceField(
        label=_("Kind of organisation"), required=False, choices=[("", _("All kinds")), *OrganisationKind.choices]
    )
