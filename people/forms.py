"""Forms of the person-file pages. They validate what a worker types; the services decide and
write. A domain error a service raises is shown next to the field it is about."""

from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from organisations.choices import SPOKEN_LANGUAGES, NeedCategory
from organisations.errors import ApplicationError
from organisations.forms import RestrictedChoicesForm, RestrictedModelChoiceField
from organisations.models import Organisation
from organisations.validators import (
    lifetime_date_validator,
    recent_date_validator,
    validate_name,
    working_date_validator,
)
from people.choices import (
    MILESTONE_DUE_LABELS,
    SENSITIVE_DATA_GROUPS,
    ClaimPathway,
    ConsentGivenBy,
    ConsentMethod,
    DataGroup,
    FrenchLevel,
    GenderIdentity,
    HouseholdRelationship,
    IntakeChannel,
    InterventionMode,
    InterventionType,
    MilestoneKind,
    NeedStatus,
    NeedUrgency,
    TransExperience,
)

LANGUAGE_CHOICES = list(SPOKEN_LANGUAGES.items())

# How long a new consent lasts unless the worker says otherwise.
DEFAULT_CONSENT_DAYS = 365


def add_application_error(form: forms.Form, error: ApplicationError, fields_by_code: dict[str, str] | None = None):
    """Show a service's refusal on the form: next to its field when the error code names one,
    above the form otherwise. The message is translated and safe to show."""
    field = (fields_by_code or {}).get(error.code)
    form.add_error(field if field in form.fields else None, str(error.message))


class DateInput(forms.DateInput):
    """The browser's own date picker (an ISO date, whatever the page language)."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class PersonForm(forms.Form):
    """A person file's profile. The creation form shows the few fields an intake needs."""

    given_names = forms.CharField(label=_("Given names"), max_length=150, validators=[validate_name])
    family_names = forms.CharField(
        label=_("Family names"),
        max_length=150,
        validators=[validate_name],
        help_text=_("One or two surnames, with their accents."),
    )
    date_of_birth = forms.DateField(
        label=_("Date of birth"), required=False, widget=DateInput(), validators=[lifetime_date_validator]
    )
    date_of_birth_is_approximate = forms.BooleanField(label=_("The date of birth is approximate"), required=False)
    preferred_language = forms.ChoiceField(label=_("Preferred language"), choices=LANGUAGE_CHOICES, initial="es")
    interpreter_needed = forms.BooleanField(label=_("Needs an interpreter"), required=False)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    email = forms.EmailField(label=_("Email"), required=False)
    address = forms.CharField(label=_("Address"), max_length=300, required=False)
    french_level = forms.ChoiceField(label=_("French level"), choices=[("", "—"), *FrenchLevel.choices], required=False)
    gender_identity = forms.ChoiceField(
        label=_("Gender identity"),
        choices=GenderIdentity.choices,
        initial=GenderIdentity.NOT_ASKED,
        help_text=_("As the person describes themself. Sensitive."),
    )
    gender_self_described = forms.CharField(label=_("Gender, in the person's words"), max_length=100, required=False)
    trans_experience = forms.ChoiceField(
        label=_("Trans experience"),
        choices=TransExperience.choices,
        initial=TransExperience.NOT_ASKED,
        help_text=_("Sensitive."),
    )
    arrival_date = forms.DateField(
        label=_("Arrival in Canada"), required=False, widget=DateInput(), validators=[lifetime_date_validator]
    )
    first_intake_date = forms.DateField(
        label=_("First intake"), initial=timezone.localdate, widget=DateInput(), validators=[recent_date_validator]
    )
    intake_channel = forms.ChoiceField(
        label=_("How the person reached us"), choices=IntakeChannel.choices, initial=IntakeChannel.WALK_IN
    )
    claim_pathway = forms.ChoiceField(
        label=_("Claim pathway"), choices=ClaimPathway.choices, initial=ClaimPathway.UNKNOWN
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}), help_text=_("Sensitive.")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Languages are an open list: keep a code recorded elsewhere (the API) choosable.
        current = self.initial.get("preferred_language") or self.data.get("preferred_language")
        if current and current not in SPOKEN_LANGUAGES and len(current) <= 3 and current.isalpha():
            self.fields["preferred_language"].choices = [*LANGUAGE_CHOICES, (current, current)]

    def clean(self):
        data = super().clean()
        if data.get("gender_identity") == GenderIdentity.SELF_DESCRIBED and not data.get("gender_self_described"):
            self.add_error("gender_self_described", _("Write the gender in the person's own words."))
        return data

    def person_fields(self) -> dict:
        """The cleaned values, as the services take them (only the fields this form shows)."""
        return dict(self.cleaned_data)


class PersonCreateForm(RestrictedChoicesForm, PersonForm):
    """What an intake needs to open a file; the rest is added on the file later."""

    CREATE_FIELDS = (
        "given_names",
        "family_names",
        "date_of_birth",
        "date_of_birth_is_approximate",
        "preferred_language",
        "interpreter_needed",
        "phone",
        "intake_channel",
    )

    owner = RestrictedModelChoiceField(label=_("Hub"), queryset=Organisation.objects.none(), empty_label=None)

    def __init__(self, *args, hubs=(), **kwargs):
        super().__init__(*args, **kwargs)
        for name in list(self.fields):
            if name not in self.CREATE_FIELDS and name != "owner":
                del self.fields[name]
        hub_ids = [hub.pk for hub in hubs]
        self.fields["owner"].queryset = Organisation.objects.filter(pk__in=hub_ids)
        if len(hub_ids) == 1:
            # One hub: nothing to choose.
            self.fields["owner"].widget = forms.HiddenInput()
            self.fields["owner"].initial = hub_ids[0]

    def person_fields(self) -> dict:
        fields = super().person_fields()
        fields.pop("owner")
        return fields


class PersonSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Name, phone or birth date"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
        help_text=_(
            "Any part of the names (accents, spelling and order do not matter), part of a phone number, "
            "or a birth date as day/month/year."
        ),
    )


class ConsentWithdrawForm(forms.Form):
    """The confirmation of a withdrawal: how the person expressed it and in which language; with
    ``children`` (the names of the children whose consents this person gave to the same
    recipient), whether those go too (ticked by default)."""

    # No method chosen in advance: the worker says how the person expressed it.
    method = forms.ChoiceField(
        label=_("How the person withdrew their consent"), choices=[("", "—"), *ConsentMethod.choices]
    )
    language = forms.ChoiceField(label=_("Language the person used"), choices=LANGUAGE_CHOICES)

    def __init__(self, *args, children: list[str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if children:
            self.fields["children"] = forms.BooleanField(
                label=_("Also withdraw the consents given for the children: %(names)s")
                % {"names": ", ".join(children)},
                required=False,
                initial=True,
            )


class ConsentForm(RestrictedChoicesForm):
    """A consent to share some groups of the person's data with one partner, for some needs."""

    recipient = RestrictedModelChoiceField(
        label=_("Shared with"), queryset=Organisation.objects.none(), empty_label=_("Choose a partner organisation")
    )
    purposes = forms.MultipleChoiceField(
        label=_("For these needs"), choices=NeedCategory.choices, widget=forms.CheckboxSelectMultiple
    )
    data_groups = forms.MultipleChoiceField(
        label=_("Information the person agrees to share"),
        choices=DataGroup.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    express = forms.BooleanField(
        label=_("The person gave express consent"),
        required=False,
        help_text=_("Needed to share sensitive information, which is marked."),
    )
    method = forms.ChoiceField(label=_("How consent was given"), choices=ConsentMethod.choices)
    language = forms.ChoiceField(label=_("Explained in"), choices=LANGUAGE_CHOICES)
    interpreter_assisted = forms.BooleanField(label=_("An interpreter helped"), required=False)
    # The version of the privacy notice the form showed (none when the organisation has none).
    notice_version = forms.IntegerField(required=False, widget=forms.HiddenInput)
    given_by = forms.ChoiceField(label=_("Given by"), choices=ConsentGivenBy.choices, initial=ConsentGivenBy.PERSON)
    guardian = forms.ChoiceField(label=_("Parent or guardian in the household"), required=False, choices=())
    given_by_name = forms.CharField(
        label=_("Name of the parent or guardian"),
        max_length=200,
        required=False,
        validators=[validate_name],
        help_text=_("Under 14 only."),
    )
    valid_from = forms.DateField(
        label=_("Valid from"),
        required=False,
        widget=DateInput(),
        initial=timezone.localdate,
        validators=[working_date_validator],
    )
    valid_until = forms.DateField(label=_("Valid until"), widget=DateInput(), validators=[working_date_validator])

    # Service error code → the field it is about.
    ERROR_FIELDS = {
        "express_consent_required": "express",
        "parent_consent_required": "given_by",
        "guardian_name_required": "given_by_name",
        "invalid_period": "valid_until",
    }

    def __init__(self, *args, partners=None, person=None, guardians=(), needs_guardian=False, **kwargs):
        """``needs_guardian``: the person is under the consent age, so only a parent or guardian
        consents; ``guardians``: the adults of their household, offered by name."""
        super().__init__(*args, **kwargs)
        if partners is not None:
            self.fields["recipient"].queryset = partners
        if person is not None:
            self.fields["language"].initial = person.preferred_language
            self.fields["interpreter_assisted"].initial = person.interpreter_needed
        self.fields["valid_until"].initial = timezone.localdate() + timedelta(days=DEFAULT_CONSENT_DAYS)
        self.needs_guardian = needs_guardian
        self.guardian_names = {str(guardian.pk): guardian.full_name for guardian in guardians}
        if needs_guardian:
            self.fields["given_by"].choices = [
                (code, label) for code, label in ConsentGivenBy.choices if code == ConsentGivenBy.PARENT_GUARDIAN
            ]
            self.fields["given_by"].initial = ConsentGivenBy.PARENT_GUARDIAN
            # A person alone has no household to choose from: no word of one (outside test, L4).
            self.fields["given_by_name"].help_text = (
                _("Someone outside the household.") if self.guardian_names else _("The name of the parent or guardian.")
            )
        if needs_guardian and self.guardian_names:
            self.fields["guardian"].choices = [
                ("", _("Someone else (write the name below)")),
                *self.guardian_names.items(),
            ]
        else:
            del self.fields["guardian"]

    def clean(self):
        data = super().clean()
        guardian_name = self.guardian_names.get(data.get("guardian") or "")
        if guardian_name:
            data["given_by"] = ConsentGivenBy.PARENT_GUARDIAN
            data["given_by_name"] = guardian_name
        if self.needs_guardian and not (data.get("given_by_name") or "").strip():
            self.add_error(
                "guardian" if "guardian" in self.fields else "given_by_name",
                _(
                    "Under 14, a parent or guardian gives consent: choose one of the household's adults "
                    "or write the name."
                )
                if self.guardian_names
                else _("Under 14, a parent or guardian gives consent: write their name."),
            )
        sensitive = set(data.get("data_groups") or []) & SENSITIVE_DATA_GROUPS
        if sensitive and not data.get("express"):
            self.add_error("express", _("Sensitive information can only be shared with express consent."))
        return data

    @staticmethod
    def sensitive_groups() -> set[str]:
        return {str(group) for group in SENSITIVE_DATA_GROUPS}


class NeedForm(forms.Form):
    category = forms.ChoiceField(label=_("Need"), choices=NeedCategory.choices)
    urgency = forms.ChoiceField(label=_("Urgency"), choices=NeedUrgency.choices, initial=NeedUrgency.DAYS)
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


class NeedStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=NeedStatus.choices)


class MilestoneForm(forms.Form):
    """That a milestone happened (its ids apart from the other forms of the person file)."""

    kind = forms.ChoiceField(label=_("Milestone"), choices=MilestoneKind.choices)
    occurred_on = forms.DateField(
        label=_("Date"), widget=DateInput(), initial=timezone.localdate, validators=[recent_date_validator]
    )
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    valid_until = forms.DateField(
        label=_("Valid until"),
        widget=DateInput(),
        required=False,
        help_text=_("For a work permit or the claimant document."),
    )
    note = forms.CharField(label=_("Note"), max_length=500, required=False)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "id_milestone_%s")
        super().__init__(*args, **kwargs)


class MilestoneScheduleForm(forms.Form):
    """When a milestone is expected and where: a hearing, an eligibility interview."""

    kind = forms.ChoiceField(label=_("Appointment or deadline"), choices=list(MILESTONE_DUE_LABELS.items()))
    due_on = forms.DateField(label=_("Expected on"), widget=DateInput())
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


class InterventionForm(forms.Form):
    """The quick log: a worker records what they just did in a few seconds."""

    type = forms.ChoiceField(label=_("Intervention"), choices=InterventionType.choices)
    mode = forms.ChoiceField(label=_("Mode"), choices=InterventionMode.choices, initial=InterventionMode.IN_PERSON)
    language_used = forms.ChoiceField(label=_("Language"), choices=LANGUAGE_CHOICES)
    note = forms.CharField(label=_("Short note"), max_length=500, required=False)
    duration_minutes = forms.IntegerField(label=_("Minutes"), min_value=1, max_value=24 * 60, initial=15)

    def __init__(self, *args, person=None, **kwargs):
        # On the person file beside the need form, which has a note too: ids of its own.
        kwargs.setdefault("auto_id", "id_intervention_%s")
        super().__init__(*args, **kwargs)
        if person is not None:
            self.fields["language_used"].initial = person.preferred_language


# --- Households --------------------------------------------------------------------------------


class HouseholdCreateForm(forms.Form):
    """A household started from a person file, with that person in it."""

    name = forms.CharField(
        label=_("Household name"),
        max_length=200,
        validators=[validate_name],
        help_text=_("For example the family name."),
    )
    relationship = forms.ChoiceField(
        label=_("This person in the household"),
        choices=HouseholdRelationship.choices,
        initial=HouseholdRelationship.HEAD,
    )
    pets = forms.IntegerField(label=_("Pets travelling with the household"), min_value=0, max_value=20, initial=0)


class HouseholdForm(forms.Form):
    """What is typed about a household itself; who is in it comes from the members' files."""

    name = forms.CharField(label=_("Household name"), max_length=200, validators=[validate_name])
    pets = forms.IntegerField(label=_("Pets travelling with the household"), min_value=0, max_value=20)


class MemberRelationshipForm(forms.Form):
    relationship = forms.ChoiceField(label=_("Relationship"), choices=HouseholdRelationship.choices)


class MemberSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Find an existing file"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
        help_text=_("Any part of the given or family names; accents and order do not matter."),
    )


class NewMemberForm(forms.Form):
    """The few facts a household member's new file needs at the door; the rest is added on
    their file later. An age is turned into an approximate date of birth."""

    given_names = forms.CharField(label=_("Given names"), max_length=150, validators=[validate_name])
    family_names = forms.CharField(label=_("Family names"), max_length=150, validators=[validate_name])
    relationship = forms.ChoiceField(
        label=_("Relationship"), choices=HouseholdRelationship.choices, initial=HouseholdRelationship.CHILD
    )
    date_of_birth = forms.DateField(
        label=_("Date of birth"), required=False, widget=DateInput(), validators=[lifetime_date_validator]
    )
    age = forms.IntegerField(
        label=_("Or age in years"),
        required=False,
        min_value=0,
        max_value=120,
        help_text=_("When the date of birth is not known."),
    )
    gender_identity = forms.ChoiceField(
        label=_("Gender identity"), choices=GenderIdentity.choices, initial=GenderIdentity.NOT_ASKED
    )
    needs_wheelchair_access = forms.BooleanField(label=_("Needs wheelchair access"), required=False)

    def clean(self):
        data = super().clean()
        if data.get("date_of_birth") is None and data.get("age") is not None:
            today = timezone.localdate()
            # The birthday is unknown: today's date that many years ago, marked approximate.
            day = 28 if (today.month, today.day) == (2, 29) else today.day
            data["date_of_birth"] = today.replace(year=today.year - data["age"], day=day)
            data["date_of_birth_is_approximate"] = True
        return data

    def person_fields(self) -> dict:
        """The cleaned values as ``household_add_new_member`` takes them."""
        fields = {name: value for name, value in self.cleaned_data.items() if name not in {"age", "relationship"}}
        fields.setdefault("date_of_birth_is_approximate", False)
        return fields
