"""Forms of the web shell, and the one way a form offers a choice of objects
(``RestrictedModelChoiceField`` in a ``RestrictedChoicesForm``)."""

from datetime import datetime, time

from django import forms
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from organisations import audit_labels
from organisations.choices import (
    SPOKEN_LANGUAGES,
    DataGroup,
    NeedCategory,
    OrganisationKind,
    PartnershipScope,
    Role,
    UILanguage,
)
from organisations.models import Organisation
from organisations.permissions import Action, restrict_queryset


class DirectorySearchForm(forms.Form):
    text = forms.CharField(
        label=_("Words"),
        required=False,
        max_length=100,
        help_text=_("In a service's name, description or eligibility, in any language."),
    )
    need_category = forms.ChoiceField(
        label=_("Need"), required=False, choices=[("", _("All needs")), *NeedCategory.choices]
    )
    language = forms.ChoiceField(
        label=_("Language"), required=False, choices=[("", _("All languages")), *SPOKEN_LANGUAGES.items()]
    )
    organisation_kind = forms.ChoiceField(
        label=_("Kind of organisation"), required=False, choices=[("", _("All kinds")), *OrganisationKind.choices]
    )


# --- Choices of objects: restricted by the access policy -------------------------------------------


class RestrictedModelChoiceField(forms.ModelChoiceField):
    """A choice of objects that offers and accepts only those the form's user may see
    (``restrict(user, "view")``), whatever queryset the form narrows it to afterwards.

    The restriction is applied when the queryset is read (the options, the lookup of a posted
    value), so a form that sets ``queryset`` in its ``__init__`` cannot widen it. Without a user
    it offers nothing. Forms with such a field are ``RestrictedChoicesForm``s, which give it the
    user."""

    user = None

    def _get_queryset(self):
        if self._queryset is None:
            return None
        return restrict_queryset(self._queryset, self.user, Action.VIEW)

    queryset = property(_get_queryset, forms.ModelChoiceField._set_queryset)


class RestrictedChoicesForm(forms.Form):
    """The base of every form that offers a choice of objects: it takes ``user=`` and hands it to
    its ``RestrictedModelChoiceField``s, so nobody is offered a name they could not otherwise see.
    A plain ``ModelChoiceField`` is refused (``tests/test_choices.py`` walks every form)."""

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, RestrictedModelChoiceField):
                field.user = user


def add_model_errors(form: forms.BaseForm, error: ValidationError, fields: dict[str, str] | None = None) -> None:
    """Each verdict of a model's validation next to its field in ``form`` (``fields`` renames a
    model field to the form's), the rest above the form."""
    for name, field_messages in error.message_dict.items():
        name = (fields or {}).get(name, name)
        form.add_error(name if name in form.fields else None, field_messages)


def hide_single_choice(field: forms.ModelChoiceField) -> None:
    """Nothing to choose when the field offers one object: it is sent as a hidden value."""
    choices = list(field.queryset[:2])
    if len(choices) == 1:
        field.widget = forms.HiddenInput()
        field.initial = choices[0].pk


# --- Partnerships and invitations --------------------------------------------------------------------


class PartnershipArrangement(models.TextChoices):
    """What a proposed partnership allows, from the proposing organisation's point of view: the
    direction and the scope together, as a person says it."""

    WE_REFER = "we_refer", _("We refer people to them")
    THEY_REFER = "they_refer", _("They refer people to us")
    WE_HOLD_BEDS = "we_hold_beds", _("We see their free beds and hold them")
    THEY_HOLD_BEDS = "they_hold_beds", _("They see our free beds and hold them")


class PartnershipProposeForm(RestrictedChoicesForm):
    """Propose a partnership to another organisation; it takes effect when that organisation's
    admins or coordinators accept it."""

    organisation = RestrictedModelChoiceField(
        label=_("Your organisation"), queryset=Organisation.objects.none(), empty_label=None
    )
    arrangement = forms.ChoiceField(label=_("What the partnership allows"), choices=PartnershipArrangement.choices)
    other = RestrictedModelChoiceField(
        label=_("Partner organisation"),
        queryset=Organisation.objects.none(),
        empty_label=_("Choose an organisation"),
        error_messages={"invalid_choice": _("Choose an organisation of the network.")},
    )
    note = forms.CharField(
        label=_("Note (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("What you agreed, a contact, a reference: both organisations see it."),
    )

    def __init__(self, *args, managed_ids, **kwargs):
        """``managed_ids``: the organisations whose partnerships the user manages."""
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.filter(pk__in=managed_ids, is_active=True)
        self.fields["other"].queryset = Organisation.objects.filter(is_active=True)
        hide_single_choice(self.fields["organisation"])

    def clean(self):
        data = super().clean()
        if data.get("organisation") is not None and data.get("organisation") == data.get("other"):
            self.add_error("other", _("An organisation cannot be its own partner."))
        return data

    def proposal(self) -> dict:
        """The cleaned choice as ``partnership_propose`` takes it."""
        mine, other, arrangement = (self.cleaned_data[name] for name in ("organisation", "other", "arrangement"))
        we = arrangement in (PartnershipArrangement.WE_REFER, PartnershipArrangement.WE_HOLD_BEDS)
        housing = arrangement in (PartnershipArrangement.WE_HOLD_BEDS, PartnershipArrangement.THEY_HOLD_BEDS)
        return {
            "organisation": mine if we else other,
            "partner": other if we else mine,
            "scope": PartnershipScope.HOUSING if housing else PartnershipScope.REFERRALS,
            "proposed_by": mine,
            "note": self.cleaned_data["note"],
        }


class AgreementForm(forms.Form):
    """Record the signed data-sharing agreement a partnership rests on, with its PDF. The rules
    (dates in order, a real PDF of a bounded size, known codes) are the model's, checked by
    ``services.agreement_record``, whose messages land next to these fields."""

    reference = forms.CharField(
        label=_("Reference of the agreement"),
        max_length=100,
        help_text=_("The number or title on the signed agreement."),
    )
    purposes = forms.MultipleChoiceField(
        label=_("For these needs"), choices=NeedCategory.choices, widget=forms.CheckboxSelectMultiple
    )
    data_groups = forms.MultipleChoiceField(
        label=_("Information it lets you share"), choices=DataGroup.choices, widget=forms.CheckboxSelectMultiple
    )
    valid_from = forms.DateField(label=_("Valid from"), widget=forms.DateInput(attrs={"type": "date"}))
    valid_until = forms.DateField(label=_("Valid until"), widget=forms.DateInput(attrs={"type": "date"}))
    document = forms.FileField(
        label=_("Signed agreement (PDF)"),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
        help_text=_("Kept privately: only both organisations' admins and coordinators can open it."),
    )


class InvitationForm(RestrictedChoicesForm):
    """Invite someone to a role: they answer from the link in the email."""

    organisation = RestrictedModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.none(), empty_label=None
    )
    email = forms.EmailField(label=_("Email address"), widget=forms.EmailInput(attrs={"autocomplete": "off"}))
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.WORKER)
    valid_until = forms.DateField(
        label=_("Role ends on (optional)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Leave empty for a role with no end date."),
    )
    language = forms.ChoiceField(
        label=_("Language of the email"),
        choices=UILanguage.choices,
        help_text=_("For someone with no account yet; a person with an account gets it in their own language."),
    )

    def __init__(self, *args, managed_ids, **kwargs):
        """``managed_ids``: the organisations whose members the user manages."""
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.filter(pk__in=managed_ids, is_active=True)
        self.fields["language"].initial = translation.get_language()
        hide_single_choice(self.fields["organisation"])

    def valid_until_moment(self):
        """The end of the chosen day, in the local time zone, or None."""
        day = self.cleaned_data.get("valid_until")
        if day is None:
            return None
        return timezone.make_aware(datetime.combine(day, time.max))


class InvitationAccountForm(forms.Form):
    """Create one's account from an invitation's link (the address is the invitation's)."""

    full_name = forms.CharField(
        label=_("Full name"), max_length=150, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self):
        data = super().clean()
        if data.get("password1") and data.get("password2") and data["password1"] != data["password2"]:
            self.add_error("password2", _("The two passwords are not the same."))
        return data


# --- Bringing a partner organisation in, and its profile ---------------------------------------------

# Kinds a hub's admin may give a new partner organisation: a welcome hub is added by the platform.
PARTNER_KINDS = [(value, label) for value, label in OrganisationKind.choices if value != OrganisationKind.HUB]


def languages_served_field() -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=_("Languages served"),
        required=False,
        choices=list(SPOKEN_LANGUAGES.items()),
        widget=forms.CheckboxSelectMultiple,
    )


class OrganisationContactForm(forms.Form):
    """What an organisation tells the network about itself, beside its name: the fields of
    ``organisation_update`` that its admins change (``PROFILE_FIELDS``)."""

    PROFILE_FIELDS = ("languages_served", "email", "phone", "website")

    languages_served = languages_served_field()
    email = forms.EmailField(label=_("Email"), required=False, max_length=254)
    phone = forms.CharField(label=_("Phone"), required=False, max_length=40)
    website = forms.URLField(label=_("Website"), required=False, max_length=200, assume_scheme="https")

    def profile(self) -> dict:
        """The cleaned fields as ``organisation_update`` takes them."""
        return {name: self.cleaned_data[name] for name in self.PROFILE_FIELDS}


def description_field(label, help_text="") -> forms.CharField:
    return forms.CharField(
        label=label, required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 4}), help_text=help_text
    )


class OrganisationProfileForm(OrganisationContactForm):
    """An organisation's admins edit its profile; only the platform renames an organisation. The
    description is written in the three content languages (``organisations.translation``), French
    required once another is written (``organisations.texts.require_french``, told on the French)."""

    PROFILE_FIELDS = ("description_fr", "description_en", "description_es", *OrganisationContactForm.PROFILE_FIELDS)

    description_fr = description_field(
        _("Description in French"),
        _("What the organisation does and for whom. Readers without their language see the French text."),
    )
    description_en = description_field(_("Description in English"))
    description_es = description_field(_("Description in Spanish"))

    field_order = [
        "description_fr",
        "description_en",
        "description_es",
        "languages_served",
        "email",
        "phone",
        "website",
    ]


class OrganisationOnboardForm(RestrictedChoicesForm, OrganisationContactForm):
    """A hub's admin brings a new partner organisation into the network and invites its first
    admin, who completes the profile and invites colleagues."""

    hub = RestrictedModelChoiceField(label=_("Your hub"), queryset=Organisation.objects.none(), empty_label=None)
    name = forms.CharField(label=_("Name of the organisation"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind of organisation"), choices=PARTNER_KINDS)
    first_admin_email = forms.EmailField(
        label=_("Email of its first admin"),
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
        help_text=_("This person receives an invitation to manage the organisation in Passerelle."),
    )
    first_admin_language = forms.ChoiceField(
        label=_("Language of the invitation"),
        choices=UILanguage.choices,
        help_text=_("For someone with no account yet; a person with an account gets it in their own language."),
    )
    propose_referrals = forms.BooleanField(
        label=_("We will send them referrals"),
        required=False,
        initial=True,
        help_text=_("Proposes the referrals partnership now; it takes effect when their admin accepts it."),
    )

    field_order = [
        "hub",
        "name",
        "kind",
        "languages_served",
        "email",
        "phone",
        "website",
        "first_admin_email",
        "first_admin_language",
        "propose_referrals",
    ]

    def __init__(self, *args, hub_ids, **kwargs):
        """``hub_ids``: the hubs for which the user brings partner organisations in."""
        super().__init__(*args, **kwargs)
        self.fields["hub"].queryset = Organisation.objects.filter(pk__in=hub_ids)
        self.fields["first_admin_language"].initial = translation.get_language()
        hide_single_choice(self.fields["hub"])

    def onboarding(self) -> dict:
        """The cleaned form as ``organisation_onboard`` takes it."""
        names = ("hub", "name", "kind", "first_admin_email", "first_admin_language", "propose_referrals")
        return {**{name: self.cleaned_data[name] for name in names}, **self.profile()}


class FirstAdminInvitationForm(forms.Form):
    """The hub invites a new organisation's first admin again (the first link expired or was
    declined)."""

    email = forms.EmailField(
        label=_("Email of its first admin"), widget=forms.EmailInput(attrs={"autocomplete": "off"})
    )
    language = forms.ChoiceField(label=_("Language of the invitation"), choices=UILanguage.choices)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].initial = translation.get_language()


# --- The audit log -------------------------------------------------------------------------------


class AuditLogFilterForm(forms.Form):
    """The audit log page's filters (a GET form). The users, organisations and actions offered
    are those of the reader's own log (``selectors.audit_log_choices``); the person is a file
    number, as the person file's link gives it."""

    person = forms.IntegerField(label=_("Person file number"), required=False, min_value=1)
    actor = forms.TypedChoiceField(label=_("User"), required=False, coerce=int, empty_value=None)
    organisation = forms.TypedChoiceField(label=_("Organisation"), required=False, coerce=int, empty_value=None)
    action = forms.ChoiceField(label=_("Action"), required=False)
    since = forms.DateField(
        label=pgettext_lazy("first day of a period", "From"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    until = forms.DateField(
        label=pgettext_lazy("last day of a period", "To"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args, choices: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["actor"].choices = [("", _("Everyone")), *choices["actors"]]
        self.fields["organisation"].choices = [("", _("All my organisations")), *choices["organisations"]]
        self.fields["action"].choices = [
            ("", _("All actions")),
            *((action, audit_labels.action_label(action)) for action in choices["actions"]),
        ]

    def clean(self):
        data = super().clean()
        if data.get("since") and data.get("until") and data["until"] < data["since"]:
            self.add_error("until", _("The end of the period comes before its start."))
        return data

    def filters(self) -> dict:
        """The valid filters, as ``selectors.audit_log`` takes them."""
        return {name: self.cleaned_data.get(name) for name in self.fields} if self.is_valid() else {}
