"""The home page's "Today" sections. Apps above organisations register a provider from their
AppConfig.ready (``register_section``), as they do for the header's links; the home page imports
none of them. A provider reads through its own app's selectors and returns the sections the
user's roles give, possibly none."""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from organisations import permissions, selectors
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


# The rows listed under an item; the count says how many there are in all.
ENTRIES = 10


def partnership_sections(context: NavigationContext) -> list[TodaySection]:
    """For the organisations' partnership managers (admins, coordinators): the proposals waiting
    for their answer (a new partner's admin learns here that the hub proposed to send it
    referrals) and the data-sharing agreements to renew within 30 days."""
    if not permissions.organisation_ids_with_permission(context.user, "manage_partnerships"):
        return []
    page = reverse("organisations:partnerships")
    proposals = selectors.partnership_proposals_waiting(user=context.user)
    lapsing = selectors.agreements_lapsing(user=context.user)
    return [
        TodaySection(
            _("Partnerships"),
            [
                counted(
                    _("Proposals waiting for your answer"),
                    f"{page}#waiting",
                    proposals.count(),
                    [TodayEntry(proposal.summary(), f"{page}#waiting") for proposal in proposals[:ENTRIES]],
                ),
                counted(
                    _("Data-sharing agreements to renew within 30 days"),
                    f"{page}#active",
                    lapsing.count(),
                    [
                        TodayEntry(
                            agreement.reference,
                            f"{page}#active",
                            _("lapses on %(date)s") % {"date": date_format(agreement.valid_until, "DATE_FORMAT")},
                        )
                        for agreement in lapsing[:ENTRIES]
                    ],
                ),
            ],
        )
    ]
