"""Forms of what an organisation writes for others to read: its services' texts, in French,
English and Spanish side by side, so that the author sees which are missing."""

from dataclasses import dataclass

from django import forms
from django.utils.translation import gettext_lazy as _

from organisations.choices import SPOKEN_LANGUAGES, NeedCategory
from organisations.models import Location, Service
from organisations.texts import FALLBACK_LANGUAGE, LANGUAGE_CODES, LANGUAGE_NAMES


@dataclass
class TextVersions:
    """One text of a form in its three languages (bound fields), for a fieldset of its own."""

    label: str
    fields: list
    missing: list[str]


def language_versions(form: forms.BaseForm, texts: dict[str, str]) -> list[TextVersions]:
    """The form's ``<text>_fr/_en/_es`` fields grouped by text (``texts``: field → label), each
    language's field labelled with the language's own name and marked with ``lang`` so that a
    spelling checker checks it in its language; ``missing`` names the languages still empty
    where French is written."""
    groups = []
    for text, label in texts.items():
        bound = []
        for code in LANGUAGE_CODES:
            field = form.fields[f"{text}_{code}"]
            field.label = LANGUAGE_NAMES[code]
            field.widget.attrs["lang"] = code
            bound.append(form[f"{text}_{code}"])
        french = (bound[0].value() or "").strip()
        missing = [
            LANGUAGE_NAMES[code]
            for code, field in zip(LANGUAGE_CODES, bound, strict=True)
            if french and code != FALLBACK_LANGUAGE and not (field.value() or "").strip()
        ]
        groups.append(TextVersions(label, bound, missing))
    return groups


def translated_field_names(*texts: str) -> list[str]:
    return [f"{text}_{code}" for text in texts for code in LANGUAGE_CODES]


SERVICE_TEXTS = {
    "name": _("Name of the service"),
    "description": _("What the service does"),
    "eligibility": _("Who is eligible"),
    "how_to_refer": _("How to refer"),
}


class ServiceForm(forms.ModelForm):
    """A service of the directory, written by its organisation's admins."""

    need_categories = forms.MultipleChoiceField(
        label=_("Needs it answers"), choices=NeedCategory.choices, widget=forms.CheckboxSelectMultiple
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages it is given in"),
        choices=list(SPOKEN_LANGUAGES.items()),
        widget=forms.CheckboxSelectMultiple,
    )
    url = forms.URLField(label=_("website"), required=False, assume_scheme="https")
    locations = forms.ModelMultipleChoiceField(
        label=_("Where"), queryset=Location.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Service
        fields = [*translated_field_names(*SERVICE_TEXTS), "email", "url", "is_active"]
        widgets = {
            name: forms.Textarea(attrs={"rows": 3})
            for name in translated_field_names("description", "eligibility", "how_to_refer")
        }

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["locations"].queryset = Location.objects.filter(organisation=organisation, is_active=True)
        if not self.fields["locations"].queryset.exists():
            del self.fields["locations"]
        if self.instance.pk:
            self.initial.setdefault("need_categories", self.instance.need_categories)
            self.initial.setdefault("languages", self.instance.languages)
            if "locations" in self.fields:
                self.initial.setdefault("locations", list(self.instance.locations.all()))
        self.text_groups = language_versions(self, SERVICE_TEXTS)

    def other_fields(self):
        """The fields that are not one of the texts, in their order."""
        texts = set(translated_field_names(*SERVICE_TEXTS))
        return [self[name] for name in self.fields if name not in texts]
