"""The housing part of an organisation's profile page (``organisations.onboarding_views``): a
provider's sites, for those the access policy lets see them (its own staff, the hubs it has a
housing partnership with). Registered from ``HousingConfig.ready``: organisations imports no
housing."""

from housing import selectors
from organisations.choices import OrganisationKind
from organisations.onboarding_views import ProfileSection


def organisation_sites_section(request, organisation) -> ProfileSection | None:
    """The provider's active sites the reader may see, or nothing (another kind of organisation,
    or a reader with no right to its sites)."""
    if organisation.kind != OrganisationKind.HOUSING_PROVIDER:
        return None
    sites = list(selectors.site_list(user=request.user).filter(provider=organisation).order_by("name"))
    if not sites:
        return None
    return ProfileSection("housing/includes/organisation_sites.html", {"sites": sites})
