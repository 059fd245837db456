"""Pages of the accounts app: login (password, then the second factor), setting up and managing
the second factor, API tokens, and the organisation admin's page to reset a member's second
factor. Views read through selectors and write through services."""

import logging
import math
from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from accounts import selectors, services, two_factor
from accounts.forms import ApiTokenForm, LoginForm, TwoFactorDisableForm, TwoFactorSetupForm, TwoFactorVerifyForm
from accounts.throttling import login_cool_off
from organisations.errors import ApplicationError, NotFoundError
from organisations.models import Membership
from organisations.permissions import two_factor_required
from plumbing.client_address import client_ip_address

logger = logging.getLogger(__name__)

# The key being set up is kept in the session between showing it and confirming it.
SETUP_KEY = "passerelle_two_factor_setup_key"
# A new API token's text, kept in the session from the POST that made it to the page the browser
# is redirected to, which shows it once and removes it: reloading that page makes nothing.
NEW_TOKEN_KEY = "passerelle_new_api_token"  # noqa: S105 - a session key, not a secret


def _next_url(request) -> str:
    """The page to go to after the second factor: ``next`` when it is on this site."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return reverse(settings.LOGIN_REDIRECT_URL)


class LoginView(auth_views.LoginView):
    """Login by email and password (throttled by django-axes); then, for whoever needs it, the
    second factor: set-up the first time, a code afterwards."""

    form_class = LoginForm
    redirect_authenticated_user = True

    def get_success_url(self):
        url = super().get_success_url()
        user = self.request.user
        if two_factor.session_passes_two_factor(self.request.session, user):
            return url
        return two_factor.second_step_url(user, url)


class PasswordResetView(auth_views.PasswordResetView):
    """Django's password-reset request, limited per typed address and per client: beyond the
    limits no email is sent, and the answer is the same "check your email" page, so that it says
    nothing about the limits or about whether an account has the address."""

    def form_valid(self, form):
        allowed = services.password_reset_allowed(
            email=form.cleaned_data["email"], client_address=client_ip_address(self.request.META)
        )
        if allowed:
            return super().form_valid(form)
        logger.warning("Password-reset email not sent: over the limit for the address or the client")
        return HttpResponseRedirect(self.get_success_url())


def login_locked_out(request, original_response=None, credentials=None):
    """The login page's answer to a locked-out attempt (axes' ``AXES_LOCKOUT_CALLABLE``): the
    same page, status and words whether or not an account has this email; 429 with Retry-After."""
    cool_off = login_cool_off(request)
    minutes = math.ceil(cool_off / timedelta(minutes=1))
    form = LoginForm(request, initial={"username": request.POST.get("username", "")})
    message = ngettext(
        "Too many failed attempts to log in with this email address from your connection. "
        "Wait %(minutes)s minute and try again, or reset your password.",
        "Too many failed attempts to log in with this email address from your connection. "
        "Wait %(minutes)s minutes and try again, or reset your password.",
        minutes,
    ) % {"minutes": minutes}
    context = {"form": form, "next": request.POST.get("next", ""), "lockout_message": message}
    response = render(request, "registration/login.html", context, status=429)
    response["Retry-After"] = str(math.ceil(cool_off.total_seconds()))
    return response


@login_required
def two_factor_setup(request):
    """Set up an authenticator app: scan the QR code (or type the key), enter a code it shows,
    receive the recovery codes, shown this once."""
    user = request.user
    next_url = _next_url(request)
    if two_factor.totp_device(user) is not None and not user.is_verified():
        # Replacing an authenticator app takes a session that passed the current one: a stolen
        # password alone must not be enough to set up the thief's phone.
        return HttpResponseRedirect(two_factor.second_step_url(user, request.get_full_path()))
    key = request.session.get(SETUP_KEY)
    if key is None:
        key = request.session[SETUP_KEY] = two_factor.new_totp_key()
    form = TwoFactorSetupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device, codes = services.two_factor_enable(user=user, key=key, code=form.cleaned_data["code"])
        except ApplicationError as error:
            form.add_error("code", str(error.message))
        else:
            del request.session[SETUP_KEY]
            otp_login(request, device)
            request.session.cycle_key()
            return render(request, "accounts/recovery_codes.html", {"codes": codes, "next": next_url})
    context = {
        "form": form,
        "next": next_url,
        "qr_code": two_factor.qr_code_svg(two_factor.setup_url(user, key)),
        "key_text": two_factor.key_as_text(key),
        "replacing": two_factor.totp_device(user) is not None,
    }
    return render(request, "accounts/two_factor_setup.html", context)


@login_required
def two_factor_verify(request):
    """The login's second step: a code from the authenticator app or a recovery code."""
    user = request.user
    next_url = _next_url(request)
    if user.is_verified():
        return HttpResponseRedirect(next_url)
    if two_factor.totp_device(user) is None:
        return HttpResponseRedirect(two_factor.second_step_url(user, next_url))
    form = TwoFactorVerifyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = services.two_factor_verify(user=user, code=form.cleaned_data["code"])
        except ApplicationError as error:
            form.add_error("code", str(error.message))
        else:
            otp_login(request, device)
            request.session.cycle_key()
            return HttpResponseRedirect(next_url)
    return render(request, "accounts/two_factor_verify.html", {"form": form, "next": next_url})


def _manage_page(request, disable_form, status: int = 200):
    user = request.user
    context = {
        "device": two_factor.totp_device(user),
        "recovery": two_factor.recovery_device(user),
        "required": two_factor_required(user),
        "disable_form": disable_form,
    }
    return render(request, "accounts/two_factor.html", context, status=status)


@login_required
def two_factor_manage(request):
    """The account's second factor: whether it is on, new recovery codes, turning it off where
    the user's roles allow."""
    return _manage_page(request, TwoFactorDisableForm())


@login_required
@require_POST
def two_factor_recovery_codes(request):
    """New recovery codes, shown this once; the old ones stop working."""
    try:
        codes = services.two_factor_recovery_codes_regenerate(user=request.user)
    except NotFoundError:
        raise Http404 from None
    return render(request, "accounts/recovery_codes.html", {"codes": codes, "next": reverse("two-factor")})


@login_required
@require_POST
def two_factor_disable(request):
    """Turn the second factor off, after a code from the app, where no role requires it."""
    form = TwoFactorDisableForm(request.POST)
    if two_factor.totp_device(request.user) is None:
        raise Http404
    if form.is_valid():
        try:
            services.two_factor_disable(user=request.user, code=form.cleaned_data["code"])
        except ApplicationError as error:
            # A refusal of the code is said next to it; "your roles require it", above the form.
            form.add_error(None if error.code == "required" else "code", str(error.message))
        else:
            messages.success(request, _("Two-step verification is off."))
            return redirect("two-factor")
    return _manage_page(request, form, status=400)


@login_required
def api_tokens(request):
    """The user's API tokens: the list, and a form to make one. A token made is followed by a
    redirect (post/redirect/get), and its text is shown once on the page after it."""
    user = request.user
    form = ApiTokenForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                _token, text = services.api_token_create(
                    user=user,
                    name=form.cleaned_data["name"],
                    lifetime=timedelta(days=form.cleaned_data["lifetime_days"]),
                    from_session=True,
                    second_factor_passed=user.is_verified(),
                )
            except ApplicationError as error:
                form.add_error(None, str(error.message))
            else:
                request.session[NEW_TOKEN_KEY] = text
                return redirect("api-tokens")
        status = 400
    context = {
        "form": form,
        "tokens": selectors.api_tokens(user=user),
        "new_token": request.session.pop(NEW_TOKEN_KEY, None),
        "can_create": user.is_verified(),
    }
    return render(request, "accounts/api_tokens.html", context, status=status)


@login_required
@require_POST
def api_token_revoke(request, token_key: str):
    try:
        services.api_token_revoke(user=request.user, token_key=token_key)
    except NotFoundError:
        raise Http404 from None
    messages.success(request, _("The token is revoked: it no longer works."))
    return redirect("api-tokens")


@login_required
def members(request):
    """For organisation admins: their organisations' members and whether each has set up
    two-step verification, with the reset for a member who lost their phone."""
    return render(request, "accounts/members.html", {"memberships": selectors.managed_memberships(user=request.user)})


@login_required
@require_POST
def member_two_factor_reset(request, membership_id: int):
    membership = Membership.objects.filter(pk=membership_id).select_related("user", "organisation").first()
    if membership is None:
        raise Http404
    try:
        services.two_factor_reset(actor=request.user, membership=membership)
    except NotFoundError:
        raise Http404 from None
    except ApplicationError as error:
        messages.error(request, str(error.message))
        return redirect("members")
    messages.success(
        request,
        _("The two-step verification of %(name)s is reset: they set it up again at their next login.")
        % {"name": membership.user},
    )
    return redirect("members")
