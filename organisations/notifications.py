"""Notifications about one's own memberships: a role granted or ended.

Registered from this side (``notifications`` imports no other app at import time); the member is
the only recipient, and never when they changed their own membership.
"""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from notifications.kinds import NotificationKind, choice_label, register_kind
from notifications.services import notify
from organisations.choices import Role
from organisations.models import Membership, User

MEMBERSHIP_GRANTED = "membership_granted"
MEMBERSHIP_ENDED = "membership_ended"


def _profile_url(notification) -> str:
    return reverse("profile")


register_kind(
    NotificationKind(
        code=MEMBERSHIP_GRANTED,
        label=gettext_lazy("Role granted"),
        model=Membership,
        text=lambda p: (
            _("You now have the role “%(role)s” at %(organisation)s.")
            % {"role": choice_label(Role, p["role"]), "organisation": p["organisation"]}
        ),
        url=_profile_url,
    )
)
register_kind(
    NotificationKind(
        code=MEMBERSHIP_ENDED,
        label=gettext_lazy("Role ended"),
        model=Membership,
        text=lambda p: (
            _("Your role “%(role)s” at %(organisation)s has ended.")
            % {"role": choice_label(Role, p["role"]), "organisation": p["organisation"]}
        ),
        url=_profile_url,
    )
)


def notify_membership_changed(*, membership: Membership, actor: User | None) -> None:
    """Called by ``membership_grant`` and ``membership_end`` inside their transaction."""
    notify(
        kind=MEMBERSHIP_GRANTED if membership.is_active else MEMBERSHIP_ENDED,
        subject=membership,
        recipients=[membership.user],
        organisation=membership.organisation,
        actor=actor,
        params={"role": membership.role, "organisation": membership.organisation.name},
    )
