"""Writes of the organisations app. Each service is keyword-only, runs in one transaction,
checks the access policy, writes, records the audit entry and publishes its events after commit.

``actor=None`` means the system itself (the demo seed, the worker, the Django admin's own
actions): it bypasses the access policy, never a user's request.
"""

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from notifications.events import (
    CLOSE_ACCESS_CHANGED,
    close_user_sockets_on_commit,
    publish_access_changed_on_commit,
    publish_on_commit,
)
from notifications.jobs import periodic_job
from organisations import permissions
from organisations.audit import audit_record
from organisations.errors import ApplicationError, ConflictError, NotFoundError
from organisations.models import (
    Location,
    Membership,
    Organisation,
    Partnership,
    Service,
    ServiceLanguage,
    ServiceNeedCategory,
    User,
)
from organisations.notifications import notify_membership_changed
from organisations.permissions import Action

MEMBERSHIP_STREAM = "organisations.membership"


def _require(actor, action: str, obj) -> None:
    if actor is not None:
        permissions.require(actor, action, obj)


# --- Users ------------------------------------------------------------------------------------


@transaction.atomic
def user_update_profile(*, user: User, full_name: str | None = None, preferred_language: str | None = None) -> User:
    """A user changes their own name or interface language."""
    changed = []
    if full_name is not None and full_name != user.full_name:
        user.full_name = full_name
        changed.append("full_name")
    if preferred_language is not None and preferred_language != user.preferred_language:
        user.preferred_language = preferred_language
        changed.append("preferred_language")
    if changed:
        user.full_clean(exclude=["password"])
        user.save(update_fields=changed)
        audit_record(
            actor=user, organisation=None, action="organisations.user.updated", obj=user, details={"fields": changed}
        )
    return user


# --- Organisations ------------------------------------------------------------------------------


@transaction.atomic
def organisation_create(*, actor: User | None, name: str, slug: str, kind: str, **fields) -> Organisation:
    """Create an organisation and its role groups. Only the platform (admin site, seed) does this."""
    organisation = Organisation(name=name, slug=slug, kind=kind, **fields)
    organisation.full_clean()
    organisation.save()
    permissions.role_groups_sync(organisation)
    audit_record(actor=actor, organisation=organisation, action="organisations.organisation.created", obj=organisation)
    return organisation


def _update_fields(*, actor: User | None, obj, fields: dict, action: str, also_changed: tuple[str, ...] = ()) -> None:
    """The shared shape of an update: check the change right, assign, validate, save, check again
    (the row must stay within reach) and audit the names of the changed fields."""
    _require(actor, Action.CHANGE, obj)
    for name, value in fields.items():
        setattr(obj, name, value)
    obj.full_clean()
    obj.save()
    _require(actor, Action.CHANGE, obj)
    organisation = obj if isinstance(obj, Organisation) else obj.organisation
    audit_record(
        actor=actor,
        organisation=organisation,
        action=action,
        obj=obj,
        details={"fields": sorted([*fields, *also_changed])},
    )


@transaction.atomic
def organisation_update(*, actor: User | None, organisation: Organisation, **fields) -> Organisation:
    """Change an organisation's profile (its admins)."""
    _update_fields(actor=actor, obj=organisation, fields=fields, action="organisations.organisation.updated")
    return organisation


# --- Memberships --------------------------------------------------------------------------------


def _publish_membership(membership: Membership) -> None:
    from organisations.api.serializers import MembershipSerializer

    # The member is the stream's only reader: labels in their language, like the snapshot.
    with translation.override(membership.user.preferred_language):
        data = MembershipSerializer(membership).data
    publish_on_commit(MEMBERSHIP_STREAM, membership.user_id, data)
    publish_access_changed_on_commit([membership.user_id])


@transaction.atomic
def membership_grant(
    *, actor: User | None, organisation: Organisation, user: User, role: str, valid_until: datetime | None = None
) -> Membership:
    """Give ``user`` ``role`` in ``organisation`` (a new membership, or an ended one made active
    again) and put them in the role's group, which is what gives access."""
    if actor is not None and not permissions.has_organisation_permission(actor, "manage_members", organisation):
        raise NotFoundError()
    if valid_until is not None and valid_until <= timezone.now():
        raise ApplicationError(_("The end of a membership must be in the future."), code="invalid_valid_until")
    membership, created = Membership.objects.select_for_update().get_or_create(
        user=user, organisation=organisation, role=role, defaults={"valid_until": valid_until}
    )
    if not created:
        if membership.is_active:
            raise ConflictError(_("This person already has this role in this organisation."), code="already_member")
        membership.is_active = True
        membership.ended_at = None
        membership.valid_until = valid_until
        membership.save(update_fields=["is_active", "ended_at", "valid_until"])
    _require(actor, Action.ADD, membership)
    user.groups.add(permissions.role_group_for(organisation, role))
    audit_record(
        actor=actor,
        organisation=organisation,
        action="organisations.membership.granted",
        obj=membership,
        details={"user": user.pk, "role": role},
    )
    _publish_membership(membership)
    notify_membership_changed(membership=membership, actor=actor)
    return membership


@transaction.atomic
def membership_invite(
    *,
    actor: User | None,
    organisation: Organisation,
    email: str,
    full_name: str,
    role: str,
    valid_until: datetime | None = None,
) -> Membership:
    """Grant ``role`` to the person with this email, creating their account if they have none
    (they then set a password through "forgot your password")."""
    if actor is not None and not permissions.has_organisation_permission(actor, "manage_members", organisation):
        raise NotFoundError()
    user = User.objects.filter(email=email.lower()).first()
    if user is None:
        user = User.objects.create_user(email, password=None, full_name=full_name)
        audit_record(actor=actor, organisation=organisation, action="organisations.user.created", obj=user)
    return membership_grant(actor=actor, organisation=organisation, user=user, role=role, valid_until=valid_until)


@transaction.atomic
def membership_update(*, actor: User | None, membership: Membership, valid_until: datetime | None) -> Membership:
    """Change when an active membership ends by itself."""
    _require(actor, Action.CHANGE, membership)
    if valid_until is not None and valid_until <= timezone.now():
        raise ApplicationError(_("The end of a membership must be in the future."), code="invalid_valid_until")
    membership.valid_until = valid_until
    membership.save(update_fields=["valid_until"])
    audit_record(
        actor=actor,
        organisation=membership.organisation,
        action="organisations.membership.updated",
        obj=membership,
        details={"fields": ["valid_until"]},
    )
    _publish_membership(membership)
    return membership


@transaction.atomic
def membership_end(*, actor: User | None, membership: Membership, reason: str = "ended") -> Membership:
    """End a membership: the user leaves the role's group, so every access it gave ends with this
    transaction; open websocket subscriptions that depended on it are dropped, then the user's
    sockets close (``CLOSE_ACCESS_CHANGED``): pages reconnect with what access remains."""
    _require(actor, Action.CHANGE, membership)
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if not membership.is_active:
        raise ConflictError(_("This membership has already ended."), code="already_ended")
    membership.is_active = False
    membership.ended_at = timezone.now()
    membership.save(update_fields=["is_active", "ended_at"])
    membership.user.groups.remove(permissions.role_group_for(membership.organisation, membership.role))
    audit_record(
        actor=actor,
        organisation=membership.organisation,
        action="organisations.membership.ended",
        obj=membership,
        details={"user": membership.user_id, "role": membership.role, "reason": reason},
    )
    _publish_membership(membership)
    close_user_sockets_on_commit([membership.user_id], code=CLOSE_ACCESS_CHANGED)
    notify_membership_changed(membership=membership, actor=actor)
    return membership


@periodic_job("organisations.membership_expire", every=timedelta(minutes=1))
def membership_expire_due(batch_size: int = 100) -> int:
    """End the memberships whose ``valid_until`` has passed. Rows are claimed with
    SKIP LOCKED, so two workers never end the same membership twice."""
    ended = 0
    while True:
        with transaction.atomic():
            due = list(
                Membership.objects.select_for_update(skip_locked=True)
                .filter(is_active=True, valid_until__lte=timezone.now())
                .order_by("pk")[:batch_size]
            )
            for membership in due:
                membership_end(actor=None, membership=membership, reason="expired")
        ended += len(due)
        if len(due) < batch_size:
            return ended


# --- Partnerships -------------------------------------------------------------------------------


@transaction.atomic
def partnership_create(
    *, actor: User | None, organisation: Organisation, partner: Organisation, scope: str, note: str = ""
) -> Partnership:
    """Record that ``organisation`` works with ``partner`` for ``scope`` (or renew an ended one)."""
    if actor is not None and not permissions.has_organisation_permission(actor, "manage_partnerships", organisation):
        raise NotFoundError()
    if organisation == partner:
        raise ApplicationError(_("An organisation cannot be its own partner."), code="self_partnership")
    partnership, created = Partnership.objects.select_for_update().get_or_create(
        organisation=organisation, partner=partner, scope=scope, defaults={"note": note}
    )
    if not created:
        if partnership.is_active:
            raise ConflictError(_("This partnership already exists."), code="already_partners")
        partnership.is_active = True
        partnership.ended_at = None
        partnership.note = note
        partnership.save(update_fields=["is_active", "ended_at", "note"])
    _require(actor, Action.ADD, partnership)
    audit_record(
        actor=actor,
        organisation=organisation,
        action="organisations.partnership.created",
        obj=partnership,
        details={"partner": partner.pk, "scope": scope},
    )
    _publish_partnership_access(partnership)
    return partnership


@transaction.atomic
def partnership_end(*, actor: User | None, partnership: Partnership) -> Partnership:
    """End a partnership; what it gave (seeing beds, receiving referrals) stops at commit."""
    _require(actor, Action.CHANGE, partnership)
    partnership = Partnership.objects.select_for_update().get(pk=partnership.pk)
    if not partnership.is_active:
        raise ConflictError(_("This partnership has already ended."), code="already_ended")
    partnership.is_active = False
    partnership.ended_at = timezone.now()
    partnership.save(update_fields=["is_active", "ended_at"])
    audit_record(
        actor=actor,
        organisation=partnership.organisation,
        action="organisations.partnership.ended",
        obj=partnership,
        details={"partner": partnership.partner_id, "scope": partnership.scope},
    )
    _publish_partnership_access(partnership)
    return partnership


def _publish_partnership_access(partnership: Partnership) -> None:
    members = Membership.objects.filter(
        is_active=True, organisation__in=[partnership.organisation_id, partnership.partner_id]
    ).values_list("user_id", flat=True)
    publish_access_changed_on_commit(members)


# --- The service directory -------------------------------------------------------------------


def _set_service_links(service: Service, need_categories: list[str] | None, languages: list[str] | None) -> None:
    if need_categories is not None:
        service.need_category_links.exclude(category__in=need_categories).delete()
        ServiceNeedCategory.objects.bulk_create(
            [ServiceNeedCategory(service=service, category=category) for category in need_categories],
            ignore_conflicts=True,
        )
    if languages is not None:
        service.language_links.exclude(language__in=languages).delete()
        ServiceLanguage.objects.bulk_create(
            [ServiceLanguage(service=service, language=language) for language in languages], ignore_conflicts=True
        )


@transaction.atomic
def service_create(
    *,
    actor: User | None,
    organisation: Organisation,
    name: str,
    need_categories: list[str],
    languages: list[str],
    locations: list[Location] | None = None,
    **fields,
) -> Service:
    """Add a service to an organisation's directory entry (its admins)."""
    if actor is not None and not permissions.has_organisation_permission(actor, "change_organisation", organisation):
        raise NotFoundError()
    service = Service(organisation=organisation, name=name, **fields)
    service.full_clean()
    service.save()
    _set_service_links(service, need_categories, languages)
    _set_service_locations(service, locations)
    _require(actor, Action.ADD, service)
    audit_record(actor=actor, organisation=organisation, action="organisations.service.created", obj=service)
    return service


@transaction.atomic
def service_update(
    *,
    actor: User | None,
    service: Service,
    need_categories: list[str] | None = None,
    languages: list[str] | None = None,
    locations: list[Location] | None = None,
    **fields,
) -> Service:
    """Change a directory service (its organisation's admins)."""
    _require(actor, Action.CHANGE, service)
    _set_service_links(service, need_categories, languages)
    _set_service_locations(service, locations)
    links = {"need_categories": need_categories, "languages": languages, "locations": locations}
    _update_fields(
        actor=actor,
        obj=service,
        fields=fields,
        action="organisations.service.updated",
        also_changed=tuple(name for name, value in links.items() if value is not None),
    )
    return service


def _set_service_locations(service: Service, locations: list[Location] | None) -> None:
    if locations is None:
        return
    if any(location.organisation_id != service.organisation_id for location in locations):
        raise ApplicationError(
            _("A service can only be offered at its own organisation's locations."), code="foreign_location"
        )
    service.locations.set(locations)


@transaction.atomic
def location_create(*, actor: User | None, organisation: Organisation, name: str, **fields) -> Location:
    """Add a location to an organisation's directory entry (its admins)."""
    if actor is not None and not permissions.has_organisation_permission(actor, "change_organisation", organisation):
        raise NotFoundError()
    location = Location(organisation=organisation, name=name, **fields)
    location.full_clean()
    location.save()
    _require(actor, Action.ADD, location)
    audit_record(actor=actor, organisation=organisation, action="organisations.location.created", obj=location)
    return location


@transaction.atomic
def location_update(*, actor: User | None, location: Location, **fields) -> Location:
    """Change a directory location (its organisation's admins)."""
    _update_fields(actor=actor, obj=location, fields=fields, action="organisations.location.updated")
    return location
