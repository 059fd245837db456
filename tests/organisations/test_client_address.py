"""The client's address, for the audit log, login throttling and websockets: behind our proxies,
only the X-Forwarded-For entries they appended are believed, never what a client wrote itself."""

import pytest
from axes.models import AccessAttempt
from django.urls import reverse

from organisations.choices import Role
from organisations.models import AuditEntry
from plumbing.client_address import client_ip_address, scope_client_address
from tests import factories
from tests.auth import login

PROXY = "10.0.0.2"  # the compose nginx, the application's peer
CLIENT = "203.0.113.7"  # the address the TLS terminator was reached from
FORGED = "6.6.6.6"  # what the client wrote in X-Forwarded-For itself


@pytest.mark.parametrize(
    ("proxies", "forwarded_for", "expected"),
    [
        (0, f"{FORGED}", PROXY),  # no proxy of ours: the header is the client's own words
        (1, f"{FORGED}, {CLIENT}", CLIENT),
        (2, f"{FORGED}, {CLIENT}, 10.0.0.1", CLIENT),
        (2, f"{FORGED},{FORGED}, {CLIENT}, 10.0.0.1", CLIENT),
        (2, "10.0.0.1", PROXY),  # shorter than the proxies configured: did not come through them
        (2, None, PROXY),
    ],
)
def test_the_client_is_read_as_many_entries_from_the_right_as_there_are_proxies(
    settings, proxies, forwarded_for, expected
):
    settings.TRUSTED_PROXY_COUNT = proxies
    meta = {"REMOTE_ADDR": PROXY}
    headers = [(b"host", b"localhost")]
    if forwarded_for is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded_for
        headers.append((b"x-forwarded-for", forwarded_for.encode()))
    assert client_ip_address(meta) == expected
    assert scope_client_address({"client": (PROXY, 51234), "headers": headers}) == expected


def test_a_forged_header_behind_the_proxies_records_the_real_address(client, network, settings):
    settings.TRUSTED_PROXY_COUNT = 2
    login(client, network.a[Role.ADMIN])
    response = client.patch(
        reverse("api-me"),
        {"full_name": "Nouveau nom"},
        content_type="application/json",
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=f"{FORGED}, {CLIENT}, 10.0.0.1",
    )
    assert response.status_code == 200
    entry = AuditEntry.objects.filter(action="organisations.user.updated").latest("pk")
    assert entry.ip_address == CLIENT


def test_a_read_audited_at_the_end_of_the_request_records_the_real_address(client, network, settings):
    """Reads are written in one INSERT when the request ends: still with the request's address."""
    settings.TRUSTED_PROXY_COUNT = 2
    person = factories.person(network.a.organisation)
    login(client, network.a[Role.WORKER])
    response = client.get(
        reverse("person-detail", args=[person.pk]),
        HTTP_ACCEPT="application/json",
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=f"{FORGED}, {CLIENT}, 10.0.0.1",
    )
    assert response.status_code == 200
    entry = AuditEntry.objects.filter(action="people.person.file.read").latest("pk")
    assert (entry.object_id, entry.ip_address) == (str(person.pk), CLIENT)


def test_login_failures_are_counted_for_the_real_address(client, network, settings):
    """A forged header does not give an attacker a fresh address per attempt."""
    settings.TRUSTED_PROXY_COUNT = 2
    for forged in ("6.6.6.1", "6.6.6.2"):
        client.post(
            reverse("login"),
            {"username": network.a[Role.WORKER].email, "password": "wrong"},
            REMOTE_ADDR=PROXY,
            HTTP_X_FORWARDED_FOR=f"{forged}, {CLIENT}, 10.0.0.1",
        )
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {CLIENT}
