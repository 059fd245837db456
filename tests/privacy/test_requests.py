"""Access and portability requests (Law 25, s. 27): recorded with their 30-day deadline, reminded,
answered by the person's whole file as JSON and PDF in their language, only their data, audited,
and closed; 404 for people the user may not handle."""

import json
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from notifications.models import Notification
from organisations.choices import NeedCategory, Role
from organisations.models import AuditEntry
from people import services as people_services
from people.choices import DataGroup, MilestoneKind, NeedUrgency
from privacy import services
from privacy.choices import RequestChannel, RequestKind
from privacy.models import PrivacyRequest
from privacy.notifications import PRIVACY_REQUEST_DUE, request_remind_due
from tests import factories
from tests.auth import login
from tests.pdf_text import pdf_text

pytestmark = pytest.mark.django_db

RECORDS = {
    "consents",
    "needs",
    "milestones",
    "interventions",
    "referrals",
    "housing",
    "rectifications",
    "emergency_communications",
}


def record(officer, person, *, language="es", included=(), received_on=None):
    return services.request_record(
        actor=officer,
        person=person,
        kind=RequestKind.ACCESS,
        received_on=received_on or timezone.localdate(),
        channel=RequestChannel.IN_PERSON,
        language=language,
        included_members=list(included),
    )


def officer_client(network) -> Client:
    client = Client()
    login(client, network.a[Role.PRIVACY_OFFICER])
    return client


def test_a_request_is_due_30_days_after_receipt(network, family):
    received = timezone.localdate() - timedelta(days=3)
    request = record(network.a[Role.PRIVACY_OFFICER], family.ana, received_on=received)
    assert request.due_on == received + timedelta(days=30)
    page = officer_client(network).get(reverse("privacy:desk"))
    assert page.status_code == 200
    assert "Ana Suárez" in page.content.decode()


def test_the_export_holds_only_that_persons_data_and_every_group(network, family):
    worker = network.a[Role.WORKER]
    people_services.need_record(
        actor=worker, person=family.ana, category=NeedCategory.FOOD, urgency=NeedUrgency.DAYS, note="Needs halal food"
    )
    people_services.milestone_record(
        actor=worker, person=family.ana, kind=MilestoneKind.CLAIM_MADE, occurred_on=timezone.localdate()
    )
    people_services.need_record(
        actor=worker, person=family.stranger, category=NeedCategory.FOOD, urgency=NeedUrgency.DAYS, note="Stranger note"
    )
    factories.referral(network.a.organisation, network.b.organisation, person=family.ana, actor=worker)
    request = record(network.a[Role.PRIVACY_OFFICER], family.ana, language="en", included=[family.son])

    response = officer_client(network).get(reverse("privacy:request-export-json", args=[request.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    document = json.loads(response.content)
    text = response.content.decode()

    # Every group of fields of the file (the service path is computed, not a field).
    assert set(document["data_groups"]) == set(DataGroup.values) - {DataGroup.TRAJECTORY}
    assert set(document["records"]) == RECORDS
    assert "Ana" in text and "418 555-0101" in text and "Prefers morning calls." in text
    assert "Needs halal food" in text
    assert [item["title"] for item in document["records"]["referrals"]["items"]] == [network.b.organisation.name]
    # The member who consented is there; the one who did not, and anyone else, are not.
    household = document["data_groups"][DataGroup.HOUSEHOLD]
    assert [member["title"] for member in household["members"]] == ["Tomás Suárez"]
    assert household["left_out"] == 1
    assert "1 household member(s) left out" in household["notice"]
    for absent in ("Bernardo", "Quintero", "Zoe", "Extraña", "Stranger note"):
        assert absent not in text


def test_a_member_outside_the_household_cannot_be_included(network, family):
    with pytest.raises(Exception) as refused:
        record(network.a[Role.PRIVACY_OFFICER], family.ana, included=[family.stranger])
    assert getattr(refused.value, "code", "") == "not_a_member"


@pytest.mark.parametrize(
    "language, heading, intro",
    [
        ("fr", "Identité et langues", "Consentements"),
        ("en", "Identity and languages", "Consents"),
        ("es", "Identidad e idiomas", "Consentimientos"),
    ],
)
def test_the_pdf_is_readable_in_each_language(network, family, language, heading, intro):
    request = record(network.a[Role.PRIVACY_OFFICER], family.ana, language=language)
    response = officer_client(network).get(reverse("privacy:request-export-pdf", args=[request.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    text = pdf_text(response.content)
    assert "Ana Suárez" in text
    assert "418 555-0101" in text
    assert heading in text and intro in text
    assert "Bernardo" not in text and "Zoe" not in text


def test_the_export_is_audited_without_values(network, family):
    request = record(network.a[Role.PRIVACY_OFFICER], family.ana)
    officer_client(network).get(reverse("privacy:request-export-pdf", args=[request.pk]))
    entry = AuditEntry.objects.get(action="privacy.request.exported")
    assert entry.actor == network.a[Role.PRIVACY_OFFICER]
    assert entry.details == {"person": family.ana.pk, "format": "pdf", "language": "es", "left_out_members": 2}
    assert "Ana" not in json.dumps(entry.details)
    request.refresh_from_db()
    assert request.exported_at is not None


def test_closing_records_the_day_answered(network, family):
    request = record(network.a[Role.PRIVACY_OFFICER], family.ana)
    client = officer_client(network)
    response = client.post(
        reverse("privacy:request-close", args=[request.pk]), {"answered_on": timezone.localdate().isoformat()}
    )
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.answered_on == timezone.localdate()
    assert request.closed_by == network.a[Role.PRIVACY_OFFICER]


def test_the_coordinator_records_a_request_from_the_page(network, family):
    client = Client()
    login(client, network.a[Role.COORDINATOR])
    url = reverse("privacy:request-create") + f"?person={family.ana.pk}"
    page = client.get(url)
    assert page.status_code == 200 and "Tomás Suárez" in page.content.decode()
    response = client.post(
        url,
        {
            "person": family.ana.pk,
            "kind": RequestKind.PORTABILITY,
            "received_on": timezone.localdate().isoformat(),
            "channel": RequestChannel.EMAIL,
            "requester": "person",
            "language": "es",
            "included_members": [family.son.pk],
        },
    )
    request = PrivacyRequest.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("privacy:request", args=[request.pk])
    assert list(request.included_members.all()) == [family.son]


def test_people_the_user_may_not_handle_are_404(network, family):
    request = record(network.a[Role.PRIVACY_OFFICER], family.ana)
    other_officer = Client()
    login(other_officer, network.b[Role.PRIVACY_OFFICER])
    worker = Client()
    login(worker, network.a[Role.WORKER])
    for client in (other_officer, worker):
        for url in (
            reverse("privacy:request-create") + f"?person={family.ana.pk}",
            reverse("privacy:request", args=[request.pk]),
            reverse("privacy:request-export-json", args=[request.pk]),
            reverse("privacy:request-export-pdf", args=[request.pk]),
            reverse("privacy:rectification-create") + f"?person={family.ana.pk}",
            reverse("privacy:emergency-create") + f"?person={family.ana.pk}",
        ):
            assert client.get(url).status_code == 404, url
    assert worker.get(reverse("privacy:desk")).status_code == 404
    assert not AuditEntry.objects.filter(action="privacy.request.exported").exists()


def test_an_open_request_is_reminded_once_a_few_days_before_it_is_due(network, family):
    officer = network.a[Role.PRIVACY_OFFICER]
    record(officer, family.ana, received_on=timezone.localdate() - timedelta(days=10))
    assert request_remind_due() == 0
    due_soon = record(officer, family.ana, received_on=timezone.localdate() - timedelta(days=27))
    assert request_remind_due() >= 1
    assert request_remind_due() == 0  # once per deadline
    notified = Notification.objects.filter(kind=PRIVACY_REQUEST_DUE)
    assert {notification.object_id for notification in notified} == {due_soon.pk}
    assert officer.pk in set(notified.values_list("recipient_id", flat=True))
    services.request_close(actor=officer, request=due_soon, answered_on=timezone.localdate())
    assert request_remind_due() == 0


def test_the_privacy_officer_finds_the_person_and_who_read_their_file(network, family):
    """ "Who read Ana's file this month": the desk finds her by name and links to the audit log
    filtered on her file, which lists the reads of it (the coordinator just opened it)."""
    coordinator = Client()
    login(coordinator, network.a[Role.COORDINATOR])
    assert coordinator.get(reverse("people:file", args=[family.ana.pk])).status_code == 200
    client = officer_client(network)
    desk = client.get(reverse("privacy:desk"), {"q": family.ana.given_names}).content.decode()
    link = f"{reverse('organisations:audit-log')}?person={family.ana.pk}"
    assert link in desk
    log = client.get(link).content.decode()
    assert network.a[Role.COORDINATOR].email in log or network.a[Role.COORDINATOR].full_name in log
    # A coordinator, who does not read the log, gets no such link.
    assert link not in coordinator.get(reverse("privacy:desk"), {"q": family.ana.given_names}).content.decode()
