"""The header's navigation. Apps above organisations add their links by registering a provider
from their AppConfig.ready (organisations imports none of them)."""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class NavigationContext:
    """What link providers need to know about the user, read once per page."""

    user: object
    roles: frozenset[str]
    case_work_kinds: frozenset[str]  # kinds of the organisations where the user works cases


# Each provider returns (url, label) pairs for this user, possibly none.
link_providers: list[Callable[[NavigationContext], list[tuple[str, str]]]] = []


def register_links(provider: Callable[[NavigationContext], list[tuple[str, str]]]) -> None:
    link_providers.append(provider)
