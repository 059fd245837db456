"""Template context shared by every page: the navigation the user's roles give."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from organisations.choices import Role


def navigation(request):
    """Links for the header, by role. Later apps add their pages here (referrals, housing…)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_links": []}
    roles = set(user.memberships.filter(is_active=True).values_list("role", flat=True))
    links = [(reverse("home"), _("Home")), (reverse("directory"), _("Directory"))]
    if Role.PRIVACY_OFFICER in roles:
        links.append((reverse("api-root") + "audit-entries/", _("Audit log")))
    links.append((reverse("profile"), _("My account")))
    if user.is_staff:
        links.append((reverse("admin:index"), _("Administration")))
    return {"nav_links": links}
