"""The home page's "Today" sections. Apps above organisations register a provider from their
AppConfig.ready (``register_section``), as they do for the header's links; the home page imports
none of them. A provider reads through its own app's selectors and returns the sections the
user's roles give, possibly none."""

from collections.abc import Callable
from dataclasses import dataclass, field

from organisations.navigation import NavigationContext


@dataclass(frozen=True)
class TodayEntry:
    """One row under an item, one tap from its action (a referral to answer, a request due)."""

    label: str
    url: str
    hint: str = ""
    late: bool = False


@dataclass(frozen=True)
class TodayItem:
    """A count and the page where it is worked. ``display`` is the count as shown: the reports'
    suppressed figures show "<5" rather than a count of 1 to 4."""

    label: str
    url: str
    display: str
    is_zero: bool
    entries: tuple[TodayEntry, ...] = ()
    late: bool = False


def counted(label: str, url: str, count: int, entries=(), late: bool = False) -> TodayItem:
    """An item with an exact count (the figures a case worker may see one by one)."""
    return TodayItem(label, url, str(count), count == 0, tuple(entries), late and count > 0)


@dataclass(frozen=True)
class TodaySection:
    """A block of the today page, for one of the user's roles in one organisation."""

    title: str
    items: list[TodayItem] = field(default_factory=list)
    links: list[tuple[str, str]] = field(default_factory=list)  # (url, label): where the rest is
    # (stream, key): the live streams (docs/live-updates.md) whose changes may change its counts;
    # the open page fetches its sections again after a delta on one of them.
    streams: tuple[tuple[str, str], ...] = ()

    @property
    def is_empty(self) -> bool:
        return all(item.is_zero for item in self.items)


SectionProvider = Callable[[NavigationContext], list[TodaySection]]
# (order, provider): the page shows the most pressing first (tonight's beds before referrals).
section_providers: list[tuple[int, SectionProvider]] = []


def register_section(provider: SectionProvider, *, order: int) -> None:
    section_providers.append((order, provider))


def live_streams(sections: list[TodaySection]) -> list[tuple[str, str]]:
    """Every (stream, key) the sections follow, once each (a hub's sent and received referrals
    follow the same inbox)."""
    return sorted({stream for section in sections for stream in section.streams})


def sections_for(context: NavigationContext) -> list[TodaySection]:
    """Every section the user's roles give, by the providers' ``order``; those with nothing
    waiting go last, so that on a phone the first screen shows work, not empty states."""
    sections = []
    for _order, provider in sorted(section_providers, key=lambda pair: pair[0]):
        sections.extend(provider(context))
    return sorted(sections, key=lambda section: section.is_empty)
