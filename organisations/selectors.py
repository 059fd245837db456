"""Reads of the organisations app: each takes ``user=`` and returns a restricted queryset."""

from datetime import date, datetime, time, timedelta

from django.db.models import Prefetch, Q, QuerySet
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from organisations import permissions
from organisations.audit import audit_read, audit_record, people_text
from organisations.choices import DataGroup, NeedCategory, PartnershipScope, PartnershipStatus, Role
from organisations.errors import ApplicationError, NotFoundError
from organisations.models import (
    AuditEntry,
    DataSharingAgreement,
    Location,
    Membership,
    MembershipInvitation,
    Organisation,
    Partnership,
    Service,
    User,
)
from organisations.permissions import Action, ObjectPermission
from organisations.texts import in_any_language


def organisation_list(*, user, action: str = Action.VIEW) -> QuerySet[Organisation]:
    return Organisation.objects.restrict(user, action)


def organisation_edited(*, user, slug: str) -> Organisation:
    """The organisation ``slug`` whose directory entry ``user`` writes (its admins); 404 for
    any other."""
    organisation = Organisation.objects.restrict(user, Action.CHANGE).filter(slug=slug).first()
    if organisation is None:
        raise NotFoundError()
    return organisation


def service_edited(*, user, pk: int) -> Service:
    """The service ``pk`` that ``user`` may change (its organisation's admins); 404 for any
    other."""
    service = Service.objects.restrict(user, Action.CHANGE).select_related("organisation").filter(pk=pk).first()
    if service is None:
        raise NotFoundError()
    return service


def directory_services(
    *,
    user,
    need_category: str | None = None,
    language: str | None = None,
    organisation_kind: str | None = None,
    text: str | None = None,
    include_inactive: bool = False,
) -> QuerySet[Service]:
    """Directory services ``user`` may see, searchable by need category, language, kind of
    organisation and words (in the service's texts, in any of the three languages, or in the
    organisation's name), with what a listing shows prefetched."""
    services = Service.objects.restrict(user, Action.VIEW)
    if text and text.strip():
        words = text.strip()
        services = services.filter(
            in_any_language("name", "icontains", words)
            | in_any_language("description", "icontains", words)
            | in_any_language("eligibility", "icontains", words)
            | Q(organisation__name__icontains=words)
        )
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


def agreement_list(*, user, action: str = Action.VIEW) -> QuerySet[DataSharingAgreement]:
    """Data-sharing agreements ``user`` may see (``view``: both sides' members) or act on
    (``change``, ``document``: both sides' partnership managers), newest period first."""
    return (
        DataSharingAgreement.objects.restrict(user, action)
        .select_related("partnership__organisation", "partnership__partner", "recorded_for")
        .order_by("-valid_until", "-recorded_at", "-pk")
    )


def agreement_document(*, user, pk: int) -> DataSharingAgreement | None:
    """The agreement whose signed document ``user`` may open (both sides' partnership managers),
    or None; an opening is audited for the side the user manages, so either organisation's
    privacy officer sees who read it."""
    agreement = agreement_list(user=user, action="document").filter(pk=pk).first()
    if agreement is None:
        return None
    partnership = agreement.partnership
    managed = permissions.organisation_ids_with_permission(user, "manage_partnerships")
    side = partnership.organisation if partnership.organisation_id in managed else partnership.partner
    audit_read(actor=user, organisation=side, obj=agreement, what="organisations.agreement.document")
    return agreement


def _labels(choices, codes) -> str:
    return ", ".join(f"“{choices(code).label}”" for code in codes)


def agreement_in_force(
    *,
    organisation: Organisation,
    partner: Organisation,
    scope: str,
    purposes=(),
    data_groups=(),
    on=None,
) -> DataSharingAgreement:
    """The data-sharing agreement that lets ``organisation`` share ``data_groups`` for
    ``purposes`` (need categories) with ``partner`` under their active ``scope`` partnership on
    ``on`` (today); else an ``ApplicationError`` that names the partner and what is missing:
    ``no_agreement`` (none in force: never recorded, lapsed or ended) or ``beyond_agreement``
    (those in force do not cover it).

    The one check of the rule, called by the services that share people's information across
    organisations (a referral created, sent or answered; a hold of another organisation's beds).
    The agreement decides per organisation; the person's consent is checked beside it."""
    on = on or timezone.localdate()
    partnership_agreements = DataSharingAgreement.objects.filter(
        partnership__organisation=organisation,
        partnership__partner=partner,
        partnership__scope=scope,
        partnership__status=PartnershipStatus.ACTIVE,
    )
    in_force = list(partnership_agreements.in_force(on).order_by("-valid_until", "-pk"))
    purposes, data_groups = sorted(set(purposes)), sorted(set(data_groups))
    for agreement in in_force:
        if agreement.covers(purposes=purposes, data_groups=data_groups):
            return agreement
    names = {"partner": partner.name, "organisation": organisation.name}
    if not in_force:
        lapsed = (
            partnership_agreements.filter(ended_at__isnull=True, valid_until__lt=on)
            .order_by("-valid_until")
            .values_list("valid_until", flat=True)
            .first()
        )
        if lapsed is not None:
            message = _(
                "The data-sharing agreement with %(partner)s lapsed on %(date)s: %(organisation)s cannot share "
                "people's information with it until a renewed agreement is recorded on the partnerships page."
            ) % {**names, "date": formats.date_format(lapsed, "DATE_FORMAT")}
        else:
            message = (
                _(
                    "No data-sharing agreement with %(partner)s is in force: %(organisation)s cannot share people's "
                    "information with it until one is recorded on the partnerships page."
                )
                % names
            )
        raise ApplicationError(message, code="no_agreement", extra={"partner": partner.pk})
    covered_purposes = set().union(*(agreement.purposes for agreement in in_force))
    covered_groups = set().union(*(agreement.data_groups for agreement in in_force))
    # Each missing code may be covered by one agreement and not another: then name them all.
    missing_purposes = [code for code in purposes if code not in covered_purposes]
    missing_groups = [code for code in data_groups if code not in covered_groups]
    if not missing_purposes and not missing_groups:
        missing_purposes, missing_groups = purposes, data_groups
    needs, groups = _labels(NeedCategory, missing_purposes), _labels(DataGroup, missing_groups)
    if missing_purposes and missing_groups:
        message = _(
            "No data-sharing agreement in force with %(partner)s covers these needs: %(needs)s, "
            "with this information: %(groups)s."
        ) % {**names, "needs": needs, "groups": groups}
    elif missing_purposes:
        message = _("No data-sharing agreement in force with %(partner)s covers these needs: %(needs)s.") % {
            **names,
            "needs": needs,
        }
    else:
        message = _("No data-sharing agreement in force with %(partner)s covers this information: %(groups)s.") % {
            **names,
            "groups": groups,
        }
    raise ApplicationError(
        message,
        code="beyond_agreement",
        extra={"partner": partner.pk, "purposes": missing_purposes, "data_groups": missing_groups},
    )


def invitation_list(*, user) -> QuerySet[MembershipInvitation]:
    """Invitations of the organisations whose members ``user`` manages."""
    return MembershipInvitation.objects.restrict(user, Action.VIEW).select_related("organisation", "invited_by")


def partnership_proposals_waiting(*, user) -> QuerySet[Partnership]:
    """The proposals that ``user`` answers for their organisation (the side that did not
    propose, its partnership managers), oldest first."""
    return (
        partnership_list(user=user, action="answer")
        .filter(status=PartnershipStatus.PROPOSED)
        .order_by("created_at", "pk")
    )


def agreements_lapsing(*, user, within_days: int = 30) -> QuerySet[DataSharingAgreement]:
    """The agreements in force that ``user`` renews (either side's partnership managers) and
    that lapse within ``within_days`` days, soonest first."""
    today = timezone.localdate()
    return (
        agreement_list(user=user, action=Action.CHANGE)
        .filter(ended_at__isnull=True, valid_from__lte=today, valid_until__gte=today)
        .filter(valid_until__lte=today + timedelta(days=within_days))
        .order_by("valid_until", "pk")
    )


def partnerships_in_force(*, user, organisation: Organisation) -> QuerySet[Partnership]:
    """The active partnerships of ``organisation`` that ``user`` may see (both sides' members:
    its own members see all of them, a partner's members those with their organisation)."""
    return (
        partnership_list(user=user)
        .active()
        .filter(Q(organisation=organisation) | Q(partner=organisation))
        .order_by("scope", "organisation__name", "partner__name")
    )


def first_admin_waiting(*, user, organisation: Organisation) -> dict | None:
    """For the admins of the hub that brought ``organisation`` in, while it has no admin: the
    admin invitation waiting for an answer (``invitation``, or None when the last one expired or
    was declined: then they may send another). None for everyone else, and once it has an admin."""
    if permissions.first_admin_inviting_hub(user, organisation) is None:
        return None
    if Membership.objects.filter(organisation=organisation, role=Role.ADMIN, is_active=True).exists():
        return None
    waiting = MembershipInvitation.objects.pending().filter(organisation=organisation, role=Role.ADMIN).first()
    return {"invitation": waiting}


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
        .prefetch_related(
            Prefetch("services", queryset=active_services),
            Prefetch(
                "locations", queryset=Location.objects.prefetch_related(Prefetch("services", queryset=active_services))
            ),
        )
    )


def account_exists(*, email: str) -> bool:
    """Whether an account has this address. Only the page an invitation's link opens asks,
    and only its holder, who owns the address, sees the answer; nothing an admin or anyone
    else reads depends on it."""
    return User.objects.filter(email=email.lower()).exists()


def case_organisations(user):
    """The active organisations whose cases ``user`` works (the ``work_cases`` right of a role)."""
    return organisation_list(user=user).filter(ObjectPermission("work_cases").q(user, Organisation), is_active=True)


def referral_partners(*, user, organisation: Organisation):
    """The active organisations ``organisation`` sends referrals to (its referral partnerships
    the partner accepted and nobody ended)."""
    partner_ids = (
        partnership_list(user=user)
        .active()
        .filter(organisation=organisation, scope=PartnershipScope.REFERRALS, partner__is_active=True)
        .values("partner_id")
    )
    return organisation_list(user=user).filter(pk__in=partner_ids).order_by("name")
