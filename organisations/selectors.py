"""Reads of the organisations app: each takes ``user=`` and returns a restricted queryset."""

from datetime import date, datetime, time, timedelta

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from organisations import permissions
from organisations.audit import audit_record, people_text
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


def audit_log(
    *,
    user,
    person: int | None = None,
    actor: int | None = None,
    organisation: int | None = None,
    action: str = "",
    since: date | None = None,
    until: date | None = None,
) -> QuerySet[AuditEntry]:
    """The audit log a privacy officer reads (their organisations' entries), newest first,
    filtered: the entries that name ``person`` (their file, a list or a refusal naming them), by
    ``actor``, for ``organisation``, of ``action``, from ``since`` to ``until`` (days, inclusive,
    in local time)."""
    entries = audit_entry_list(user=user)
    if person:
        entries = entries.filter(people__contains=people_text([person]))
    if actor:
        entries = entries.filter(actor_id=actor)
    if organisation:
        entries = entries.filter(organisation_id=organisation)
    if action:
        entries = entries.filter(action=action)
    if since:
        entries = entries.filter(at__gte=_start_of(since))
    if until:
        entries = entries.filter(at__lt=_start_of(until + timedelta(days=1)))
    return entries.order_by("-at", "-id")


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def audit_log_choices(*, user) -> dict:
    """What the audit log page offers to filter on, from the entries the reader may read: their
    organisations that keep one, the users and the actions found in them (naming nobody the
    reader's log does not already name)."""
    entries = audit_entry_list(user=user).order_by()
    organisations = Organisation.objects.filter(
        pk__in=permissions.organisation_ids_with_permission(user, "view_audit")
    ).order_by("name")
    actors = User.objects.filter(pk__in=entries.values("actor_id")).order_by("full_name", "email")
    return {
        "organisations": [(organisation.pk, organisation.name) for organisation in organisations],
        "actors": [(actor.pk, actor.full_name or actor.email) for actor in actors],
        "actions": sorted(set(entries.values_list("action", flat=True).distinct())),
    }


def audit_log_export(*, user, filters: dict) -> QuerySet[AuditEntry]:
    """The entries of ``audit_log`` for a CSV export; the export is itself audited, once for each
    organisation whose log it reads, with the filters used (ids and days, never names)."""
    organisations = (
        [filters["organisation"]]
        if filters.get("organisation")
        else sorted(permissions.organisation_ids_with_permission(user, "view_audit"))
    )
    details = {name: str(value) for name, value in filters.items() if value}
    for organisation_id in organisations:
        audit_record(
            actor=user,
            organisation=Organisation(pk=organisation_id),
            action="organisations.auditentry.export.read",
            details=details,
        )
    return audit_log(user=user, **filters)


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
