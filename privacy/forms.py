"""Forms of the privacy pages. They validate what the privacy officer or coordinator types; the
services decide and write. Choices of people and colleagues are built by the views from the
privacy selectors (whose files the user handles), never from a model's whole table."""

from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from organisations.validators import recent_date_validator, validate_text
from people.choices import DataGroup
from people.forms import DateInput
from people.models import Person
from privacy.choices import EXPORT_LANGUAGES, RequestChannel, Requester, RequestKind

# A register's entry is read, printed and sent to the Commission: a few pages at most.
TEXT_MAX = 10_000
NOTE_MAX = 2_000


class DateTimeInput(forms.DateTimeInput):
    """The browser's own date and time picker."""

    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%dT%H:%M")


class PersonSearchForm(forms.Form):
    q = forms.CharField(label=_("Find a person by name"), max_length=100, required=False)


class RequestForm(forms.Form):
    """A new access or portability request; the household members listed are those who gave
    their own consent to be in the person's export."""

    kind = forms.ChoiceField(label=_("Request"), choices=RequestKind.choices)
    received_on = forms.DateField(
        label=_("Received on"), initial=timezone.localdate, widget=DateInput(), validators=[recent_date_validator]
    )
    channel = forms.ChoiceField(label=_("Received by"), choices=RequestChannel.choices)
    requester = forms.ChoiceField(label=_("Made by"), choices=Requester.choices)
    representative_name = forms.CharField(label=_("Name of the representative"), max_length=200, required=False)
    language = forms.ChoiceField(
        label=_("Language of the answer"), choices=EXPORT_LANGUAGES, help_text=_("The export is written in it.")
    )
    included_members = forms.MultipleChoiceField(
        label=_("Household members who consented to be included"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("A member left unticked is left out of the export, which says so."),
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=NOTE_MAX,
        validators=[validate_text],
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, members: list[Person], **kwargs):
        super().__init__(*args, **kwargs)
        self.members = {str(member.pk): member for member in members}
        self.fields["included_members"].choices = [(pk, member.full_name) for pk, member in self.members.items()]
        if not members:
            del self.fields["included_members"]

    def clean(self):
        data = super().clean()
        if data.get("requester") == Requester.REPRESENTATIVE and not data.get("representative_name", "").strip():
            self.add_error("representative_name", _("Give the representative's name."))
        data["included_members"] = [self.members[pk] for pk in data.get("included_members", [])]
        return data


class CloseForm(forms.Form):
    answered_on = forms.DateField(label=_("Answered on"), initial=timezone.localdate, widget=DateInput())


class RectificationForm(forms.Form):
    field = forms.ChoiceField(label=_("Field to correct"))
    value = forms.CharField(
        label=_("Correct value"),
        max_length=300,
        required=False,
        validators=[validate_text],
        help_text=_("Dates as YYYY-MM-DD; for a choice, its code as the field list shows it; empty to erase."),
    )
    reason = forms.CharField(
        label=_("Why"), max_length=NOTE_MAX, validators=[validate_text], widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, fields: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["field"].choices = fields


class EmergencyForm(forms.Form):
    communicated_at = forms.DateTimeField(label=_("Communicated on"), widget=DateTimeInput())
    recipient = forms.CharField(
        label=_("Communicated to"),
        max_length=300,
        help_text=_("Who received it: a person or an organisation, and how to reach them."),
    )
    information = forms.CharField(
        label=_("Information communicated"),
        max_length=TEXT_MAX,
        validators=[validate_text],
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    reason = forms.CharField(
        label=_("Why"),
        max_length=TEXT_MAX,
        validators=[validate_text],
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("The serious risk of death or serious injury it was to prevent."),
    )
    decided_by = forms.ChoiceField(label=_("Decided by"))

    def __init__(self, *args, deciders: list, **kwargs):
        super().__init__(*args, **kwargs)
        self.deciders = {str(user.pk): user for user in deciders}
        self.fields["decided_by"].choices = [(pk, user.full_name or user.email) for pk, user in self.deciders.items()]

    def clean_decided_by(self):
        return self.deciders[self.cleaned_data["decided_by"]]

    def clean_communicated_at(self):
        value = self.cleaned_data["communicated_at"]
        if value < timezone.now() - timedelta(days=366 * 5):
            raise forms.ValidationError(_("Give a date within the last five years."))
        return value


class IncidentForm(forms.Form):
    organisation = forms.ChoiceField(label=_("Organisation"))
    description = forms.CharField(
        label=_("What happened"),
        max_length=TEXT_MAX,
        validators=[validate_text],
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    occurred_on = forms.DateField(label=_("Occurred on"), widget=DateInput(), validators=[recent_date_validator])
    known_on = forms.DateField(
        label=_("Known on"), initial=timezone.localdate, widget=DateInput(), validators=[recent_date_validator]
    )
    data_groups = forms.MultipleChoiceField(
        label=_("Information concerned"), choices=DataGroup.choices, widget=forms.CheckboxSelectMultiple
    )
    people_count = forms.IntegerField(label=_("Number of people concerned"), min_value=0, max_value=1_000_000)
    serious_injury_risk = forms.TypedChoiceField(
        label=_("Risk of serious injury"),
        choices=[("no", _("No")), ("yes", _("Yes"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        help_text=_("If yes, notify the Commission and the people concerned promptly (s. 3.5)."),
    )
    risk_assessment = forms.CharField(
        label=_("Risk assessment"),
        max_length=TEXT_MAX,
        validators=[validate_text],
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The sensitivity of the information, its possible misuse and the likely consequences."),
    )
    commission_notified_on = forms.DateField(label=_("Commission notified on"), required=False, widget=DateInput())
    people_notified_on = forms.DateField(label=_("People notified on"), required=False, widget=DateInput())
    measures = forms.CharField(
        label=_("Measures taken"),
        max_length=TEXT_MAX,
        validators=[validate_text],
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("To reduce the risk of injury and of a new incident."),
    )

    def __init__(self, *args, organisations: list, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisations = {str(organisation.pk): organisation for organisation in organisations}
        self.fields["organisation"].choices = [(pk, org.name) for pk, org in self.organisations.items()]
        if len(organisations) == 1:
            self.fields["organisation"].widget = forms.HiddenInput()
            self.fields["organisation"].initial = next(iter(self.organisations))

    def clean_organisation(self):
        return self.organisations[self.cleaned_data["organisation"]]

    def incident_fields(self) -> dict:
        return {name: value for name, value in self.cleaned_data.items() if name != "organisation"}
