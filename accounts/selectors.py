"""Reads of the accounts app."""

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import ApiToken
from organisations.models import Membership, User
from organisations.permissions import Action


def api_tokens(*, user: User) -> QuerySet[ApiToken]:
    """The user's own tokens still in force, newest first (their text is never stored, only its
    first characters)."""
    in_force = Q(expiry__isnull=True) | Q(expiry__gt=timezone.now())
    return ApiToken.objects.filter(in_force, user=user).order_by("-created")


def managed_memberships(*, user: User) -> QuerySet[Membership]:
    """The active memberships ``user`` manages (organisation admins), each marked with whether
    the member has a second factor (``has_second_factor``)."""
    return (
        Membership.objects.restrict(user, Action.CHANGE)
        .filter(is_active=True)
        .select_related("user", "organisation")
        .annotate(has_second_factor=Exists(TOTPDevice.objects.filter(user=OuterRef("user"), confirmed=True)))
        .order_by("organisation__name", "user__full_name", "role")
    )
