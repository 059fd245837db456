"""Writes of the accounts app: second factors, API tokens and what ends a user's sessions,
tokens and sockets. Keyword-only, one transaction each, audited (docs/security.md)."""

import math
from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_otp import verify_token
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import two_factor
from accounts.models import ApiToken, PasswordResetRequest
from accounts.notifications import notify_two_factor_reset, notify_two_factor_reset_by_staff
from accounts.sessions import user_sessions_end
from organisations import permissions
from organisations.audit import audit_record
from organisations.errors import ApplicationError, NotFoundError
from organisations.models import Membership, User
from organisations.permissions import Action
from plumbing.events import CLOSE_SESSION_ENDED, close_session_sockets_on_commit, close_user_sockets_on_commit
from plumbing.jobs import periodic_job


class TwoFactorRequiredError(ApplicationError):
    """The operation needs a session that passed the second factor."""

    status_code = 403
    default_code = "two_factor_required"
    default_message = _("Turn on two-step verification and log in with it first.")


class SessionRequiredError(ApplicationError):
    """The operation is done from a browser session, not with a token (making a token)."""

    status_code = 403
    default_code = "session_required"
    default_message = _(
        "API tokens are made from a browser session that passed two-step verification, not with a token: "
        "log in on the web page and make it on your account's API tokens page."
    )


# --- Second factor -------------------------------------------------------------------------


def _recovery_codes_replace(user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="recovery", confirmed=True)
    codes = two_factor.new_recovery_codes()
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


@transaction.atomic
def two_factor_enable(*, user: User, key: str, code: str) -> tuple[TOTPDevice, list[str]]:
    """Turn on the authenticator app whose key the user was shown, once they typed a code it
    made; replaces any earlier device. Returns the device and new recovery codes (shown once)."""
    step = two_factor.totp_step_matching(key, code)
    if step is None:
        raise ApplicationError(
            _("This code does not match. Check the time on your phone and try again."), code="bad_code"
        )
    TOTPDevice.objects.filter(user=user).delete()
    device = TOTPDevice.objects.create(
        user=user,
        name="authenticator",
        key=key,
        step=two_factor.TOTP_STEP,
        digits=two_factor.TOTP_DIGITS,
        tolerance=two_factor.TOTP_TOLERANCE,
        confirmed=True,
        last_t=step,  # the code just typed cannot be used again
    )
    codes = _recovery_codes_replace(user)
    audit_record(actor=user, organisation=None, action="accounts.two_factor.enabled", obj=user)
    return device, codes


def two_factor_verify(*, user: User, code: str) -> Device:
    """Check a code from the user's authenticator app (six digits) or one of their recovery codes
    (used up by this). Returns the device that accepted it.

    Throttled by django-otp per device: after each wrong code the next one is refused for 1, 2,
    4… seconds. Not one transaction around it all: django-otp's ``verify_token`` runs its own, so
    that a wrong code's throttling is kept when this raises."""
    code = "".join(code.split()).lower()
    device = two_factor.totp_device(user) if code.isdigit() else two_factor.recovery_device(user)
    if device is None:
        raise ApplicationError(_("This code is not valid."), code="bad_code")
    allowed, refusal = device.verify_is_allowed()
    if not allowed:
        seconds = math.ceil((refusal["locked_until"] - timezone.now()).total_seconds())
        message = ngettext(
            "Too many wrong codes. Wait %(seconds)s second and try again.",
            "Too many wrong codes. Wait %(seconds)s seconds and try again.",
            max(seconds, 1),
        )
        raise ApplicationError(message % {"seconds": max(seconds, 1)}, code="throttled")
    if verify_token(user, device.persistent_id, code) is None:
        raise ApplicationError(_("This code is not valid."), code="bad_code")
    if isinstance(device, StaticDevice):
        with transaction.atomic():
            audit_record(actor=user, organisation=None, action="accounts.two_factor.recovery_code_used", obj=user)
    return device


@transaction.atomic
def two_factor_recovery_codes_regenerate(*, user: User) -> list[str]:
    """New recovery codes for a user with a second factor; the old ones stop working."""
    if two_factor.totp_device(user) is None:
        raise NotFoundError()
    codes = _recovery_codes_replace(user)
    audit_record(actor=user, organisation=None, action="accounts.two_factor.recovery_codes_renewed", obj=user)
    return codes


def two_factor_disable(*, user: User, code: str) -> None:
    """Turn off one's own second factor, with a code from it, where one's roles do not require
    it. The code is checked before the transaction, so that a wrong one stays counted."""
    if permissions.two_factor_required(user):
        raise ApplicationError(_("Your roles require two-step verification: it cannot be turned off."), code="required")
    two_factor_verify(user=user, code=code)
    with transaction.atomic():
        _devices_delete(user)
        audit_record(actor=user, organisation=None, action="accounts.two_factor.disabled", obj=user)


def _devices_delete(user: User) -> None:
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()


@transaction.atomic
def two_factor_reset(*, actor: User, membership: Membership) -> None:
    """An organisation admin resets the second factor of a member who lost their phone and codes:
    the devices are deleted, the member's sessions, tokens and sockets end, and the member sets a
    new one up at their next login. Audited and notified to the member.

    The second factor guards the whole account, so an organisation's admin may reset it only for
    a member whose every active role is in that organisation: otherwise the admin of one (perhaps
    newly joined) organisation would lower the guard of the member's work in others. Such a
    member is reset by the platform's staff (``two_factor_reset_by_staff``)."""
    permissions.require(actor, Action.CHANGE, membership)
    if not membership.is_active:
        raise NotFoundError()
    member = membership.user
    elsewhere = Membership.objects.filter(user=member, is_active=True).exclude(organisation=membership.organisation_id)
    if elsewhere.exists():
        raise ApplicationError(
            _(
                "This person also has a role in another organisation, so their two-step verification "
                "cannot be reset from here. Ask the platform's staff to reset it."
            ),
            code="roles_elsewhere",
        )
    _devices_delete(member)
    credentials_end(user=member)
    audit_record(
        actor=actor,
        organisation=membership.organisation,
        action="accounts.two_factor.reset",
        obj=member,
        details={"user": member.pk},
    )
    notify_two_factor_reset(membership=membership, actor=actor)


@transaction.atomic
def two_factor_reset_by_staff(*, actor: User, user: User) -> None:
    """A superuser of the platform (in the Django admin) resets an account's second factor,
    whatever organisations it works for: the same effects as ``two_factor_reset``, audited
    without an organisation. Anyone else gets not found."""
    if not (actor.is_active and actor.is_superuser):
        raise NotFoundError()
    _devices_delete(user)
    credentials_end(user=user)
    audit_record(
        actor=actor, organisation=None, action="accounts.two_factor.reset", obj=user, details={"user": user.pk}
    )
    notify_two_factor_reset_by_staff(user=user, actor=actor)


# --- Sessions, tokens and sockets ----------------------------------------------------------------


def credentials_end(*, user: User) -> None:
    """End every way ``user`` is logged in: sessions, API tokens and open sockets. Called inside
    the caller's transaction (a reset, a password change, a deactivation)."""
    user_sessions_end(user)
    _tokens_and_sockets_end(user)


def _tokens_and_sockets_end(user: User) -> None:
    ApiToken.objects.filter(user=user).delete()
    close_user_sockets_on_commit([user.pk], code=CLOSE_SESSION_ENDED)


@transaction.atomic
def user_password_changed(*, user: User) -> None:
    """The password changed, wherever it was changed (own page, reset link, admin site, shell).
    Django already logs out the other sessions (their hash no longer matches); here the API
    tokens are revoked and every open socket closes."""
    _tokens_and_sockets_end(user)
    audit_record(actor=None, organisation=None, action="accounts.password.changed", obj=user)


@transaction.atomic
def user_deactivated(*, user: User) -> None:
    """The account was deactivated: Django refuses its sessions from now on; its tokens are
    deleted and its open sockets close."""
    _tokens_and_sockets_end(user)


def session_logged_out(*, user: User, session_key: str) -> None:
    """A logout: that session's open sockets close (the user's other sessions stay)."""
    close_session_sockets_on_commit(user.pk, session_key)


# --- API tokens ------------------------------------------------------------------------------------


@transaction.atomic
def api_token_create(
    *, user: User, name: str, lifetime: timedelta, from_session: bool, second_factor_passed: bool
) -> tuple[ApiToken, str]:
    """Make a personal API token; returns it and its text, which is shown this once and never
    stored (only its hash is). Only from a browser session that passed the second factor, so
    that a token carries it: a token cannot make another one."""
    if not from_session:
        raise SessionRequiredError()
    if not second_factor_passed:
        raise TwoFactorRequiredError()
    if lifetime <= timedelta(0) or lifetime > timedelta(days=settings.API_TOKEN_MAX_DAYS):
        raise ApplicationError(
            _("A token lasts from one to %(days)s days.") % {"days": settings.API_TOKEN_MAX_DAYS}, code="bad_lifetime"
        )
    token, text = ApiToken.objects.create(user=user, expiry=lifetime, name=name)
    audit_record(
        actor=user, organisation=None, action="accounts.api_token.created", obj=user, details={"token": token.token_key}
    )
    return token, text


@periodic_job("accounts.api_tokens_expire", every=timedelta(hours=1))
def api_tokens_expire() -> int:
    """Delete the tokens past their expiry (authentication already refuses them)."""
    deleted, _by_model = ApiToken.objects.filter(expiry__lt=timezone.now()).delete()
    return deleted


@transaction.atomic
def api_token_revoke(*, user: User, token_key: str) -> None:
    """Revoke one of one's own tokens, named by its first characters."""
    deleted, _by_model = ApiToken.objects.filter(user=user, token_key=token_key).delete()
    if not deleted:
        raise NotFoundError()
    audit_record(
        actor=user, organisation=None, action="accounts.api_token.revoked", obj=user, details={"token": token_key}
    )


# --- Password reset ------------------------------------------------------------------------

# Serialises the limit's count-then-record on PostgreSQL (SQLite's write transactions already are):
# without it, a burst of simultaneous requests could all count below the limit.
_PASSWORD_RESET_LOCK = 0x70617373  # "pass"


def _email_digest(email: str) -> str:
    return salted_hmac("accounts.password_reset", email.strip().lower()).hexdigest()


@transaction.atomic
def password_reset_allowed(*, email: str, client_address: str | None) -> bool:
    """Record a request for a password-reset email, and say whether one may be sent: at most
    ``PASSWORD_RESET_PER_EMAIL`` requests per typed address and ``PASSWORD_RESET_PER_CLIENT`` per
    client address in ``PASSWORD_RESET_WINDOW_MINUTES``. Every request counts, refused or not, and
    whether or not an account has the address: the page answers the same either way."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_PASSWORD_RESET_LOCK])
    since = timezone.now() - timedelta(minutes=settings.PASSWORD_RESET_WINDOW_MINUTES)
    recent = PasswordResetRequest.objects.filter(at__gte=since)
    digest = _email_digest(email)
    allowed = recent.filter(email_digest=digest).count() < settings.PASSWORD_RESET_PER_EMAIL and (
        client_address is None
        or recent.filter(client_address=client_address).count() < settings.PASSWORD_RESET_PER_CLIENT
    )
    PasswordResetRequest.objects.create(email_digest=digest, client_address=client_address)
    return allowed


@periodic_job("accounts.password_reset_requests_expire", every=timedelta(hours=1))
def password_reset_requests_expire() -> int:
    """Delete the password-reset requests past the limits' window."""
    since = timezone.now() - timedelta(minutes=settings.PASSWORD_RESET_WINDOW_MINUTES)
    deleted, _by_model = PasswordResetRequest.objects.filter(at__lt=since).delete()
    return deleted
