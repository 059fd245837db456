"""The links to the housing pages in the site's navigation (registered in HousingConfig.ready)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from housing import selectors
from organisations.permissions import Action


def navigation_links(context) -> list[tuple[str, str]]:
    """ "Housing" for users who see at least one site, "My sites" for provider staff (registered
    in HousingConfig.ready)."""
    if not context.case_work_kinds:
        return []
    links = []
    if selectors.site_list(user=context.user).exists():
        links.append((reverse("housing:board"), _("Housing")))
    if selectors.site_list(user=context.user, action=Action.CHANGE).exists():
        links.append((reverse("housing:provider"), _("My sites")))
    return links
