"""The ``housing.availability`` live stream: one key per site, its beds' statuses and counts."""

from collections.abc import Iterable

from housing.availability import AVAILABILITY_STREAM, site_availability
from housing.models import Site
from organisations.permissions import Action
from organisations.validators import parse_id
from plumbing.streams import Stream


class AvailabilityStream(Stream):
    """Key: a site id. Provider staff and hubs with a housing partnership may follow it; the
    payload holds no person, so one payload serves every board (``shared_snapshot``)."""

    name = AVAILABILITY_STREAM
    shared_snapshot = True

    def allowed_keys(self, user, keys: Iterable[str]) -> set[str]:
        """One permission query for all the keys asked at once (a socket's heartbeat, a burst of
        resubscriptions)."""
        site_ids = {parse_id(key) for key in keys} - {None}
        if not site_ids:
            return set()
        visible = Site.objects.restrict(user, Action.VIEW).filter(pk__in=site_ids, is_active=True)
        return {str(pk) for pk in visible.values_list("pk", flat=True)}

    def can_subscribe(self, user, key: str) -> bool:
        return key in self.allowed_keys(user, [key])

    def snapshot(self, user, key: str):
        """The site's availability. The consumer calls it only after ``allowed_keys`` allowed the
        key to this user, so the site is read by its id, without the permission query again."""
        return site_availability(Site.objects.get(pk=key, is_active=True))
