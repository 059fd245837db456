"""Template context shared by every page: the navigation the user's roles give."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from organisations.choices import Role
from organisations.navigation import NavigationContext, link_providers
from organisations.permissions import ROLE_ORGANISATION_PERMISSIONS


def roles_with(codename: str) -> set[str]:
    """The roles whose members hold ``codename`` on their organisation."""
    return {role for role, codenames in ROLE_ORGANISATION_PERMISSIONS.items() if codename in codenames}


# Roles whose members work their organisation's cases (person files, referral inbox).
CASE_ROLES = roles_with("work_cases")
# Roles whose members propose and answer partnerships (admins, coordinators).
PARTNERSHIP_ROLES = roles_with("manage_partnerships")
# Roles whose members invite people to roles (admins).
MEMBER_ROLES = roles_with("manage_members")


def navigation_context(user) -> NavigationContext:
    """The user's roles and case-work kinds, read in one query (header links, today sections)."""
    memberships = set(
        user.memberships.filter(is_active=True, organisation__is_active=True).values_list("role", "organisation__kind")
    )
    return NavigationContext(
        user=user,
        roles=frozenset(role for role, _kind in memberships),
        case_work_kinds=frozenset(kind for role, kind in memberships if role in CASE_ROLES),
    )


def navigation(request):
    """Links for the header, by role: home, what the apps register (people, referrals, housing),
    the directory, partnerships for admins and coordinators, members for admins, the audit log
    for privacy officers, the account."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_links": []}
    context = navigation_context(user)
    links = [(reverse("home"), _("Home"))]
    for provider in link_providers:
        links.extend(provider(context))
    links.append((reverse("directory"), _("Directory")))
    if context.roles & PARTNERSHIP_ROLES:
        links.append((reverse("organisations:partnerships"), _("Partnerships")))
    if context.roles & MEMBER_ROLES:
        links.append((reverse("organisations:members"), _("Members")))
    if Role.PRIVACY_OFFICER in context.roles:
        links.append((reverse("organisations:audit-log"), _("Audit log")))
    links.append((reverse("profile"), _("My account")))
    if user.is_staff:
        links.append((reverse("admin:index"), _("Administration")))
    return {"nav_links": links}
