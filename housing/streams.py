"""The ``housing.availability`` live stream: one key per site, its beds' statuses and counts."""

from housing.availability import site_availability
from housing.models import Site
from notifications.streams import Stream
from organisations.permissions import Action


class AvailabilityStream(Stream):
    """Key: a site id. Provider staff and hubs with a housing partnership may follow it; the
    payload holds no person, so one payload serves every board."""

    name = "housing.availability"

    def site(self, user, key: str) -> Site | None:
        if not key.isdigit():
            return None
        return Site.objects.restrict(user, Action.VIEW).filter(pk=key, is_active=True).first()

    def can_subscribe(self, user, key: str) -> bool:
        return self.site(user, key) is not None

    def snapshot(self, user, key: str):
        return site_availability(self.site(user, key))
