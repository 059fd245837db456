"""Every answer Django makes carries the Content-Security-Policy (without 'unsafe-inline') and
``Cache-Control: no-store``; every page's inline code carries the request's nonce and no element
has a ``style`` or ``on…`` attribute (docs/security.md, "Headers").

The addresses are not listed by hand: every URL pattern of the project is visited, as anonymous
and as each demo login (one per role), with its parameters taken from the demo network (an
object of the right kind, the first one the API lists for that user, else a missing one: a 404
page must carry the headers too). The Django admin is visited as a superuser.
"""

import re
from html.parser import HTMLParser
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

from housing.models import Bed, Hold, Site, Stay
from notifications.models import Notification
from organisations.demo import USERS
from organisations.models import Organisation, User
from people.models import Consent, Need, Person
from referrals.models import Referral
from tests.auth import login
from tests.url_patterns import concrete, patterns

pytestmark = pytest.mark.django_db

# URL parameter → where to take a real value from, when the pattern names it.
OBJECTS = {
    "person_id": Person,
    "referral_id": Referral,
    "site_id": Site,
    "hold_id": Hold,
    "bed_id": Bed,
    "stay_id": Stay,
    "notification_id": Notification,
    "consent_id": Consent,
    "need_id": Need,
}
# Parameters that are not object ids.
WORDS = {
    "slug": lambda: Organisation.objects.order_by("pk").values_list("slug", flat=True).first(),
    "section": "demand",
    "action": "accept",
}
MISSING_ID = "999999999"


def first_id_listed(client: Client, list_path: str) -> str:
    response = client.get(list_path, HTTP_ACCEPT="application/json")
    if response.status_code != 200 or not response["Content-Type"].startswith("application/json"):
        return MISSING_ID
    body = response.json()
    rows = body.get("results", []) if isinstance(body, dict) else body
    return str(rows[0]["id"]) if rows and isinstance(rows[0], dict) and "id" in rows[0] else MISSING_ID


def addresses(client: Client, *, admin: bool) -> list[str]:
    """Every path of the project this client can be sent to (the admin's only when ``admin``)."""
    values = {
        name: str(model.objects.order_by("pk").values_list("pk", flat=True).first() or MISSING_ID)
        for name, model in OBJECTS.items()
    }
    values.update({name: value() if callable(value) else value for name, value in WORDS.items()})
    lists = {
        name.removesuffix("-list"): regex
        for regex, name, params in patterns()
        if name.endswith("-list") and "format" not in params
    }
    paths = []
    for regex, name, params in patterns():
        if name.startswith("admin:") != admin:
            continue
        if name.startswith("admin:") and params:
            continue  # one admin page per model is enough: the changelists and add forms
        if "format" in params:
            continue  # the API's format suffixes (``.json``): the same views as without
        filled = dict(values)
        for param in params:
            if param not in filled:
                list_regex = lists.get(name.rsplit("-", 1)[0])
                list_path = concrete(list_regex, filled) if list_regex else None
                filled[param] = first_id_listed(client, list_path) if list_path else MISSING_ID
        path = concrete(regex, filled)
        if path is not None:
            paths.append(path)
    return sorted(set(paths))


class PageCode(HTMLParser):
    """What the Content-Security-Policy governs in a page: inline scripts and styles (with their
    nonce) and the attributes it refuses."""

    def __init__(self):
        super().__init__()
        self.inline: list[tuple[str, str | None]] = []
        self.refused_attributes: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if (tag == "script" and "src" not in attributes and attributes.get("type") != "application/json") or (
            tag == "style"
        ):
            self.inline.append((tag, attributes.get("nonce")))
        for name in attributes:
            if name == "style" or name.startswith("on"):
                self.refused_attributes.append(f"<{tag} {name}>")


def check(response, path: str) -> None:
    assert response.status_code != 500, path
    policy = response.get("Content-Security-Policy", "")
    directives = dict((part.strip().split(" ", 1) + [""])[:2] for part in policy.split(";") if part.strip())
    assert {"default-src", "script-src", "style-src", "object-src", "frame-ancestors"} <= set(directives), path
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy, (path, policy)
    assert "no-store" in response.get("Cache-Control", ""), path

    if response["Content-Type"].startswith("text/html"):
        code = PageCode()
        code.feed(response.content.decode())
        nonces = set(re.findall(r"'nonce-([^']+)'", directives["script-src"]))
        assert all(nonce in nonces for _tag, nonce in code.inline), (path, code.inline)
        allowed_attributes = directives.get("style-src-attr", "")
        if "unsafe-hashes" not in allowed_attributes:  # the browsable API's two, by their hash
            assert code.refused_attributes == [], (path, code.refused_attributes)


@pytest.fixture
def demo(db):
    call_command("seed_demo", "--quiet-logins", stdout=StringIO())


@pytest.mark.parametrize("email", [None] + [email for email, *_rest in USERS])
def test_every_page_and_api_answer_has_the_policy_and_no_store(demo, email):
    client = Client()
    if email:
        login(client, User.objects.get(email=email))
    visited = addresses(client, admin=False)
    assert len(visited) > 80  # every pattern of the project, not a hand-picked few
    for path in visited:
        check(client.get(path), path)
        if path.startswith("/api/v1/"):
            check(client.get(path, HTTP_ACCEPT="application/json"), path)


def test_the_admin_pages_have_the_policy_and_no_store(demo):
    client = Client()
    login(client, User.objects.create_superuser("root@example.org", "a-long-password", full_name="Root"))
    visited = addresses(client, admin=True)
    assert len(visited) > 10
    for path in visited:
        check(client.get(path), path)


def test_the_api_docs_run_their_script_from_a_file():
    client = Client()
    page = client.get("/api/docs/")
    check(page, "/api/docs/")
    script = client.get("/api/docs/?script=")
    assert script["Content-Type"].startswith("application/javascript")
