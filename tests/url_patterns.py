"""Every URL pattern of the project, walked from the root resolver, for the tests that must cover
each route without a hand-written list of addresses (tests/test_headers.py, tests/test_routes.py)."""

import re

from django.urls import URLPattern, URLResolver, get_resolver


def patterns(resolver: URLResolver | None = None, prefix: str = "", namespace: str = ""):
    """(route regex, name, parameter names) of every URL pattern under ``resolver``."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        regex = prefix + entry.pattern.regex.pattern.lstrip("^")
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from patterns(entry, regex.removesuffix("\\Z").rstrip("$"), inner)
        elif isinstance(entry, URLPattern):
            yield regex, f"{namespace}{entry.name or ''}", list(entry.pattern.regex.groupindex)


def concrete(regex: str, values: dict) -> str | None:
    """A path for ``regex`` with each named group replaced by its value; None for a pattern with
    other groups, which no value fills."""
    path = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda match: str(values[match.group(1)]), regex)
    path = path.removesuffix("\\Z").rstrip("$").replace("\\", "")
    if re.search(r"[()\[\]?*+^|]", path):
        return None
    return "/" + path
