"""The access policy: the one place that answers "may this user see or change this object?".

How access is given
    Every organisation has one Django group per role (``RoleGroup``). django-guardian object
    permissions are granted to those groups, on the organisation itself (``manage_members``,
    ``view_internal``…) and, by later apps, on hot objects through direct foreign-key tables.
    Users receive access only by being in a role group, and only membership services put them
    there; ending a membership takes the user out of the group, so access ends at once.
    Global (model-wide) permissions and superuser status give no access to data
    (``accept_global_perms=False`` in guardian's terms).

How access is checked
    ``Model.objects.restrict(user, action)`` keeps the objects ``user`` may perform ``action`` on,
    following the rules registered for the model here (``register_policy``). REST views, web
    pages, websocket subscriptions, selectors and event recipients all go through it. An object
    outside the restriction is reported as not found, never as forbidden.

Why the SQL looks the way it does
    guardian's ``get_objects_for_user`` ORs a user-permission subquery with a group-permission
    subquery, which PostgreSQL answers with a scan of the whole table (STACK.md, trap 7). Since
    Passerelle grants to groups only, one ``pk IN (group permissions of the user's groups)``
    subquery over the direct foreign-key table is enough, and it uses the primary-key index.
    That subquery names the user's group ids and the permission id as plain numbers, read
    beforehand, rather than joining the user-group and permission tables: PostgreSQL cannot
    estimate such joins (it expected 70 grants where a partner had 19,796) and then picks plans
    that read the whole referral table (docs/benchmarks.md, "Referral inbox"). Inside
    ``rights_read_once()`` a rule on organisations goes further and names the organisations
    themselves (``provider_id IN (3)``), read once from the user's few grants on organisations.
"""

from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from enum import StrEnum

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.db.models import Q
from django.db.models.signals import post_migrate
from guardian.shortcuts import assign_perm
from guardian.utils import get_group_obj_perms_model
from rest_framework import permissions as drf_permissions

from organisations.choices import OrganisationKind, PartnershipStatus, Role
from organisations.errors import NotFoundError
from organisations.models import (
    AuditEntry,
    Membership,
    Organisation,
    OrganisationGroupObjectPermission,
    Partnership,
    RoleGroup,
    User,
)


class Action(StrEnum):
    VIEW = "view"
    ADD = "add"
    CHANGE = "change"
    DELETE = "delete"


# HTTP method → action, for the API (NetBox's mapping).
METHOD_ACTIONS = {
    "GET": Action.VIEW,
    "HEAD": Action.VIEW,
    "OPTIONS": Action.VIEW,
    "POST": Action.ADD,
    "PUT": Action.CHANGE,
    "PATCH": Action.CHANGE,
    "DELETE": Action.DELETE,
}

# What each role may do in its own organisation: guardian permissions on the Organisation object,
# granted to the role's group when the organisation is created.
ROLE_ORGANISATION_PERMISSIONS: dict[str, tuple[str, ...]] = {
    Role.ADMIN: ("view_internal", "change_organisation", "manage_members", "manage_partnerships", "work_cases"),
    Role.COORDINATOR: (
        "view_internal",
        "manage_partnerships",
        "work_cases",
        "view_aggregates",
        # A coordinator may hold beds against a site's rules (women only, families…) with a
        # written reason, kept on the hold and in the audit log (housing.eligibility).
        "override_housing_rules",
        # Records access, portability and rectification requests and emergency communications
        # for the hub's files (privacy.services), beside the privacy officer.
        "manage_privacy_requests",
        # Designs the hub's service trajectory, its entitlements, guides and deadline rules
        # (trajectory.services).
        "manage_trajectory",
    ),
    Role.WORKER: ("view_internal", "work_cases"),
    Role.LIAISON: ("view_internal", "view_aggregates"),
    Role.PRIVACY_OFFICER: ("view_internal", "view_audit", "manage_privacy_requests"),
}

# Roles that read person files (``work_cases``) or the audit log (``view_audit``): their members
# must pass a second factor (docs/security.md).
TWO_FACTOR_ROLES = frozenset(
    role for role, codenames in ROLE_ORGANISATION_PERMISSIONS.items() if {"work_cases", "view_audit"} & set(codenames)
)


def two_factor_required(user) -> bool:
    """Whether ``user`` must pass a second factor to use Passerelle: staff and superusers (the
    admin site), and anyone holding an active role that reads person files or the audit log."""
    if user.is_staff or user.is_superuser:
        return True
    return Membership.objects.filter(user=user, is_active=True, role__in=TWO_FACTOR_ROLES).exists()


# --- Rules ------------------------------------------------------------------------------------


class Rule:
    """One way of being allowed: turns a user into a filter on a model's rows."""

    def q(self, user, model: type[models.Model]) -> Q:
        raise NotImplementedError

    def sql(self, user, model: type[models.Model], columns: dict[str, str]) -> tuple[str, list] | None:
        """The same rule as an SQL condition (see ``rule_sql``), or None if it has no SQL form."""
        return None


NOTHING = Q(pk__in=[])


@dataclass
class _RightsRead:
    """What was read of one user's rights inside ``rights_read_once()``."""

    group_ids: list[int] | None = None
    # permission id → ids of the organisations where one of the user's groups holds it
    organisation_grants: dict[int, list[int]] | None = None


# Inside ``rights_read_once()``: user id → what was read of that user's rights.
_RIGHTS_READ: ContextVar[dict[int, _RightsRead] | None] = ContextVar("rights_read", default=None)


def _remembered(user) -> _RightsRead | None:
    remembered = _RIGHTS_READ.get()
    if remembered is None:
        return None
    return remembered.setdefault(user.pk, _RightsRead())


def user_group_ids(user) -> list[int]:
    """The ids of ``user``'s groups: one small query, or none inside ``rights_read_once()``.

    Not cached on the user object: a websocket consumer keeps one user object for the life of
    its connection and re-checks access when a membership ends, and that check must see the
    group the membership service just removed.
    """
    remembered = _remembered(user)
    if remembered is not None and remembered.group_ids is not None:
        return remembered.group_ids
    memberships = get_user_model().groups.through.objects.filter(user_id=user.pk)
    group_ids = list(memberships.values_list("group_id", flat=True))
    if remembered is not None:
        remembered.group_ids = group_ids
    return group_ids


def _organisation_grants(user, remembered: _RightsRead) -> dict[int, list[int]]:
    """Permission id → organisation ids, for every grant on an organisation to ``user``'s groups
    (a handful of rows: a few roles in a few organisations), read once per block."""
    if remembered.organisation_grants is None:
        grants: dict[int, list[int]] = {}
        # Through the user-group table rather than the group ids: a write checking only
        # organisation rights (a hold) then needs no query for the group ids.
        rows = OrganisationGroupObjectPermission.objects.filter(group__user=user.pk)
        for permission, organisation in rows.values_list("permission_id", "content_object_id"):
            grants.setdefault(permission, []).append(organisation)
        remembered.organisation_grants = grants
    return remembered.organisation_grants


@contextmanager
def rights_read_once():
    """Within this block each user's group ids, and the grants their groups hold on
    organisations, are read once; rules then name those organisations as plain ids instead of
    a subquery, which is cheaper to build, compile and plan (docs/benchmarks.md, "Hold
    contention"). For a read that restricts several querysets (a list mixing sent and received
    referrals), or a write that changes no membership or role (a hold checks three rules). Not
    around a write that could change what it remembers (membership, organisation or role
    services). Nested blocks share the outer one's memory."""
    if _RIGHTS_READ.get() is not None:
        yield
        return
    token = _RIGHTS_READ.set({})
    try:
        yield
    finally:
        _RIGHTS_READ.reset(token)


# (app label, model, codename) → permission id. Permission rows only change with migrations, so
# the ids are kept for the life of the process and forgotten after every migrate (and test flush).
_PERMISSION_IDS: dict[tuple[str, str, str], int] = {}


def permission_id(model: type[models.Model], codename: str) -> int | None:
    """The id of ``codename`` on ``model``'s content type, or None if there is no such permission."""
    key = (model._meta.app_label, model._meta.model_name, codename)
    if key not in _PERMISSION_IDS:
        found = Permission.objects.filter(
            content_type=ContentType.objects.get_for_model(model), codename=codename
        ).values_list("pk", flat=True)
        if not found:
            return None
        _PERMISSION_IDS[key] = found[0]
    return _PERMISSION_IDS[key]


def forget_permission_ids(**kwargs) -> None:
    """Empty the codename → id table (after a migrate, or a test that rolled permissions back)."""
    _PERMISSION_IDS.clear()


post_migrate.connect(forget_permission_ids, dispatch_uid="organisations.permissions.forget_permission_ids")


@dataclass(frozen=True)
class NetworkMember(Rule):
    """Every row, for any user with an active membership in an active organisation.

    The directory (organisations, services, locations) is shared knowledge inside the network,
    but not with people outside it.
    """

    def q(self, user, model):
        is_member = Membership.objects.filter(user=user, is_active=True, organisation__is_active=True).exists()
        return Q() if is_member else NOTHING


@dataclass(frozen=True)
class ObjectPermission(Rule):
    """Rows whose object at ``path`` (the row itself when empty) grants ``codename`` to one of
    the user's role groups, through the object's direct foreign-key permission table."""

    codename: str
    path: str = ""

    def q(self, user, model):
        target = self._target(model)
        permission_table = get_group_obj_perms_model(target)
        if permission_table is get_group_obj_perms_model(None):
            raise ImproperlyConfigured(f"{target.__name__} needs a direct group object permission table.")
        permission = permission_id(target, self.codename)
        lookup = f"{self.path}__in" if self.path else "pk__in"
        remembered = _remembered(user)
        if permission is not None and remembered is not None and target._meta.label == "organisations.Organisation":
            granted = _organisation_grants(user, remembered).get(permission)
            return Q(**{lookup: granted}) if granted else NOTHING
        groups = user_group_ids(user)
        if permission is None or not groups:
            return NOTHING
        granted = permission_table.objects.filter(group_id__in=groups, permission_id=permission).values(
            "content_object_id"
        )
        return Q(**{lookup: granted})

    def _target(self, model):
        for part in filter(None, self.path.split("__")):
            model = model._meta.get_field(part).related_model
        return model

    def sql(self, user, model, columns):
        # Only grants on organisations have an SQL form: other objects' tables are large, and
        # their rules need the plans the ORM form gives (the module's docstring).
        if self.path not in columns or self._target(model)._meta.label != "organisations.Organisation":
            return None
        return organisation_grant_sql(user, self.codename, columns[self.path])


@dataclass(frozen=True)
class Partnered(Rule):
    """Rows whose organisation at ``path`` is a partner, for ``scope``, of an organisation where
    one of the user's role groups holds ``codename`` (a hub's workers see the beds of the housing
    providers it has a housing partnership with). Only an active partnership counts: a proposal
    gives nothing until the partner accepts it, and an ended one nothing any more."""

    scope: str
    path: str
    codename: str = "work_cases"

    def q(self, user, model):
        mine = ObjectPermission(self.codename, "organisation").q(user, Partnership)
        partners = Partnership.objects.active().filter(mine, scope=self.scope).values("partner_id")
        return Q(**{f"{self.path}__in": partners})

    def sql(self, user, model, columns):

        if self.path not in columns:
            return None
        table = Partnership._meta.db_table
        mine, params = organisation_grant_sql(user, self.codename, "rule_partnership.organisation_id")
        # ``status = active`` is ``PartnershipQuerySet.active()``: accepted and not ended. Table and
        # column names come from the code, every value is a parameter.
        condition = (
            f"EXISTS (SELECT 1 FROM {table} rule_partnership WHERE rule_partnership.status = %s"  # noqa: S608
            f" AND rule_partnership.scope = %s AND rule_partnership.partner_id = {columns[self.path]} AND {mine})"
        )
        return condition, [PartnershipStatus.ACTIVE, str(self.scope), *params]


@dataclass(frozen=True)
class MemberOf(Rule):
    """Users with a membership (current or ended) in an organisation where one of the reader's
    role groups holds ``codename``: the colleagues whose memberships the reader may list."""

    codename: str

    def q(self, user, model):
        memberships = Membership.objects.filter(ObjectPermission(self.codename, "organisation").q(user, Membership))
        return Q(pk__in=memberships.values("user_id"))


@dataclass(frozen=True)
class Where(Rule):
    """Rows ``rule`` allows that also match ``condition``, a filter that names no user (the side
    of a partnership that did not propose it)."""

    rule: Rule
    condition: Q

    def q(self, user, model):
        return self.rule.q(user, model) & self.condition


@dataclass(frozen=True)
class Own(Rule):
    """Rows that belong to the user themself through the user field ``field``."""

    field: str = "user"

    def q(self, user, model):
        return Q(**{self.field: user.pk})


@dataclass(frozen=True)
class AnyOf(Rule):
    """Rows any of ``rules`` allows."""

    rules: tuple[Rule, ...]

    def q(self, user, model):
        combined = NOTHING
        for rule in self.rules:
            combined |= rule.q(user, model)
        return combined

    def sql(self, user, model, columns):
        parts = [rule.sql(user, model, columns) for rule in self.rules]
        if not parts or any(part is None for part in parts):
            return None
        return "(" + " OR ".join(condition for condition, _ in parts) + ")", [p for _, params in parts for p in params]


# --- The registry of policies --------------------------------------------------------------------

_POLICIES: dict[type[models.Model], dict[str, Rule]] = {}


def register_policy(model: type[models.Model], **rules: Rule) -> None:
    """Declare how each action on ``model`` is allowed; an action left out is allowed to nobody.
    Actions are ``view``, ``add``, ``change``, ``delete`` or a model's own (``respond``).

    Domain apps call this from their ``AppConfig.ready`` so that this module imports none of them.
    """
    _POLICIES[model] = dict(rules)


def extend_policy(model: type[models.Model], **rules: Rule) -> None:
    """Add actions to the policy of a model registered by an app below (the privacy app's
    ``privacy`` action on people), without that app knowing the one above."""
    if model not in _POLICIES:
        raise ImproperlyConfigured(f"No access policy is registered for {model.__name__} yet.")
    _POLICIES[model].update(rules)


def restrict_queryset(queryset: models.QuerySet, user, action: str) -> models.QuerySet:
    """Keep only the rows of ``queryset`` that ``user`` may perform ``action`` on."""
    if user is None or not user.is_authenticated or not user.is_active:
        return queryset.none()
    try:
        policy = _POLICIES[queryset.model]
    except KeyError:
        raise ImproperlyConfigured(f"No access policy is registered for {queryset.model.__name__}.") from None
    rule = policy.get(str(action))
    if rule is None:
        return queryset.none()
    return queryset.filter(rule.q(user, queryset.model))


def allowed(user, action: str, obj: models.Model) -> models.QuerySet:
    """The saved object ``obj`` if ``user`` may perform ``action`` on it, else nothing (unread)."""
    return restrict_queryset(type(obj)._default_manager.filter(pk=obj.pk), user, action)


def can(user, action: str, obj: models.Model) -> bool:
    """Whether ``user`` may perform ``action`` on the saved object ``obj``."""
    return allowed(user, action, obj).exists()


def rule_sql(user, model: type[models.Model], action: str, columns: dict[str, str]) -> tuple[str, list] | None:
    """``model``'s rule for ``action`` as one SQL condition and its parameters, or None when a
    rule of the policy has no SQL form (then ask the ORM: ``allowed``).

    ``columns`` maps each rule's path to the SQL column that holds that row's organisation id
    (``{"provider": "site.provider_id"}``). For a hot path answered by one statement written as
    text (a refused hold, ``housing/early_refusal.py``): nothing to build or compile per request.
    The same registered rules give both forms; ``tests/organisations/test_rule_sql.py`` checks
    that they agree for every demo user and object."""
    if user is None or not user.is_authenticated or not user.is_active:
        return "1 = 0", []
    rule = _POLICIES.get(model, {}).get(str(action))
    if rule is None:
        return "1 = 0", []
    return rule.sql(user, model, columns)


def organisation_grant_sql(user, codename: str, column: str) -> tuple[str, list]:
    """An SQL condition: one of ``user``'s role groups holds ``codename`` on the organisation
    whose id is in ``column``. Joins the user-group table: the grants on organisations are a few
    rows per group, so the plan is always an index lookup."""
    permission = permission_id(Organisation, codename)
    if permission is None:
        return "1 = 0", []
    grants = OrganisationGroupObjectPermission._meta.db_table
    user_groups = get_user_model().groups.through._meta.db_table
    # Table and column names come from the code, every value is a parameter.
    condition = (
        f"EXISTS (SELECT 1 FROM {grants} rule_grant JOIN {user_groups} rule_member"  # noqa: S608
        " ON rule_member.group_id = rule_grant.group_id WHERE rule_member.user_id = %s"
        f" AND rule_grant.permission_id = %s AND rule_grant.content_object_id = {column})"
    )
    return condition, [user.pk, permission]


def require_all(*checks: models.QuerySet) -> None:
    """Raise ``NotFoundError`` unless each of ``checks`` has a row, asked in one query.

    Each check is one object narrowed to what the user may do (``allowed``,
    ``organisation_with_permission``): a write that needs several rights checks them together,
    the user's group ids read once."""
    if any(check.query.is_empty() for check in checks):
        raise NotFoundError()
    first, *others = checks
    if not first.filter(*(models.Exists(other) for other in others)).exists():
        raise NotFoundError()


def require(user, action: str, obj: models.Model) -> None:
    """Raise ``NotFoundError`` unless ``user`` may perform ``action`` on ``obj``.

    Services call this before a change and, for creations and updates, again after saving inside
    the transaction, so that a write can never move a row out of the user's reach (NetBox).
    """
    if not can(user, action, obj):
        raise NotFoundError()


def has_organisation_permission(user, codename: str, organisation) -> bool:
    """Whether one of ``user``'s role groups holds ``codename`` on ``organisation``.

    For checks before an object exists (may this user add members to this organisation?).
    """
    return organisation_with_permission(user, codename, organisation).exists()


def can_override_housing_rules(user, organisation) -> bool:
    """Whether ``user`` may hold beds for ``organisation``'s files against a site's eligibility
    rules (its coordinators), giving a written reason."""
    return has_organisation_permission(user, "override_housing_rules", organisation)


# Loading a spreadsheet writes thousands of a hub's files at once (``people.imports``): its
# admins and coordinators may, the roles that both work its cases and answer for it to others
# (``manage_partnerships``); not a worker, whose writes are one file at a time, nor anyone of a
# partner (person files belong to hubs).
IMPORT_RIGHTS = ("work_cases", "manage_partnerships")


def import_organisation_ids(user) -> set[int]:
    """The ids of the active hubs whose files ``user`` may load from a spreadsheet."""

    ids = set.intersection(*(organisation_ids_with_permission(user, codename) for codename in IMPORT_RIGHTS))
    if not ids:
        return set()
    hubs = Organisation.objects.filter(pk__in=ids, kind=OrganisationKind.HUB, is_active=True)
    return set(hubs.values_list("pk", flat=True))


def require_import(user, organisation) -> None:
    """Raise ``NotFoundError`` unless ``user`` may load ``organisation``'s files from a
    spreadsheet (``import_organisation_ids``)."""
    if organisation is None or organisation.pk not in import_organisation_ids(user):
        raise NotFoundError()


def organisation_ids_with_permission(user, codename: str) -> set[int]:
    """The ids of the organisations where one of ``user``'s role groups holds ``codename``: no
    query inside ``rights_read_once()`` once the user's grants are read, one outside."""
    permission = permission_id(Organisation, codename)
    if user is None or not user.is_authenticated or permission is None:
        return set()
    with rights_read_once():
        return set(_organisation_grants(user, _remembered(user)).get(permission, ()))


def organisation_with_permission(user, codename: str, organisation) -> models.QuerySet:
    """``organisation`` if one of ``user``'s role groups holds ``codename`` on it, else nothing."""
    if user is None or not user.is_authenticated or not user.is_active:
        return Organisation.objects.none()
    rule = ObjectPermission(codename)
    return Organisation.objects.filter(rule.q(user, Organisation), pk=organisation.pk)


# --- Bringing partner organisations into the network ------------------------------------------------


def onboarding_hub_ids(user) -> set[int]:
    """The hubs for which ``user`` may bring a new partner organisation into the network: the
    active welcome hubs (``OrganisationKind.HUB``) whose members they manage, i.e. their admins.
    Nobody else creates organisations, but the platform's staff in the Django admin."""

    managed = organisation_ids_with_permission(user, "manage_members")
    if not managed:
        return set()
    hubs = Organisation.objects.filter(pk__in=managed, kind=OrganisationKind.HUB, is_active=True)
    return set(hubs.values_list("pk", flat=True))


def first_admin_inviting_hub(user, organisation):
    """The hub on whose behalf ``user`` may invite ``organisation``'s first admin, or None: one of
    ``user``'s onboarding hubs that brought ``organisation`` into the network. The append-only
    audit entry of that act (``organisations.organisation.onboarded``, on the hub's log) is the
    record of which hub it was. Whether the organisation still waits for its first admin is the
    service's rule (``organisation_invite_first_admin``)."""
    hubs = onboarding_hub_ids(user)
    if not hubs:
        return None
    onboarded_by = AuditEntry.objects.filter(
        action="organisations.organisation.onboarded",
        organisation__in=hubs,
        object_type=Organisation._meta.label_lower,
        object_id=str(organisation.pk),
    ).values("organisation_id")
    return Organisation.objects.filter(pk__in=onboarded_by).order_by("pk").first()


# --- Role groups ----------------------------------------------------------------------------------------


def role_groups_sync(organisation) -> None:
    """Create the organisation's role groups if missing and make each group's permissions on the
    organisation exactly those of ``ROLE_ORGANISATION_PERMISSIONS`` (run at creation and after
    every migration, so a change to the table reaches existing organisations)."""
    for role in Role:
        role_group = RoleGroup.objects.filter(organisation=organisation, role=role).select_related("group").first()
        if role_group is None:
            group = Group.objects.create(name=f"org{organisation.pk}:{role.value}")
            role_group = RoleGroup.objects.create(organisation=organisation, role=role, group=group)
        wanted = set(ROLE_ORGANISATION_PERMISSIONS[role])
        granted = OrganisationGroupObjectPermission.objects.filter(group=role_group.group, content_object=organisation)
        granted.exclude(permission__codename__in=wanted).delete()
        have = set(granted.values_list("permission__codename", flat=True))
        for codename in wanted - have:
            assign_perm(f"organisations.{codename}", role_group.group, organisation)


def role_group_for(organisation, role: str) -> Group:
    """The group that stands for ``role`` in ``organisation``."""
    return RoleGroup.objects.select_related("group").get(organisation=organisation, role=role).group


def users_with_organisation_permission(organisation, codename: str) -> models.QuerySet:
    """The active users whose role groups hold ``codename`` on ``organisation``: recipients of
    events and notifications are chosen here, never as "everyone in the organisation"."""
    groups = OrganisationGroupObjectPermission.objects.filter(
        content_object=organisation, permission__codename=codename
    ).values("group_id")
    return User.objects.filter(is_active=True, groups__in=groups).distinct()


# --- REST framework -------------------------------------------------------------------------------------


class RestrictedObjectPermission(drf_permissions.BasePermission):
    """Lets only active, authenticated users through; which objects they reach is decided by the
    viewset restricting its queryset to the request's action (``RestrictedViewSetMixin``)."""

    def has_permission(self, request, view) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and user.is_active)


def action_for_request(request, view) -> Action:
    """The access-policy action an API request performs.

    Custom viewset actions (``@action``) that change state count as ``change``.
    """
    action = METHOD_ACTIONS.get(request.method, Action.CHANGE)
    if action is Action.ADD and getattr(view, "detail", False):
        return Action.CHANGE
    return action
