"""Forms of the housing pages. They check what staff type; the services decide and write, and a
refusal from a service is shown on the form it came from."""

from datetime import datetime, time

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from housing.choices import ExitDestination, UnmetReason
from organisations.choices import SPOKEN_LANGUAGES
from organisations.errors import ApplicationError
from organisations.forms import RestrictedChoicesForm, RestrictedModelChoiceField
from organisations.models import Organisation
from organisations.validators import working_date_validator


class DateInput(forms.DateInput):
    """The browser's own date picker (an ISO date, whatever the page language)."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class DateTimeInput(forms.DateTimeInput):
    """The browser's own date and time picker, in the user's time zone."""

    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%dT%H:%M")


def add_service_error(form: forms.Form, error: ApplicationError, field: str | None = None) -> None:
    """Show a service's refusal on the form (its message is translated and safe to show)."""
    form.add_error(field if field in form.fields else None, str(error.message))


def on_day_at_time_of(day, reference: datetime) -> datetime:
    """``day`` at the local clock time of ``reference``: a stay planned to end on a day ends
    a whole number of days after it started, so "30 days" is exactly the site's maximum."""
    clock = timezone.localtime(reference).time().replace(second=0, microsecond=0)
    return timezone.make_aware(datetime.combine(day, clock))


def start_of_day(day) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


class BoardFilterForm(forms.Form):
    """The board's filters (a GET form: the address can be shared and bookmarked)."""

    families = forms.BooleanField(label=_("Families"), required=False)
    women_only = forms.BooleanField(label=_("Women only"), required=False)
    wheelchair_access = forms.BooleanField(label=_("Wheelchair access"), required=False)
    language = forms.ChoiceField(
        label=_("Staff speak"),
        required=False,
        choices=[("", _("Any language")), *SPOKEN_LANGUAGES.items()],
    )
    person = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    arrival = forms.DateTimeField(
        label=_("Arriving"), required=False, widget=DateTimeInput(), validators=[working_date_validator]
    )
    nights = forms.IntegerField(label=_("Nights"), required=False, min_value=1, max_value=90, initial=1)


class UnmetRequestForm(RestrictedChoicesForm):
    """ "No bed fits this household": recorded in one click for the city's reports."""

    household_size = forms.IntegerField(label=_("Household size"), min_value=1, max_value=30, initial=1)
    reason = forms.ChoiceField(label=_("Reason"), choices=UnmetReason.choices)
    organisation = RestrictedModelChoiceField(label=_("Recorded for"), queryset=None, empty_label=None)
    person = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(self, *args, hubs, **kwargs):
        super().__init__(*args, **kwargs)
        # ``hubs`` were restricted by the caller; the field only needs to find them again.
        self.fields["organisation"].queryset = Organisation.objects.filter(pk__in=[hub.pk for hub in hubs])
        if len(hubs) == 1:
            self.fields["organisation"].widget = forms.HiddenInput()
            self.fields["organisation"].initial = hubs[0].pk


class HoldForm(forms.Form):
    """Hold beds of one site for a person or a household: the beds ticked, a whole family unit,
    or as many beds in shared rooms as there are people (the family split between rooms), in one
    action that holds all of them or none.

    Every active bed of the site is a valid choice: whether it is still free, whether the
    household meets the site's rules and whether the arrival fits the site's window are the
    service's questions, so that the answer is the same on the page and in the API.
    """

    beds = forms.TypedMultipleChoiceField(
        label=_("Beds"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )
    family_unit = forms.TypedChoiceField(
        label=_("Or a whole family unit"), coerce=int, required=False, empty_value=None
    )
    split_in_shared_rooms = forms.BooleanField(
        label=_("Or a bed for each person in shared rooms (the family may be split between rooms)"), required=False
    )
    # Offered as a list of recent files, but any file of the hub is accepted: the view looks the
    # value up in the user's restricted people and households.
    occupant = forms.RegexField(
        regex=r"^(household|person):[0-9]+$",
        label=_("Household or person"),
        help_text=_("Your organisation's files, the most recent first."),
        widget=forms.Select,
        error_messages={
            "required": _("Choose a household or a person."),
            "invalid": _("Choose a household or a person."),
        },
    )
    in_transit = forms.BooleanField(label=_("On the way now"), required=False)
    expected_arrival_at = forms.DateTimeField(
        label=_("Expected arrival"),
        widget=DateTimeInput(),
        validators=[working_date_validator],
        error_messages={"required": _("Give the expected arrival time.")},
    )
    confirm_outside_check_in = forms.BooleanField(
        label=_("The provider agreed to receive them outside its check-in hours"), required=False
    )
    share_identity = forms.BooleanField(
        label=_("The people agree that the provider sees their names and household"),
        help_text=_(
            "Recorded as their consent to this provider, for their housing. Without it the provider sees the hold code."
        ),
        required=False,
    )
    override_reason = forms.CharField(
        label=_("Reason to hold against the site's rules"),
        help_text=_("Hub coordinators only, when the provider agreed."),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, bed_ids, occupants, family_units=(), can_override: bool = False, **kwargs):
        """``occupants`` is a list of (group label, [(value, label)]) with values such as
        ``household:12`` or ``person:34``; ``family_units`` a list of (room id, label)."""
        super().__init__(*args, **kwargs)
        self.fields["beds"].choices = [(bed_id, bed_id) for bed_id in bed_ids]
        self.fields["family_unit"].choices = [("", _("Choose…")), *family_units]
        self.fields["occupant"].widget.choices = [("", _("Choose…")), *occupants]
        if not can_override:
            del self.fields["override_reason"]

    def clean(self):
        data = super().clean()
        chosen = (
            bool(data.get("beds")) + (data.get("family_unit") is not None) + bool(data.get("split_in_shared_rooms"))
        )
        if chosen == 0:
            raise forms.ValidationError(_("Choose beds, a family unit, or beds in shared rooms."))
        if chosen > 1:
            raise forms.ValidationError(_("Choose either beds, a family unit, or beds in shared rooms."))
        return data

    def occupant_kind_and_id(self) -> tuple[str, int]:
        kind, _separator, pk = self.cleaned_data["occupant"].partition(":")
        return kind, int(pk)


class HoldExtendForm(forms.Form):
    """The hub moves a hold's expected arrival (the family's bus is late)."""

    expected_arrival_at = forms.DateTimeField(
        label=_("New expected arrival"), widget=DateTimeInput(), validators=[working_date_validator]
    )
    confirm_outside_check_in = forms.BooleanField(
        label=_("The provider agreed to receive them outside its check-in hours"), required=False
    )


class OutOfServiceForm(forms.Form):
    """The provider takes one bed out of service from now, until a day or until further notice."""

    reason = forms.CharField(label=_("Reason"), max_length=200, help_text=_("For example: repairs, bedbugs."))
    until = forms.DateField(
        label=_("Back in service on"),
        required=False,
        widget=DateInput(),
        help_text=_("Leave empty: until further notice."),
        validators=[working_date_validator],
    )

    def clean_until(self):
        until = self.cleaned_data.get("until")
        if until is not None and until <= timezone.localdate():
            raise forms.ValidationError(_("Choose a day after today."))
        return until


class CheckInForm(forms.Form):
    """The household arrived: its hold becomes a stay until the planned end."""

    planned_end = forms.DateField(
        label=_("Planned end of the stay"), widget=DateInput(), validators=[working_date_validator]
    )


class ExtendStayForm(forms.Form):
    planned_end = forms.DateField(label=_("New planned end"), widget=DateInput(), validators=[working_date_validator])


class CheckOutForm(forms.Form):
    exit_destination = forms.ChoiceField(
        label=_("Where did they go?"), choices=[("", _("Choose…")), *ExitDestination.choices]
    )


class MoveForm(forms.Form):
    """Move a hold's or a stay's people to other beds of the chosen site. The beds offered are
    the site's free ones; whether they are still free and whether the people meet the site's
    rules are the service's questions (``housing.services.move``)."""

    beds = forms.TypedMultipleChoiceField(
        label=_("New beds"),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose the new beds.")},
    )
    confirm_outside_check_in = forms.BooleanField(
        label=_("The provider agreed to receive them outside its check-in hours"), required=False
    )
    override_reason = forms.CharField(
        label=_("Reason to move against the site's rules"),
        help_text=_("Only if the site's rules refuse the move and you, as coordinator, decide otherwise."),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, bed_choices, asks_check_in: bool, can_override: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["beds"].choices = bed_choices
        if not asks_check_in:
            del self.fields["confirm_outside_check_in"]
        if not can_override:
            del self.fields["override_reason"]
