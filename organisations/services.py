"""Writes of the organisations app. Each service is keyword-only, runs in one transaction,
checks the access policy, writes, records the audit entry and publishes its events after commit.

``actor=None`` means the system itself (the demo seed, the worker, the Django admin's own
actions): it bypasses the access policy, never a user's request.
"""

import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from organisations import permissions, signals
from organisations.audit import audit_record
from organisations.choices import (
    InvitationStatus,
    OrganisationKind,
    PartnershipScope,
    PartnershipStatus,
    Role,
    UILanguage,
)
from organisations.errors import ApplicationError, ConflictError, NotFoundError, TooManyRequestsError
from organisations.models import (
    DataSharingAgreement,
    Location,
    Membership,
    MembershipInvitation,
    Organisation,
    Partnership,
    Service,
    ServiceLanguage,
    ServiceNeedCategory,
    User,
)
from organisations.permissions import Action
from organisations.signals import (
    AGREEMENT_ENDED,
    AGREEMENT_RECORDED,
    PARTNERSHIP_ACCEPTED,
    PARTNERSHIP_DECLINED,
    PARTNERSHIP_ENDED,
    PARTNERSHIP_PROPOSED,
    PARTNERSHIP_WITHDRAWN,
)
from plumbing.events import (
    CLOSE_ACCESS_CHANGED,
    close_user_sockets_on_commit,
    publish_access_changed_on_commit,
    publish_on_commit,
)
from plumbing.jobs import periodic_job

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
    """Create an organisation and its role groups: the platform (admin site, seed), or a hub's
    admin bringing a partner in (``organisation_onboard``, which checks that right)."""
    organisation = Organisation(name=name, slug=slug, kind=kind, **fields)
    organisation.full_clean()
    organisation.save()
    permissions.role_groups_sync(organisation)
    audit_record(actor=actor, organisation=organisation, action="organisations.organisation.created", obj=organisation)
    return organisation


def _update_fields(
    *,
    actor: User | None,
    obj,
    fields: dict,
    action: str,
    also_changed: tuple[str, ...] = (),
    details: dict | None = None,
) -> None:
    """The shared shape of an update: check the change right, assign, validate, save, check again
    (the row must stay within reach) and audit the names of the changed fields (with ``details``)."""
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
        details={"fields": sorted([*fields, *also_changed]), **(details or {})},
    )


@transaction.atomic
def organisation_update(*, actor: User | None, organisation: Organisation, **fields) -> Organisation:
    """Change an organisation's profile (its admins). The name is changed only by the platform's
    staff (``actor=None``, the Django admin): partners, proposals and invitations know an
    organisation by it, so an organisation may not take a name of its own choosing."""
    # Compared with the stored name: the admin site's form has already set the new one on the object.
    stored_name = Organisation.objects.filter(pk=organisation.pk).values_list("name", flat=True).first()
    renamed_from = stored_name if "name" in fields and fields["name"] != stored_name else None
    if actor is not None and renamed_from is not None:
        raise ApplicationError(
            _("The name of an organisation is changed by the platform's staff. Write to them to change it."),
            code="name_read_only",
        )
    _update_fields(
        actor=actor,
        obj=organisation,
        fields=fields,
        action="organisations.organisation.updated",
        details={"previous_name": renamed_from} if renamed_from is not None else None,
    )
    return organisation


# --- Bringing a partner organisation into the network -------------------------------------------

ONBOARDED = "organisations.organisation.onboarded"


@transaction.atomic
def organisation_onboard(
    *,
    actor: User,
    hub: Organisation,
    name: str,
    kind: str,
    first_admin_email: str,
    first_admin_language: str | None = None,
    propose_referrals: bool = False,
    **fields,
) -> Organisation:
    """A hub's admin brings a new partner organisation into the network, in one transaction: the
    organisation and its role groups (``organisation_create``), the invitation of its first admin
    (the usual email, in the invitee's language, with a link that expires), and, if asked, the
    hub's proposal to send it referrals, which the partner's admin accepts on its partnerships
    page. Recorded on both organisations' logs. A name another organisation already reads as is
    refused on the name (``ValidationError``)."""
    if hub.pk not in permissions.onboarding_hub_ids(actor):
        raise NotFoundError()
    if kind == OrganisationKind.HUB:
        raise ApplicationError(
            _("A welcome hub is added by the platform's staff. Choose the partner's kind of work."), code="hub_kind"
        )
    try:
        organisation = organisation_create(actor=actor, name=name, slug=_free_slug(name), kind=kind, **fields)
    except IntegrityError:
        # Another organisation with this name (or this address) was saved since the check.
        raise ConflictError(
            _("Another organisation was added with this name at the same moment. Check the directory."),
            code="name_taken",
        ) from None
    audit_record(actor=actor, organisation=hub, action=ONBOARDED, obj=organisation, details={"kind": kind})
    _invite_first_admin(
        actor=actor, hub=hub, organisation=organisation, email=first_admin_email, language=first_admin_language
    )
    if propose_referrals:
        partnership_propose(
            actor=actor,
            organisation=hub,
            partner=organisation,
            scope=PartnershipScope.REFERRALS,
            proposed_by=hub,
        )
    return organisation


def _free_slug(name: str) -> str:
    """A slug for ``name`` that no organisation has yet (``-2``, ``-3``… after a namesake's)."""
    base = slugify(name)[:70].strip("-") or "organisation"
    slug, number = base, 1
    while Organisation.objects.filter(slug=slug).exists():
        number += 1
        slug = f"{base}-{number}"
    return slug


@transaction.atomic
def organisation_invite_first_admin(
    *, actor: User, organisation: Organisation, email: str, language: str | None = None
) -> MembershipInvitation:
    """The hub that brought ``organisation`` in invites its first admin again, when the first
    invitation expired or was declined: nobody in the organisation can, and the platform's staff
    are not needed. Only while the organisation has no admin and no admin invitation waiting."""
    hub = permissions.first_admin_inviting_hub(actor, organisation)
    if hub is None:
        raise NotFoundError()
    return _invite_first_admin(actor=actor, hub=hub, organisation=organisation, email=email, language=language)


def _invite_first_admin(
    *, actor: User, hub: Organisation, organisation: Organisation, email: str, language: str | None
) -> MembershipInvitation:
    """Invite ``organisation``'s first admin on behalf of ``hub``, which is no member of it: a
    right that ends as soon as the organisation has an admin (then its admins invite) or an admin
    invitation waits (one person at a time is offered the organisation's keys)."""
    # Locked, so that two of the hub's admins sending at once cannot both find no invitation waiting.
    list(Organisation.objects.select_for_update().filter(pk=organisation.pk).values_list("pk", flat=True))
    if Membership.objects.filter(organisation=organisation, role=Role.ADMIN, is_active=True).exists():
        raise ConflictError(
            _("This organisation has an admin now: its admins invite their colleagues."), code="has_admin"
        )
    if MembershipInvitation.objects.pending().filter(organisation=organisation, role=Role.ADMIN).exists():
        raise ConflictError(
            _("An invitation to be this organisation's admin is waiting for an answer."), code="admin_invited"
        )
    invitation = _invitation_send(
        actor=actor,
        organisation=organisation,
        email=email,
        role=Role.ADMIN,
        valid_until=None,
        language=language,
        sent_by=hub,
    )
    audit_record(
        actor=actor,
        organisation=organisation,
        action="organisations.invitation.created",
        obj=invitation,
        details={"role": Role.ADMIN, "by_organisation": hub.pk},
    )
    audit_record(
        actor=actor,
        organisation=hub,
        action="organisations.organisation.first_admin_invited",
        obj=organisation,
        details={"invitation": invitation.pk},
    )
    return invitation


# --- Memberships --------------------------------------------------------------------------------


def _publish_membership(membership: Membership) -> None:
    from organisations.api.serializers import MembershipSerializer

    # The member is the stream's only reader: labels in their language, like the snapshot.
    with translation.override(membership.user.preferred_language):
        data = MembershipSerializer(membership).data
    publish_on_commit(MEMBERSHIP_STREAM, membership.user_id, data)
    publish_access_changed_on_commit([membership.user_id])


def _check_valid_until(valid_until: datetime | None) -> None:
    if valid_until is not None and valid_until <= timezone.now():
        raise ApplicationError(_("The end of a membership must be in the future."), code="invalid_valid_until")


@transaction.atomic
def membership_grant(
    *,
    actor: User | None,
    organisation: Organisation,
    user: User,
    role: str,
    valid_until: datetime | None = None,
    invitation: MembershipInvitation | None = None,
) -> Membership:
    """Give ``user`` ``role`` in ``organisation`` (a new membership, or an ended one made active
    again) and put them in the role's group, which is what gives access.

    Nobody is given a role without asking: the caller is the system (``actor=None``: the demo
    seed, the admin site) or the person accepting ``invitation`` (``invitation_accept``), which
    carries the organisation admin's offer."""
    if actor is not None and (invitation is None or actor.pk != user.pk):
        raise NotFoundError()
    _check_valid_until(valid_until)
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
    user.groups.add(permissions.role_group_for(organisation, role))
    details = {"user": user.pk, "role": role}
    if invitation is not None:
        details["invitation"] = invitation.pk
    audit_record(
        actor=actor,
        organisation=organisation,
        action="organisations.membership.granted",
        obj=membership,
        details=details,
    )
    _publish_membership(membership)
    signals.membership_changed.send(sender=Membership, membership=membership, actor=actor)
    return membership


@transaction.atomic
def membership_update(*, actor: User | None, membership: Membership, valid_until: datetime | None) -> Membership:
    """Change when an active membership ends by itself."""
    _require(actor, Action.CHANGE, membership)
    _check_valid_until(valid_until)
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
    if actor is not None and membership.role == Role.ADMIN:
        _check_not_last_admin(membership)
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
    signals.membership_changed.send(sender=Membership, membership=membership, actor=actor)
    return membership


def _check_not_last_admin(membership: Membership) -> None:
    """Refuse to end the last active admin role of an organisation: nobody would be left to
    manage its members. The platform's staff (``actor=None``, the Django admin) may."""
    # Every admin row of the organisation is locked, so that two admins ending each other's
    # role at the same time cannot both pass this check.
    admins = list(
        Membership.objects.select_for_update()
        .filter(organisation=membership.organisation_id, role=Role.ADMIN, is_active=True)
        .values_list("pk", flat=True)
    )
    if not [pk for pk in admins if pk != membership.pk]:
        raise ApplicationError(
            _(
                "This is the organisation's last admin role: give the role to someone else first, "
                "or ask the platform's staff."
            ),
            code="last_admin",
        )


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


# --- Invitations ------------------------------------------------------------------------------


def _interface_language(language: str | None) -> str:
    """``language`` if it is one of the interface's, else the active one, else the default."""
    for candidate in (language, translation.get_language()):
        if candidate in UILanguage.values:
            return candidate
    return settings.LANGUAGE_CODE


@transaction.atomic
def invitation_create(
    *,
    actor: User | None,
    organisation: Organisation,
    email: str,
    role: str,
    valid_until: datetime | None = None,
    language: str | None = None,
) -> MembershipInvitation:
    """Offer ``role`` in ``organisation`` to whoever owns ``email``: an email with a link that
    expires after ``settings.INVITATION_VALID_DAYS`` days. Nothing is granted until they accept.

    The answer, the stored row and the audit entry are the same whether or not the address has
    an account: only the email differs, in its language (the account's preferred one, else
    ``language``, else the active one), which only the owner of the address reads."""
    if actor is not None and not permissions.has_organisation_permission(actor, "manage_members", organisation):
        raise NotFoundError()
    invitation = _invitation_send(
        actor=actor, organisation=organisation, email=email, role=role, valid_until=valid_until, language=language
    )
    _require(actor, Action.ADD, invitation)
    audit_record(
        actor=actor,
        organisation=organisation,
        action="organisations.invitation.created",
        obj=invitation,
        details={"role": role},
    )
    return invitation


def _invitation_send(
    *,
    actor: User | None,
    organisation: Organisation,
    email: str,
    role: str,
    valid_until: datetime | None,
    language: str | None,
    sent_by: Organisation | None = None,
) -> MembershipInvitation:
    """The checks, the row and the email of an invitation, for a caller that has checked who may
    send it (``invitation_create``: the organisation's admins; ``organisation_invite_first_admin``:
    the hub that brought the organisation in, ``sent_by``, which the email names) and that
    records the audit entry."""
    _check_valid_until(valid_until)
    email = email.strip().lower()
    # Both are visible to the admin anyway (the members and invitations of their organisation):
    # refusing them says nothing about accounts.
    if Membership.objects.filter(organisation=organisation, role=role, is_active=True, user__email=email).exists():
        raise ConflictError(_("This person already has this role in this organisation."), code="already_member")
    # One invitation waiting per address and organisation, whatever the role: several would be
    # several emails, and the person could pick the role they like best.
    if MembershipInvitation.objects.pending().filter(organisation=organisation, email=email).exists():
        raise ConflictError(
            _(
                "An invitation to this address is already waiting for an answer. "
                "To offer another role, revoke it first."
            ),
            code="already_invited",
        )
    _check_invitation_rate(organisation)
    account = User.objects.filter(email=email).first()
    language = _interface_language(account.preferred_language if account is not None else language)
    token = secrets.token_urlsafe(32)
    invitation = MembershipInvitation.objects.create(
        organisation=organisation,
        email=email,
        role=role,
        membership_valid_until=valid_until,
        language=language,
        invited_by=actor,
        token_hash=MembershipInvitation.hash_token(token),
        expires_at=timezone.now() + timedelta(days=settings.INVITATION_VALID_DAYS),
    )
    # The link is the only copy of the secret: it goes to the email and nowhere else.
    signals.invitation_created.send(
        sender=MembershipInvitation,
        invitation=invitation,
        link=reverse("organisations:invitation", args=[token]),
        sent_by=sent_by,
    )
    return invitation


def _check_invitation_rate(organisation: Organisation) -> None:
    """At most ``settings.INVITATIONS_PER_HOUR`` invitations per organisation in any hour, so
    that an admin cannot flood addresses with emails in the platform's name."""
    # The organisation's row is locked so that concurrent invitations are counted one after the other.
    list(Organisation.objects.select_for_update().filter(pk=organisation.pk).values_list("pk", flat=True))
    window = timedelta(hours=1)
    recent = list(
        MembershipInvitation.objects.filter(organisation=organisation, created_at__gt=timezone.now() - window)
        .order_by("-created_at")
        .values_list("created_at", flat=True)[: settings.INVITATIONS_PER_HOUR]
    )
    if len(recent) >= settings.INVITATIONS_PER_HOUR:
        # One more may be sent once the oldest of the last allowed ones leaves the window.
        retry_after = (recent[-1] + window - timezone.now()).total_seconds()
        minutes = max(1, round(retry_after / 60))
        raise TooManyRequestsError(
            ngettext(
                "Your organisation sent too many invitations in the last hour. Try again in %(minutes)s minute.",
                "Your organisation sent too many invitations in the last hour. Try again in %(minutes)s minutes.",
                minutes,
            )
            % {"minutes": minutes},
            retry_after=retry_after,
            code="too_many_invitations",
        )


def _lock_open_invitation(invitation: MembershipInvitation) -> MembershipInvitation:
    """The invitation, locked; a conflict saying why when it can no longer be answered."""
    invitation = MembershipInvitation.objects.select_for_update().select_related("organisation").get(pk=invitation.pk)
    status = invitation.status
    if status in (InvitationStatus.ACCEPTED, InvitationStatus.DECLINED):
        raise ConflictError(_("This invitation has already been answered."), code="invitation_answered")
    if status == InvitationStatus.REVOKED:
        raise ConflictError(_("This invitation was withdrawn by the organisation."), code="invitation_revoked")
    if status == InvitationStatus.EXPIRED:
        raise ConflictError(
            _("This invitation has expired. Ask the organisation for a new one."), code="invitation_expired"
        )
    return invitation


def _is_invited(user: User | None, invitation: MembershipInvitation) -> bool:
    return user is not None and user.is_authenticated and user.email.lower() == invitation.email


@transaction.atomic
def invitation_accept(*, invitation: MembershipInvitation, user: User) -> Membership:
    """The invited person, logged in as the account of the invitation's address, accepts: the
    role is granted through ``membership_grant``. Any other account gets not found."""
    if not _is_invited(user, invitation):
        raise NotFoundError()
    invitation = _lock_open_invitation(invitation)
    membership = membership_grant(
        actor=user,
        organisation=invitation.organisation,
        user=user,
        role=invitation.role,
        valid_until=invitation.membership_valid_until,
        invitation=invitation,
    )
    invitation.accepted_at = timezone.now()
    invitation.membership = membership
    invitation.save(update_fields=["accepted_at", "membership"])
    audit_record(
        actor=user,
        organisation=invitation.organisation,
        action="organisations.invitation.accepted",
        obj=invitation,
        details={"membership": membership.pk},
    )
    return membership


@transaction.atomic
def invitation_accept_with_new_account(
    *, invitation: MembershipInvitation, full_name: str, password: str, language: str | None = None
) -> User:
    """Someone with no account accepts from the link: their account is created for the
    invitation's address, then the invitation is accepted. The account speaks ``language``, the
    one the person read the invitation page in, when it is one of the interface's (the admin
    chose the email's language without knowing theirs); else the invitation's. The name must be
    valid and the password pass the configured validators: otherwise one ``ValidationError`` by
    field (``full_name``, ``password``) says everything wrong at once."""
    invitation = _lock_open_invitation(invitation)
    if User.objects.filter(email=invitation.email).exists():
        raise ConflictError(_("An account with this address exists: log in to answer."), code="account_exists")
    preferred_language = language if language in UILanguage.values else invitation.language
    user = User(email=invitation.email, full_name=full_name.strip(), preferred_language=preferred_language)
    errors = {}
    try:
        user.full_clean(exclude=["password"])
    except ValidationError as error:
        errors.update(error.message_dict)
    try:
        password_validation.validate_password(password, user=user)
    except ValidationError as error:
        errors["password"] = error.messages
    if errors:
        raise ValidationError(errors)
    user.set_password(password)
    user.save()
    audit_record(
        actor=user,
        organisation=invitation.organisation,
        action="organisations.user.created",
        obj=user,
        details={"invitation": invitation.pk},
    )
    invitation_accept(invitation=invitation, user=user)
    return user


@transaction.atomic
def invitation_decline(*, invitation: MembershipInvitation, user: User | None) -> MembershipInvitation:
    """The invited person says no. When the address has an account, only that account (logged
    in) may; otherwise holding the link is enough (``user`` is then None)."""
    if User.objects.filter(email=invitation.email).exists() and not _is_invited(user, invitation):
        raise NotFoundError()
    invitation = _lock_open_invitation(invitation)
    invitation.declined_at = timezone.now()
    invitation.save(update_fields=["declined_at"])
    audit_record(
        actor=user, organisation=invitation.organisation, action="organisations.invitation.declined", obj=invitation
    )
    return invitation


@transaction.atomic
def invitation_revoke(*, actor: User | None, invitation: MembershipInvitation) -> MembershipInvitation:
    """An admin of the organisation withdraws an invitation not yet answered: its link stops
    working at once."""
    _require(actor, Action.CHANGE, invitation)
    invitation = _lock_open_invitation(invitation)
    invitation.revoked_at = timezone.now()
    invitation.revoked_by = actor
    invitation.save(update_fields=["revoked_at", "revoked_by"])
    audit_record(
        actor=actor, organisation=invitation.organisation, action="organisations.invitation.revoked", obj=invitation
    )
    return invitation


# --- Partnerships -------------------------------------------------------------------------------


def _partnership_details(partnership: Partnership) -> dict:
    return {"organisation": partnership.organisation_id, "partner": partnership.partner_id, "scope": partnership.scope}


def _lock_partnership(partnership: Partnership, expected: str) -> Partnership:
    partnership = (
        Partnership.objects.select_for_update()
        .select_related("organisation", "partner", "proposed_by")
        .get(pk=partnership.pk)
    )
    if partnership.status != expected:
        if expected == PartnershipStatus.PROPOSED:
            raise ConflictError(_("This proposal was already answered or withdrawn."), code="not_proposed")
        raise ConflictError(_("This partnership is not active."), code="not_active")
    return partnership


@transaction.atomic
def partnership_propose(
    *,
    actor: User | None,
    organisation: Organisation,
    partner: Organisation,
    scope: str,
    proposed_by: Organisation | None = None,
    note: str = "",
) -> Partnership:
    """Propose that ``organisation`` works with ``partner`` for ``scope``. Nothing is granted
    until an admin or coordinator of the other side accepts (``partnership_accept``).

    Either side may propose (a hub asks to see a provider's beds; a provider offers them):
    ``proposed_by`` is the proposing side, by default ``organisation`` when the actor manages its
    partnerships, else ``partner``."""
    sides = (organisation, partner)
    if proposed_by is None:
        managed = [side for side in sides if actor is None or _manages_partnerships(actor, side)]
        if not managed:
            raise NotFoundError()
        proposed_by = managed[0]
    elif proposed_by not in sides:
        raise ApplicationError(_("The proposing organisation must be one of the two."), code="foreign_proposer")
    elif actor is not None and not _manages_partnerships(actor, proposed_by):
        raise NotFoundError()
    if organisation == partner:
        raise ApplicationError(_("An organisation cannot be its own partner."), code="self_partnership")
    already = ConflictError(_("This partnership exists or is waiting for an answer."), code="already_partners")
    open_ones = Partnership.objects.filter(
        organisation=organisation,
        partner=partner,
        scope=scope,
        status__in=[PartnershipStatus.PROPOSED, PartnershipStatus.ACTIVE],
    )
    if open_ones.exists():
        raise already
    _check_proposal_cool_down(organisation=organisation, partner=partner, scope=scope, proposed_by=proposed_by)
    try:
        with transaction.atomic():
            partnership = Partnership.objects.create(
                organisation=organisation,
                partner=partner,
                scope=scope,
                note=note,
                proposed_by=proposed_by,
                proposed_by_user=actor,
            )
    except IntegrityError:
        raise already from None  # a concurrent proposal for the same pair and scope won
    _require(actor, Action.ADD, partnership)
    audit_record(
        actor=actor,
        organisation=proposed_by,
        action="organisations.partnership.proposed",
        obj=partnership,
        details=_partnership_details(partnership),
    )
    signals.partnership_changed.send(
        sender=Partnership, partnership=partnership, kind=PARTNERSHIP_PROPOSED, actor=actor, side=proposed_by
    )
    return partnership


def _check_proposal_cool_down(
    *, organisation: Organisation, partner: Organisation, scope: str, proposed_by: Organisation
) -> None:
    """After its proposal was withdrawn or declined, an organisation waits
    ``settings.PARTNERSHIP_PROPOSAL_COOL_DOWN_HOURS`` before proposing the same partnership
    again: each proposal and withdrawal notifies and emails the other side's managers, and a
    declined proposal asked again at once is pressure, not a question."""
    since = timezone.now() - timedelta(hours=settings.PARTNERSHIP_PROPOSAL_COOL_DOWN_HOURS)
    last = (
        Partnership.objects.filter(organisation=organisation, partner=partner, scope=scope, proposed_by=proposed_by)
        .filter(
            Q(status=PartnershipStatus.WITHDRAWN, ended_at__gt=since)
            | Q(status=PartnershipStatus.DECLINED, answered_at__gt=since)
        )
        .annotate(closed=Coalesce("ended_at", "answered_at"))
        .order_by("-closed")
        .values_list("closed", flat=True)
        .first()
    )
    if last is not None:
        again = timezone.localtime(last + timedelta(hours=settings.PARTNERSHIP_PROPOSAL_COOL_DOWN_HOURS))
        raise ApplicationError(
            _(
                "This proposal was withdrawn or declined a short while ago. "
                "You can propose this partnership again from %(moment)s."
            )
            % {"moment": formats.date_format(again, "DATETIME_FORMAT")},
            code="cool_down",
        )


def _manages_partnerships(actor: User, organisation: Organisation) -> bool:
    return permissions.has_organisation_permission(actor, "manage_partnerships", organisation)


def _answer(*, actor: User | None, partnership: Partnership, status: str, action: str, kind: str) -> Partnership:
    """Accept or decline a proposal: only the side that did not propose may."""
    _require(actor, "answer", partnership)
    partnership = _lock_partnership(partnership, PartnershipStatus.PROPOSED)
    partnership.status = status
    partnership.answered_by_user = actor
    partnership.answered_at = timezone.now()
    partnership.save(update_fields=["status", "answered_by_user", "answered_at"])
    side = partnership.answering_side
    audit_record(
        actor=actor, organisation=side, action=action, obj=partnership, details=_partnership_details(partnership)
    )
    signals.partnership_changed.send(sender=Partnership, partnership=partnership, kind=kind, actor=actor, side=side)
    return partnership


@transaction.atomic
def partnership_accept(*, actor: User | None, partnership: Partnership) -> Partnership:
    """The other side agrees: from the commit, the partnership gives what it allows (referrals,
    the beds board), and open boards check their access again."""
    partnership = _answer(
        actor=actor,
        partnership=partnership,
        status=PartnershipStatus.ACTIVE,
        action="organisations.partnership.accepted",
        kind=PARTNERSHIP_ACCEPTED,
    )
    _publish_partnership_access(partnership)
    return partnership


@transaction.atomic
def partnership_decline(*, actor: User | None, partnership: Partnership) -> Partnership:
    """The other side refuses the proposal; nothing was granted."""
    return _answer(
        actor=actor,
        partnership=partnership,
        status=PartnershipStatus.DECLINED,
        action="organisations.partnership.declined",
        kind=PARTNERSHIP_DECLINED,
    )


def _close(
    *, actor: User | None, partnership: Partnership, side: Organisation | None, status: str, action: str, kind: str
) -> Partnership:
    partnership.status = status
    partnership.ended_by = side
    partnership.ended_by_user = actor
    partnership.ended_at = timezone.now()
    partnership.save(update_fields=["status", "ended_by", "ended_by_user", "ended_at"])
    audit_record(
        actor=actor,
        organisation=side or partnership.organisation,
        action=action,
        obj=partnership,
        details=_partnership_details(partnership),
    )
    signals.partnership_changed.send(sender=Partnership, partnership=partnership, kind=kind, actor=actor, side=side)
    return partnership


@transaction.atomic
def partnership_withdraw(*, actor: User | None, partnership: Partnership) -> Partnership:
    """The proposing side takes back a proposal not yet answered."""
    _require(actor, "withdraw", partnership)
    partnership = _lock_partnership(partnership, PartnershipStatus.PROPOSED)
    return _close(
        actor=actor,
        partnership=partnership,
        side=partnership.proposed_by,
        status=PartnershipStatus.WITHDRAWN,
        action="organisations.partnership.withdrawn",
        kind=PARTNERSHIP_WITHDRAWN,
    )


@transaction.atomic
def partnership_end(*, actor: User | None, partnership: Partnership) -> Partnership:
    """Either side ends an active partnership; what it gave (seeing beds, receiving referrals)
    stops at commit, and open boards that depended on it are dropped."""
    _require(actor, Action.CHANGE, partnership)
    partnership = _lock_partnership(partnership, PartnershipStatus.ACTIVE)
    side = None
    if actor is not None:
        side = next(s for s in (partnership.organisation, partnership.partner) if _manages_partnerships(actor, s))
    partnership = _close(
        actor=actor,
        partnership=partnership,
        side=side,
        status=PartnershipStatus.ENDED,
        action="organisations.partnership.ended",
        kind=PARTNERSHIP_ENDED,
    )
    _publish_partnership_access(partnership)
    return partnership


def _publish_partnership_access(partnership: Partnership) -> None:
    members = Membership.objects.filter(
        is_active=True, organisation__in=[partnership.organisation_id, partnership.partner_id]
    ).values_list("user_id", flat=True)
    publish_access_changed_on_commit(members)


# --- Data-sharing agreements ------------------------------------------------------------------------


def _agreement_details(agreement: DataSharingAgreement) -> dict:
    return {
        "partnership": agreement.partnership_id,
        "reference": agreement.reference,
        "purposes": agreement.purposes,
        "data_groups": agreement.data_groups,
        "valid_from": agreement.valid_from.isoformat(),
        "valid_until": agreement.valid_until.isoformat(),
    }


def _sorted_codes(codes):
    """A list of codes once each, in order; anything else as it came, for the model's validator
    to refuse on its field."""
    if isinstance(codes, list | tuple | set) and all(isinstance(code, str) for code in codes):
        return sorted(set(codes))
    return codes


def _acting_side(actor: User | None, partnership: Partnership) -> Organisation:
    """The side ``actor`` acts for: the first of the two whose partnerships they manage (the
    platform itself, ``actor=None``, acts for the first side)."""
    sides = (partnership.organisation, partnership.partner)
    if actor is None:
        return sides[0]
    return next(side for side in sides if _manages_partnerships(actor, side))


@transaction.atomic
def agreement_record(
    *,
    actor: User | None,
    partnership: Partnership,
    reference: str,
    purposes: list[str],
    data_groups: list[str],
    valid_from,
    valid_until,
    document,
) -> DataSharingAgreement:
    """Record the signed data-sharing agreement ``partnership`` rests on, with its PDF
    (``document``, an uploaded file). Either side's partnership managers may, on a partnership
    proposed or active; the other side's managers are told.

    Invalid input (reversed dates, a file that is not a PDF or is too large, unknown codes) is a
    ``ValidationError`` whose messages name their fields; nothing is written then, the file
    included (it is stored on save, after every check)."""
    _require(actor, Action.CHANGE, partnership)
    partnership = (
        Partnership.objects.select_for_update().select_related("organisation", "partner").get(pk=partnership.pk)
    )
    if partnership.status not in (PartnershipStatus.PROPOSED, PartnershipStatus.ACTIVE):
        raise ConflictError(_("This partnership is closed: propose a new one first."), code="not_active")
    side = _acting_side(actor, partnership)
    agreement = DataSharingAgreement(
        partnership=partnership,
        reference=reference.strip(),
        purposes=_sorted_codes(purposes),
        data_groups=_sorted_codes(data_groups),
        valid_from=valid_from,
        valid_until=valid_until,
        document=document,
        recorded_for=side,
        recorded_by=actor,
    )
    agreement.full_clean()
    agreement.save()
    try:
        _require(actor, Action.CHANGE, agreement)
        audit_record(
            actor=actor,
            organisation=side,
            action="organisations.agreement.recorded",
            obj=agreement,
            details=_agreement_details(agreement),
        )
        signals.agreement_changed.send(
            sender=DataSharingAgreement, agreement=agreement, kind=AGREEMENT_RECORDED, actor=actor, side=side
        )
    except BaseException:
        # The file was stored by save(); the transaction's rollback cannot take it back.
        agreement.document.storage.delete(agreement.document.name)
        raise
    return agreement


@transaction.atomic
def agreement_end(*, actor: User | None, agreement: DataSharingAgreement) -> DataSharingAgreement:
    """End an agreement before its date (terminated, or recorded by mistake): from the commit it
    covers nothing. Either side's partnership managers may; the other side's are told. The row
    and its document are kept as the record of what was agreed."""
    _require(actor, Action.CHANGE, agreement)
    agreement = (
        DataSharingAgreement.objects.select_for_update()
        .select_related("partnership__organisation", "partnership__partner")
        .get(pk=agreement.pk)
    )
    if agreement.ended_at is not None:
        raise ConflictError(_("This agreement was already ended."), code="already_ended")
    side = _acting_side(actor, agreement.partnership)
    agreement.ended_at = timezone.now()
    agreement.ended_by = actor
    agreement.save(update_fields=["ended_at", "ended_by"])
    audit_record(
        actor=actor,
        organisation=side,
        action="organisations.agreement.ended",
        obj=agreement,
        details=_agreement_details(agreement),
    )
    signals.agreement_changed.send(
        sender=DataSharingAgreement, agreement=agreement, kind=AGREEMENT_ENDED, actor=actor, side=side
    )
    return agreement


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
    name_fr: str,
    need_categories: list[str],
    languages: list[str],
    locations: list[Location] | None = None,
    **fields,
) -> Service:
    """Add a service to an organisation's directory entry (its admins). Its texts are given per
    language (``name_fr``, ``description_es``…, ``organisations/translation.py``); French is
    the reference and the name must be written in it."""
    if actor is not None and not permissions.has_organisation_permission(actor, "change_organisation", organisation):
        raise NotFoundError()
    service = Service(organisation=organisation, name_fr=name_fr, **fields)
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
def location_create(*, actor: User | None, organisation: Organisation, name_fr: str, **fields) -> Location:
    """Add a location to an organisation's directory entry (its admins); its name and description
    are given per language, as a service's texts."""
    if actor is not None and not permissions.has_organisation_permission(actor, "change_organisation", organisation):
        raise NotFoundError()
    location = Location(organisation=organisation, name_fr=name_fr, **fields)
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
