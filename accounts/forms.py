"""Forms of the accounts pages."""

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy


class LoginForm(AuthenticationForm):
    username = forms.EmailField(
        label=_("Email address"), widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"})
    )

    # Django's own message puts the field's label into a sentence ("Saisissez un %(username)s"),
    # which French cannot agree with "adresse": ours is one whole sentence to translate.
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("Enter a correct email address and password. The password is case-sensitive."),
    }


def code_field(label, help_text="") -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=help_text,
        max_length=20,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autocapitalize": "off", "spellcheck": "false", "autofocus": True}
        ),
    )


class TwoFactorSetupForm(forms.Form):
    code = code_field(_("Code shown by the app"), _("Six digits; a new code appears every 30 seconds."))


class TwoFactorVerifyForm(forms.Form):
    code = code_field(_("Code"), _("The six digits your authenticator app shows now, or one of your recovery codes."))


class TwoFactorDisableForm(forms.Form):
    code = code_field(_("Code shown by the app"))


def lifetime_choices() -> list[tuple[int, str]]:
    days = [day for day in (1, 7, 30, 90, 365) if day <= settings.API_TOKEN_MAX_DAYS]
    return [(day, ngettext_lazy("%(count)d day", "%(count)d days", day) % {"count": day}) for day in days]


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"), max_length=100, help_text=_("What the token is for, for example “Reporting script”.")
    )
    lifetime_days = forms.TypedChoiceField(label=_("Expires after"), coerce=int, choices=lifetime_choices)
