"""The audit log page of the privacy officer: who may open it, its filters (person, user,
organisation, action, period), "who read this person's file" from the person file, the CSV export
(audited itself), read-only, translated, on a phone."""

import csv
import io
from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from organisations import services as organisation_services
from organisations.choices import Role
from organisations.models import AuditEntry
from people import selectors as people_selectors
from tests import factories
from tests.auth import login


@pytest.fixture
def log(network):
    """Side A's log: its worker read two files (one of them twice, a week apart), side B's worker
    read one of B's files."""
    a, b = network.a, network.b
    ana = factories.person(a.organisation, given_names="Ana", family_names="Quispe")
    luis = factories.person(a.organisation, given_names="Luis", family_names="Mamani")
    bea = factories.person(b.organisation, given_names="Bea", family_names="Rojas")
    worker, coordinator = a[Role.WORKER], a[Role.COORDINATOR]
    with time_machine.travel(timezone.now() - timedelta(days=8)):
        people_selectors.person_file(user=coordinator, person_id=ana.pk)
    people_selectors.person_file(user=worker, person_id=ana.pk)
    people_selectors.person_file(user=worker, person_id=luis.pk)
    people_selectors.person_file(user=b[Role.WORKER], person_id=bea.pk)
    return network, ana, luis, bea


def page(user, **query):
    client = Client()
    login(client, user)
    return client.get(reverse("organisations:audit-log"), query)


def shown(response) -> list[int]:
    return [entry.pk for entry in response.context["entries"]]


def reads_of(person) -> set[int]:
    return set(AuditEntry.objects.filter(people__contains=f",{person.pk},").values_list("pk", flat=True))


def test_only_privacy_officers_open_the_log_and_see_their_organisations_only(log):
    network, ana, luis, bea = log
    a = network.a
    for role in Role:
        if role != Role.PRIVACY_OFFICER:
            assert page(a[role]).status_code == 404, role
    assert page(network.outsider).status_code == 404
    assert Client().get(reverse("organisations:audit-log")).status_code == 302
    response = page(a[Role.PRIVACY_OFFICER])
    assert response.status_code == 200
    entries = AuditEntry.objects.filter(pk__in=shown(response))
    assert set(entries.values_list("organisation_id", flat=True)) == {a.organisation.pk}
    assert not reads_of(bea) & set(shown(response))
    assert "Bea" not in response.content.decode()


def test_the_filters_find_who_read_a_persons_file_by_user_action_and_period(log):
    network, ana, luis, _bea = log
    officer, worker = network.a[Role.PRIVACY_OFFICER], network.a[Role.WORKER]
    assert set(shown(page(officer, person=ana.pk))) == reads_of(ana)
    # Her file's creation, then its two reads: the person filter finds the writes too.
    actions = [AuditEntry.objects.get(pk=pk).action for pk in shown(page(officer, person=ana.pk))]
    assert sorted(actions) == ["people.person.created", "people.person.file.read", "people.person.file.read"]
    by_worker = AuditEntry.objects.filter(actor=worker, action="people.person.file.read")
    assert set(shown(page(officer, actor=worker.pk, action="people.person.file.read"))) == set(
        by_worker.values_list("pk", flat=True)
    )
    today = timezone.localdate()
    reads = "people.person.file.read"
    this_week = shown(page(officer, person=ana.pk, action=reads, since=(today - timedelta(days=2)).isoformat()))
    assert [AuditEntry.objects.get(pk=pk).actor for pk in this_week] == [worker]
    last_week = shown(page(officer, person=ana.pk, action=reads, until=(today - timedelta(days=7)).isoformat()))
    assert [AuditEntry.objects.get(pk=pk).actor for pk in last_week] == [network.a[Role.COORDINATOR]]
    assert set(shown(page(officer, organisation=network.a.organisation.pk, person=luis.pk))) == reads_of(luis)


def test_a_filter_one_may_not_use_is_refused_as_an_error_not_a_500(log):
    network, *_ = log
    officer = network.a[Role.PRIVACY_OFFICER]
    response = page(officer, organisation=network.b.organisation.pk)
    assert response.status_code == 400
    assert response.context["form"].errors["organisation"]
    with translation.override("fr-ca"):
        response = page(officer, since="2026-05-02", until="2026-05-01")
    assert response.status_code == 400
    assert "avant" in str(response.context["form"].errors["until"])


def test_the_person_file_links_to_who_read_it_for_the_privacy_officer_only(log, network):
    _network, ana, *_ = log
    coordinator = network.a[Role.COORDINATOR]
    client = Client()
    login(client, coordinator)
    body = client.get(reverse("people:file", args=[ana.pk])).content.decode()
    assert f"{reverse('organisations:audit-log')}?person={ana.pk}" not in body
    # A privacy officer who also works the organisation's cases opens the file.
    both = network.a[Role.PRIVACY_OFFICER]
    organisation_services.membership_grant(actor=None, user=both, organisation=network.a.organisation, role=Role.WORKER)
    login(client, both)
    body = client.get(reverse("people:file", args=[ana.pk])).content.decode()
    assert f"{reverse('organisations:audit-log')}?person={ana.pk}" in body


def test_the_menu_opens_the_page_not_the_api(log):
    network, *_ = log
    response = page(network.a[Role.PRIVACY_OFFICER])
    links = [url for url, _label in response.context["nav_links"]]
    assert reverse("organisations:audit-log") in links
    assert not [url for url in links if "audit-entries" in url]


def test_the_csv_export_holds_the_filtered_entries_and_is_audited(log):
    network, ana, *_ = log
    officer = network.a[Role.PRIVACY_OFFICER]
    client = Client()
    login(client, officer)
    response = client.get(reverse("organisations:audit-log-export"), {"person": ana.pk})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == 1 + len(reads_of(ana))
    assert {row[3] for row in rows[1:]} == {"people.person.created", "people.person.file.read"}
    assert all(row[7] == str(ana.pk) for row in rows[1:])
    export = AuditEntry.objects.get(action="organisations.auditentry.export.read")
    assert (export.actor, export.organisation) == (officer, network.a.organisation)
    assert export.details == {"person": str(ana.pk)}


def test_a_cell_a_spreadsheet_would_run_is_quoted(log):
    network, *_ = log
    officer = network.a[Role.PRIVACY_OFFICER]
    AuditEntry.objects.create(actor=None, organisation=network.a.organisation, action="=HYPERLINK(1)")
    client = Client()
    login(client, officer)
    body = client.get(reverse("organisations:audit-log-export")).content.decode("utf-8-sig")
    assert "'=HYPERLINK(1)" in body


def test_the_log_is_never_editable_from_the_page(log):
    network, *_ = log
    client = Client()
    login(client, network.a[Role.PRIVACY_OFFICER])
    count = AuditEntry.objects.count()
    for name in ("organisations:audit-log", "organisations:audit-log-export"):
        assert client.post(reverse(name), {"action": "x"}).status_code == 405
    assert AuditEntry.objects.count() == count
    body = client.get(reverse("organisations:audit-log")).content.decode()
    assert 'method="post"' not in body.split("<main", 1)[-1]


@pytest.mark.parametrize(("language", "words"), [("fr-ca", "Filtrer le journal"), ("es-419", "Filtrar el registro")])
def test_the_page_is_translated(log, language, words):
    network, *_ = log
    officer = network.a[Role.PRIVACY_OFFICER]
    officer.preferred_language = language
    officer.save(update_fields=["preferred_language"])
    client = Client()
    login(client, officer)
    body = client.get(reverse("organisations:audit-log")).content.decode()
    assert words in body


def test_actions_and_objects_are_named_in_the_readers_language(log):
    """The entry keeps its code; the page names it ("Personne · dossier — lu"), the filter too."""
    network, ana, *_ = log
    officer = network.a[Role.PRIVACY_OFFICER]
    with translation.override("fr-ca"):
        client = Client()
        login(client, officer)
        body = client.get(reverse("organisations:audit-log"), {"person": ana.pk}, HTTP_ACCEPT_LANGUAGE="fr-ca")
        text = body.content.decode()
    assert "Personne · dossier — lu" in text
    assert "people.person.file.read" in text
    assert '<option value="people.person.file.read">Personne · dossier — lu</option>' in text
