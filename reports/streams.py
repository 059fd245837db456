"""The ``reports.live`` stream: today's counters (interventions, beds free, holds, unmet requests).

Two keys: ``hub`` (counts as they are, for the viewers who see unsuppressed figures) and ``city``
(counts from 1 to 4 shown as "<5", for everyone who may see the reports). The worker publishes a
key's counters when they change (``reports.services.live_counters_publish``).
"""

from plumbing.streams import Stream
from reports import selectors
from reports.services import LIVE_KEYS


class LiveCountersStream(Stream):
    name = "reports.live"
    # The counters of a key are the same for everyone allowed to follow it (codes and counts only).
    shared_snapshot = True

    def can_subscribe(self, user, key: str) -> bool:
        found = selectors.viewer(user=user)
        if found is None or key not in LIVE_KEYS:
            return False
        return LIVE_KEYS[key] or found.unsuppressed

    def snapshot(self, user, key: str):
        return selectors.live_counters(suppressed=LIVE_KEYS[key])
