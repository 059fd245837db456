"""The notifications a member gets when their second factor is reset, by an organisation admin
or by the platform's staff: by email at once (they are logged out everywhere), and they cannot be
switched off."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from notifications.kinds import NotificationKind, register_kind
from notifications.models import Delivery
from notifications.services import notify
from organisations.models import Membership, User

TWO_FACTOR_RESET = "two_factor_reset"

register_kind(
    NotificationKind(
        code=TWO_FACTOR_RESET,
        label=gettext_lazy("Two-step verification reset"),
        model=Membership,
        text=lambda p: (
            _(
                "An admin of %(organisation)s reset your two-step verification: you were logged out. "
                "At your next login, set it up again with your authenticator app."
            )
            % {"organisation": p["organisation"]}
        ),
        url=lambda notification: reverse("two-factor"),
        default=Delivery.EMAIL,
        locked=True,
    )
)


def notify_two_factor_reset(*, membership: Membership, actor: User) -> None:
    """Called by ``two_factor_reset`` inside its transaction."""
    notify(
        kind=TWO_FACTOR_RESET,
        subject=membership,
        recipients=[membership.user],
        organisation=membership.organisation,
        actor=actor,
        params={"organisation": membership.organisation.name},
    )


TWO_FACTOR_RESET_BY_STAFF = "two_factor_reset_by_staff"

register_kind(
    NotificationKind(
        code=TWO_FACTOR_RESET_BY_STAFF,
        label=gettext_lazy("Two-step verification reset by the platform's staff"),
        model=User,
        text=lambda p: _(
            "The platform's staff reset your two-step verification: you were logged out. "
            "At your next login, set it up again with your authenticator app."
        ),
        url=lambda notification: reverse("two-factor"),
        default=Delivery.EMAIL,
        locked=True,
    )
)


def notify_two_factor_reset_by_staff(*, user: User, actor: User) -> None:
    """Called by ``two_factor_reset_by_staff`` inside its transaction."""
    notify(kind=TWO_FACTOR_RESET_BY_STAFF, subject=user, recipients=[user], actor=actor, params={})
