"""Forms of the referral pages: the wizard's steps, the actions on a referral and its thread.
Every action form carries the version the user saw, so that a change made in the meantime is a
conflict, never an overwrite."""

from django import forms
from django.utils.translation import gettext_lazy as _

from organisations.choices import NeedCategory
from people.choices import NeedUrgency
from referrals.choices import DECLINE_SIDE, DeclineReason, DeclineSide

# --- The wizard -------------------------------------------------------------------------------


class ReferralNeedForm(forms.Form):
    """Step 1: what the person needs, how urgently, and why this referral."""

    # No need is chosen in advance (unless the person file's need opened the wizard): a default
    # would be sent by mistake.
    need_category = forms.ChoiceField(
        label=_("Need"),
        choices=[("", _("Choose the need")), *NeedCategory.choices],
        error_messages={"required": _("Choose the person's need.")},
    )
    urgency = forms.ChoiceField(label=_("Urgency"), choices=NeedUrgency.choices, initial=NeedUrgency.DAYS)
    reason = forms.CharField(
        label=_("Reason for the referral"),
        error_messages={"required": _("Write the reason for the referral: the partner needs it to answer.")},
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What the partner needs to know to answer. Do not repeat information you do not share below."),
    )
    for_household = forms.BooleanField(label=_("For the whole household"), required=False)

    def __init__(self, *args, has_household: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not has_household:
            del self.fields["for_household"]


class ReferralPartnerForm(forms.Form):
    """Step 2: the partner service, among those that answer the need."""

    service = forms.TypedChoiceField(
        label=_("Partner service"),
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose a partner.")},
    )

    def __init__(self, *args, services=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].choices = [(service.pk, service.name) for service in services]


class ReferralDataForm(forms.Form):
    """Step 3: the groups of information shared, among those an active consent covers."""

    shared_groups = forms.MultipleChoiceField(
        label=_("Information shared with the partner"),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Only what the person consented to share with this partner for this need is offered."),
        error_messages={"required": _("Choose at least one group of information.")},
    )

    def __init__(self, *args, groups=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["shared_groups"].choices = list(groups)


# --- Actions on a referral -------------------------------------------------------------------------


class VersionedForm(forms.Form):
    """An action on a referral: the hidden version is the state the user acted on."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class RequestInfoForm(VersionedForm):
    note = forms.CharField(label=_("Your question"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000)


class AnswerInfoForm(VersionedForm):
    note = forms.CharField(label=_("Your answer"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000)


class AcceptForm(VersionedForm):
    note = forms.CharField(
        label=_("Note (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=4000
    )


def decline_reason_choices() -> list:
    """The decline reasons grouped by side (the person's, the provider's), then "other"."""
    grouped = [
        (side.label, [(reason.value, reason.label) for reason in DeclineReason if DECLINE_SIDE[reason] == side])
        for side in (DeclineSide.PERSON, DeclineSide.PROVIDER)
    ]
    return [("", "—"), *grouped, (DeclineReason.OTHER.value, DeclineReason.OTHER.label)]


class DeclineForm(VersionedForm):
    reason = forms.ChoiceField(label=_("Reason"), choices=decline_reason_choices)
    note = forms.CharField(
        label=_("Explanation"), required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=4000
    )


class StartForm(VersionedForm):
    pass


class CompleteForm(VersionedForm):
    note = forms.CharField(
        label=_("Outcome"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
        help_text=_("What was done for the person, in a few words."),
    )


class CancelForm(VersionedForm):
    note = forms.CharField(
        label=_("Why (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=4000
    )


class AssignForm(VersionedForm):
    assignee = forms.TypedChoiceField(label=_("Assigned to"), coerce=int, required=False, empty_value=None)

    def __init__(self, *args, colleagues=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].choices = [("", _("Nobody")), *((user.pk, user.full_name) for user in colleagues)]


class ReReferForm(forms.Form):
    """After a decline or an expiry: the same referral to another partner."""

    recipient = forms.TypedChoiceField(label=_("Other partner"), coerce=int)

    def __init__(self, *args, partners=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["recipient"].choices = [("", "—"), *((partner.pk, partner.name) for partner in partners)]


class MessageForm(forms.Form):
    body = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000)
