"""Every read of personal data leaves a trace (docs/privacy.md, "Every read leaves a trace"): one
audit entry per kind of read, in the demo network, naming the reader, the organisation they read
for and the people read, with no sensitive value in it; refused reads audited and rate-limited;
changes made in the Django admin audited with their user."""

import json
from datetime import timedelta

import pytest
import time_machine
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from housing.models import Hold, Stay
from organisations.audit import people_text
from organisations.models import AuditEntry, Membership, Organisation
from organisations.permissions import Action
from people.models import Consent, Household, Intervention, Milestone, Need, Person
from plumbing.streams import get_stream
from referrals.models import Referral
from tests import factories
from tests.auth import login
from tests.route_matrix import HUB_WORKER, PARTNER_AGENT, PROVIDER
from tests.test_routes import World


@pytest.fixture
def demo(db) -> World:
    return World()


def sensitive_values() -> set[str]:
    """Names, phone numbers, notes and reasons of the network: none may reach an audit entry."""
    values = set()
    for person in Person.objects.all():
        values |= {person.given_names, person.family_names, person.phone, person.notes, person.full_name}
    values |= set(Need.objects.values_list("note", flat=True))
    values |= set(Referral.objects.values_list("reason", flat=True))
    return {value for value in values if value and len(value) > 3}


def entry_text(entry: AuditEntry) -> str:
    return " ".join([entry.action, entry.object_type, entry.object_id, entry.people, json.dumps(entry.details)])


def first_visible(model, user, **filters):
    return model.objects.restrict(user, Action.VIEW).filter(**filters).order_by("pk").first()


def read(demo: World, email: str, method: str, path: str, data=None, api: bool = False):
    """What reading ``path`` as ``email`` wrote to the audit log (the answer must be a 200)."""
    client = Client()
    login(client, demo.users[email])
    last = AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    headers = {"HTTP_ACCEPT": "application/json"} if api else {}
    if method == "patch":
        response = client.patch(path, data=json.dumps(data), content_type="application/json", **headers)
    else:
        response = client.get(path, data or {}, **headers)
    assert response.status_code == 200, (path, response.status_code, response.content[:300])
    return list(AuditEntry.objects.filter(pk__gt=last))


def person_with(worker, relation: str) -> Person:
    return first_visible(Person, worker, **{f"{relation}__isnull": False})


# Each kind of read: (who reads, how, the path and data for the demo, the action expected, the
# person it must name).
def person_file_page(demo, worker):
    person = first_visible(Person, worker)
    return "get", reverse("people:file", args=[person.pk]), None, "people.person.file.read", person


def person_file_api(demo, worker):
    person = first_visible(Person, worker)
    return "get", reverse("person-detail", args=[person.pk]), None, "people.person.file.read", person


def person_search_page(demo, worker):
    person = first_visible(Person, worker)
    return "get", reverse("people:list"), {"q": person.family_names}, "people.person.search.read", person


def person_list_api(demo, worker):
    return "get", reverse("person-list"), None, "people.person.read", first_visible(Person, worker)


def duplicates_api(demo, worker):
    person = first_visible(Person, worker)
    query = {"given_names": person.given_names, "family_names": person.family_names}
    return "get", reverse("person-duplicates"), query, "people.person.duplicates.read", person


def consents_api(demo, worker):
    person = person_with(worker, "consents")
    return "get", reverse("person-consents", args=[person.pk]), None, "people.consent.read", person


def consent_list_api(demo, worker):
    consent = first_visible(Consent, worker)
    return "get", reverse("consent-list"), None, "people.consent.read", consent.person


def household_list_api(demo, worker):
    household = first_visible(Household, worker, dissolved_at__isnull=True)
    return "get", reverse("household-list"), None, "people.household.read", household.members.first()


def household_page(demo, worker):
    household = first_visible(Household, worker, dissolved_at__isnull=True)
    path = reverse("people:household", args=[household.pk])
    return "get", path, None, "people.household.file.read", household.members.first()


def needs_api(demo, worker):
    need = first_visible(Need, worker)
    return "get", reverse("need-list"), None, "people.need.read", need.person


def milestones_api(demo, worker):
    milestone = first_visible(Milestone, worker)
    return "get", reverse("milestone-list"), None, "people.milestone.read", milestone.person


def interventions_api(demo, worker):
    intervention = first_visible(Intervention, worker)
    return "get", reverse("intervention-list"), None, "people.intervention.read", intervention.people.first()


def holds_api(demo, worker):
    hold = first_visible(Hold, worker, person__isnull=False)
    return "get", reverse("housing-hold-list"), None, "housing.hold.read", hold.person


def stays_api(demo, worker):
    stay = first_visible(Stay, worker, person__isnull=False)
    return "get", reverse("housing-stay-list"), None, "housing.stay.read", stay.person


def referral_detail_page(demo, worker):
    referral = first_visible(Referral, worker)
    path = reverse("referrals:detail", args=[referral.pk])
    return "get", path, None, "referrals.referral.detail.read", referral.person


def referral_thread_api(demo, worker):
    referral = first_visible(Referral, worker)
    path = reverse("referral-messages", args=[referral.pk])
    return "get", path, None, "referrals.referral.detail.read", referral.person


def referral_wizard_page(demo, worker):
    person = first_visible(Person, worker)
    return "get", reverse("referrals:refer", args=[person.pk]), None, "people.person.read", person


def patch_answer_api(demo, worker):
    person = first_visible(Person, worker)
    data = {"preferred_language": person.preferred_language}
    return "patch", reverse("person-detail", args=[person.pk]), data, "people.person.read", person


READS = {
    "person file page": (HUB_WORKER, person_file_page),
    "person file API": (HUB_WORKER, person_file_api),
    "person search": (HUB_WORKER, person_search_page),
    "person list API": (HUB_WORKER, person_list_api),
    "duplicates check": (HUB_WORKER, duplicates_api),
    "a person's consents": (HUB_WORKER, consents_api),
    "consent list": (HUB_WORKER, consent_list_api),
    "households": (HUB_WORKER, household_list_api),
    "household page": (HUB_WORKER, household_page),
    "needs (health notes)": (HUB_WORKER, needs_api),
    "milestones": (HUB_WORKER, milestones_api),
    "interventions": (HUB_WORKER, interventions_api),
    "holds": (HUB_WORKER, holds_api),
    "stays": (HUB_WORKER, stays_api),
    "referral detail": (HUB_WORKER, referral_detail_page),
    "referral thread": (HUB_WORKER, referral_thread_api),
    "referral wizard": (HUB_WORKER, referral_wizard_page),
    "answer of a PATCH": (HUB_WORKER, patch_answer_api),
    "received referral detail": (PARTNER_AGENT, referral_detail_page),
}


def check_read(demo: World, kind: str) -> list[str]:
    """Read one kind as its reader; what went wrong (one entry of the action expected, for the
    reader's organisation, naming the person when read by its file's owner and no person when
    read by the other side, and no sensitive value in any entry written)."""
    email, case = READS[kind]
    reader = demo.users[email]
    method, path, data, action, person = case(demo, reader)
    entries = read(demo, email, method, path, data, api=path.startswith("/api/"))
    matching = [entry for entry in entries if entry.action == action]
    if len(matching) != 1:
        return [f"{kind}: {len(matching)} entries {action} among {[entry.action for entry in entries]}"]
    [entry] = matching
    failures = []
    readers_organisations = set(Membership.objects.filter(user=reader).values_list("organisation_id", flat=True))
    if entry.actor != reader or entry.organisation_id not in readers_organisations:
        failures.append(f"{kind}: read by {entry.actor} for {entry.organisation_id}")
    if email in (PARTNER_AGENT, PROVIDER):
        # Read by the other side: the entry names the object read, never the hub's person id.
        if entry.people.strip(","):
            failures.append(f"{kind}: the other side's entry names people {entry.people!r}")
    elif f",{person.pk}," not in entry.people:
        failures.append(f"{kind}: person {person.pk} not named in {entry.people!r}")
    secrets = sensitive_values()
    failures += [
        f"{kind}: {value!r} in {entry_text(e)}" for e in entries for value in secrets if value in entry_text(e)
    ]
    return failures


def test_each_kind_of_read_leaves_one_entry_without_sensitive_values(demo):
    """One check per kind of read (``READS``), on one demo network (building it takes long)."""
    failures = [failure for kind in READS for failure in check_read(demo, kind)]
    assert not failures, "\n".join(failures)

    # A list is one entry listing the ids read.
    worker = demo.users[HUB_WORKER]
    needs = list(Need.objects.restrict(worker, Action.VIEW).values_list("pk", flat=True))
    assert len(needs) > 1
    entries = read(demo, HUB_WORKER, "get", reverse("need-list"), api=True)
    [entry] = [entry for entry in entries if entry.action == "people.need.read"]
    assert entry.object_id == ""
    assert entry.details == {"ids": sorted(needs)}

    # The received inbox and the provider's page.
    secrets = sensitive_values()
    for email, path in ((PARTNER_AGENT, reverse("referrals:inbox")), (PROVIDER, reverse("housing:provider"))):
        entries = read(demo, email, "get", path)
        actions = {entry.action for entry in entries}
        assert actions & {"referrals.referral.read", "housing.hold.read", "housing.stay.read"}, (path, actions)
        assert all(entry.actor == demo.users[email] for entry in entries)
        assert not [value for entry in entries for value in secrets if value in entry_text(entry)]
        # The partner's and the provider's log never names the hub's people by id: it would link
        # two referrals or holds of one person, even after a consent is withdrawn.
        assert not [entry for entry in entries if entry.people.strip(",")], path

    # The ``referrals.inbox`` websocket snapshot (outside a request: written at once).
    agent = demo.users[PARTNER_AGENT]
    organisation = Membership.objects.filter(user=agent, is_active=True).first().organisation
    last = AuditEntry.objects.order_by("-pk").first().pk
    rows = get_stream("referrals.inbox").snapshot(agent, str(organisation.pk))
    assert rows
    [entry] = AuditEntry.objects.filter(pk__gt=last, action="referrals.referral.read")
    assert (entry.actor, entry.organisation) == (agent, organisation)
    assert not entry.people.strip(",")
    read_ids = entry.details["ids"] if "ids" in entry.details else [int(entry.object_id)]
    assert sorted(read_ids) == sorted(row["id"] for row in rows)


# --- Refused reads --------------------------------------------------------------------------------


def test_refused_reads_are_audited_once_a_minute_with_a_count_and_nothing_else_is(demo):
    hub_people = list(Person.objects.filter(owner__slug="accueil-quebec").order_by("pk")[:4])
    hub = hub_people[0].owner
    client = Client()
    login(client, demo.outsider)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        for person in hub_people[:3]:
            assert client.get(reverse("people:file", args=[person.pk])).status_code == 404
        assert client.get(reverse("people:file", args=[999999])).status_code == 404
    [entry] = AuditEntry.objects.filter(action="people.person.refused")
    assert (entry.actor, entry.organisation, entry.object_id) == (demo.outsider, hub, str(hub_people[0].pk))
    assert entry.details == {"refused_before_unrecorded": 0}
    with time_machine.travel(start + timedelta(seconds=61), tick=False):
        response = client.get(reverse("person-detail", args=[hub_people[3].pk]), HTTP_ACCEPT="application/json")
        assert response.status_code == 404
    latest = AuditEntry.objects.filter(action="people.person.refused").latest("pk")
    assert latest.object_id == str(hub_people[3].pk)
    # The two refusals of the first minute that were not written one by one are counted here.
    assert latest.details == {"refused_before_unrecorded": 2}
    assert latest.people == people_text([hub_people[3].pk])

    # Someone else's referral, on the API: the entry goes to the log of the sender.
    referral = Referral.objects.order_by("pk").first()
    response = client.get(reverse("referral-detail", args=[referral.pk]), HTTP_ACCEPT="application/json")
    assert response.status_code == 404
    [entry] = AuditEntry.objects.filter(action="referrals.referral.refused")
    assert (entry.actor, entry.organisation_id) == (demo.outsider, referral.sender_id)
    assert entry.object_id == str(referral.pk)

    # A missing id is no refusal, for anyone.
    refusals = AuditEntry.objects.filter(action__endswith=".refused").count()
    login(client, demo.users[HUB_WORKER])
    assert client.get(reverse("people:file", args=[999999])).status_code == 404
    assert client.get(reverse("referral-detail", args=[999999]), HTTP_ACCEPT="application/json").status_code == 404
    assert AuditEntry.objects.filter(action__endswith=".refused").count() == refusals


# --- The Django admin -----------------------------------------------------------------------------


def test_a_change_in_the_django_admin_is_audited_with_its_user(db):
    organisation = factories.organisation(name="Centre des quartiers")
    staff = factories.user(is_staff=True, is_superuser=True)
    client = Client()
    login(client, staff)
    url = reverse("admin:organisations_organisation_change", args=[organisation.pk])
    form = client.get(url).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update(name="Centre des quartiers unis", kind=organisation.kind, slug=organisation.slug, is_active="on")
    response = client.post(url, data)
    assert response.status_code == 302, response.content[:500]
    entry = AuditEntry.objects.get(action="admin.changed")
    assert entry.actor == staff
    assert entry.organisation == organisation
    assert (entry.object_type, entry.object_id) == ("organisations.organisation", str(organisation.pk))
    assert entry.details["fields"]
    assert "Centre des quartiers unis" not in entry_text(entry)


def test_every_log_entry_of_the_admin_is_audited_once(db):
    staff = factories.user(is_staff=True)
    organisation = factories.organisation()
    LogEntry.objects.log_actions(
        user_id=staff.pk,
        queryset=Organisation.objects.filter(pk=organisation.pk),
        action_flag=CHANGE,
        change_message=[{"changed": {"fields": ["Name"]}}],
        single_object=True,
    )
    entry = AuditEntry.objects.get(action="admin.changed")
    assert (entry.actor, entry.organisation) == (staff, organisation)
    assert entry.details == {"fields": ["Name"], "acting_organisation": None}
    assert ContentType.objects.get_for_model(Organisation).model in entry.object_type
