"""Reads of the organisations app: each takes ``user=`` and returns a restricted queryset."""

from django.db.models import Prefetch, QuerySet

from organisations.models import (
    AuditEntry,
    Location,
    Membership,
    MembershipInvitation,
    Organisation,
    Partnership,
    Service,
    User,
)
from organisations.permissions import Action


def organisation_list(*, user, action: str = Action.VIEW) -> QuerySet[Organisation]:
    return Organisation.objects.restrict(user, action)


def directory_services(
    *,
    user,
    need_category: str | None = None,
    language: str | None = None,
    organisation_kind: str | None = None,
    include_inactive: bool = False,
) -> QuerySet[Service]:
    """Directory services ``user`` may see, searchable by need category, language and kind of
    organisation, with what a listing shows prefetched."""
    services = Service.objects.restrict(user, Action.VIEW)
    if not include_inactive:
        services = services.filter(is_active=True, organisation__is_active=True)
    if need_category:
        services = services.filter(need_category_links__category=need_category)
    if language:
        services = services.filter(language_links__language=language)
    if organisation_kind:
        services = services.filter(organisation__kind=organisation_kind)
    return services.select_related("organisation").prefetch_related(
        "need_category_links", "language_links", "locations"
    )


def location_list(*, user, action: str = Action.VIEW) -> QuerySet[Location]:
    return Location.objects.restrict(user, action).select_related("organisation")


def membership_list(*, user, action: str = Action.VIEW) -> QuerySet[Membership]:
    return Membership.objects.restrict(user, action).select_related("user", "organisation")


def user_memberships(*, user) -> QuerySet[Membership]:
    """The user's own active memberships, in active organisations."""
    return Membership.objects.filter(user=user, is_active=True, organisation__is_active=True).select_related(
        "organisation"
    )


def partnership_list(*, user, action: str = Action.VIEW) -> QuerySet[Partnership]:
    """Partnerships ``user`` may see (both sides' members), whatever their status: only
    ``.active()`` ones give access."""
    return Partnership.objects.restrict(user, action).select_related(
        "organisation", "partner", "proposed_by", "ended_by"
    )


def invitation_list(*, user) -> QuerySet[MembershipInvitation]:
    """Invitations of the organisations whose members ``user`` manages."""
    return MembershipInvitation.objects.restrict(user, Action.VIEW).select_related("organisation", "invited_by")


def invitation_for_token(*, token: str) -> MembershipInvitation | None:
    """The invitation a link's secret opens, if any (looked up by the secret's hash only)."""
    return (
        MembershipInvitation.objects.select_related("organisation")
        .filter(token_hash=MembershipInvitation.hash_token(token))
        .first()
    )


def audit_entry_list(*, user) -> QuerySet[AuditEntry]:
    return AuditEntry.objects.restrict(user, Action.VIEW).select_related("actor", "organisation")


def hsds_organisations(*, user) -> QuerySet[Organisation]:
    """Active organisations with their active services and locations, for the HSDS export."""
    active_services = Service.objects.filter(is_active=True).prefetch_related(
        "need_category_links", "language_links", "locations"
    )
    return (
        Organisation.objects.restrict(user, Action.VIEW)
        .filter(is_active=True)
        .prefetch_related(Prefetch("services", queryset=active_services), "locations")
    )


def account_exists(*, email: str) -> bool:
    """Whether an account has this address. Only the page an invitation's link opens asks,
    and only its holder, who owns the address, sees the answer; nothing an admin or anyone
    else reads depends on it."""
    return User.objects.filter(email=email.lower()).exists()
