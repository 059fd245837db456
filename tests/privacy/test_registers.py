"""Rectification (s. 28), the register of communications without consent (s. 18.1) and the
register of confidentiality incidents with its notice to the Commission (s. 3.5–3.8)."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from organisations.choices import Role
from organisations.errors import ApplicationError
from organisations.models import AuditEntry
from people.choices import DataGroup
from privacy import services
from privacy.models import ConfidentialityIncident, Rectification
from privacy.selectors import partners_who_received
from tests import factories
from tests.auth import login
from tests.pdf_text import pdf_text

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    login(client, user)
    return client


# --- Rectification ---------------------------------------------------------------------------------


def test_a_correction_keeps_who_changed_what_and_why(network, family):
    officer = network.a[Role.PRIVACY_OFFICER]
    url = reverse("privacy:rectification-create") + f"?person={family.ana.pk}"
    response = client_for(officer).post(
        url, {"person": family.ana.pk, "field": "phone", "value": "418 555-0199", "reason": "New number"}
    )
    rectification = Rectification.objects.get()
    assert response.status_code == 302
    assert (rectification.field, rectification.old_value, rectification.new_value) == (
        "phone",
        "418 555-0101",
        "418 555-0199",
    )
    assert (rectification.reason, rectification.changed_by) == ("New number", officer)
    family.ana.refresh_from_db()
    assert family.ana.phone == "418 555-0199"
    entry = AuditEntry.objects.get(action="people.person.rectified")
    assert entry.details["fields"] == ["phone"] and "555" not in str(entry.details)
    # The history is on the person file, for the case workers who read it.
    page = client_for(network.a[Role.WORKER]).get(reverse("people:file", args=[family.ana.pk]))
    assert "418 555-0101" in page.content.decode() and "New number" in page.content.decode()


def test_a_wrong_value_is_a_clear_error_and_nothing_changes(network, family):
    response = client_for(network.a[Role.PRIVACY_OFFICER]).post(
        reverse("privacy:rectification-create") + f"?person={family.ana.pk}",
        {"person": family.ana.pk, "field": "date_of_birth", "value": "not a date", "reason": "Typo"},
    )
    assert response.status_code == 422
    assert not Rectification.objects.exists()


def test_the_partners_that_received_the_old_value_are_listed(network, family):
    worker = network.a[Role.WORKER]
    factories.referral(
        network.a.organisation,
        network.b.organisation,
        person=family.ana,
        actor=worker,
        shared_groups=[DataGroup.IDENTITY, DataGroup.CONTACT],
    )
    officer = network.a[Role.PRIVACY_OFFICER]
    phone = services.person_rectify(actor=officer, person=family.ana, field="phone", value="1", reason="Changed")
    sogi = services.person_rectify(
        actor=officer, person=family.ana, field="gender_identity", value="woman", reason="Asked"
    )
    assert [partner["organisation"] for partner in partners_who_received(rectification=phone)] == [
        network.b.organisation
    ]
    assert partners_who_received(rectification=sogi) == []
    page = client_for(officer).get(reverse("privacy:rectification", args=[phone.pk]))
    assert network.b.organisation.name in page.content.decode()


# --- Communications without consent ----------------------------------------------------------------


def test_a_communication_without_consent_is_in_the_register_and_on_the_file(network, family):
    coordinator = network.a[Role.COORDINATOR]
    officer = network.a[Role.PRIVACY_OFFICER]
    url = reverse("privacy:emergency-create") + f"?person={family.ana.pk}"
    when = timezone.localtime() - timedelta(hours=2)
    response = client_for(coordinator).post(
        url,
        {
            "person": family.ana.pk,
            "communicated_at": when.strftime("%Y-%m-%dT%H:%M"),
            "recipient": "Police, 911",
            "information": "Current address",
            "reason": "Death threats",
            "decided_by": officer.pk,
        },
    )
    assert response.status_code == 302
    register = client_for(officer).get(reverse("privacy:emergency-register")).content.decode()
    assert "Police, 911" in register and "Death threats" in register and "Ana Suárez" in register
    assert AuditEntry.objects.filter(action="privacy.emergency_register.read", actor=officer).exists()
    file = client_for(network.a[Role.WORKER]).get(reverse("people:file", args=[family.ana.pk])).content.decode()
    assert "Police, 911" in file
    # The register is the privacy officer's and coordinators': a worker gets a 404.
    assert client_for(network.a[Role.WORKER]).get(reverse("privacy:emergency-register")).status_code == 404


def test_only_a_privacy_manager_decides(network, family):
    with pytest.raises(ApplicationError) as refused:
        services.emergency_record(
            actor=network.a[Role.COORDINATOR],
            person=family.ana,
            communicated_at=timezone.now(),
            recipient="Police",
            information="Address",
            reason="Threats",
            decided_by=network.a[Role.WORKER],
        )
    assert refused.value.code == "decided_by"


# --- Confidentiality incidents ------------------------------------------------------------------------


def incident_form(**changes) -> dict:
    today = timezone.localdate()
    form = {
        "description": "A list of names emailed to the wrong partner",
        "occurred_on": (today - timedelta(days=3)).isoformat(),
        "known_on": (today - timedelta(days=2)).isoformat(),
        "data_groups": [DataGroup.IDENTITY, DataGroup.CONTACT],
        "people_count": 4,
        "serious_injury_risk": "yes",
        "risk_assessment": "Names and phones of asylum claimants",
        "commission_notified_on": today.isoformat(),
        "people_notified_on": "",
        "measures": "Email recalled",
    }
    form.update(changes)
    return form


def test_an_incident_is_entered_kept_5_years_and_its_notice_is_readable(network):
    officer = network.a[Role.PRIVACY_OFFICER]
    client = client_for(officer)
    form = incident_form(organisation=network.a.organisation.pk)
    response = client.post(reverse("privacy:incidents"), form)
    incident = ConfidentialityIncident.objects.get()
    assert response.status_code == 302
    known = timezone.localdate() - timedelta(days=2)
    assert incident.keep_until == ConfidentialityIncident.keep_until_for(known)
    assert incident.keep_until.year == known.year + 5
    assert incident.serious_injury_risk and incident.people_count == 4
    notice = client.get(reverse("privacy:incident-notice", args=[incident.pk]) + "?lang=fr")
    assert notice.status_code == 200 and notice["Content-Type"] == "application/pdf"
    text = pdf_text(notice.content)
    assert "A list of names emailed to the wrong partner" in text
    assert "Commission" in text and "Organisme" in text  # French, the Commission's language
    assert "Identité et langues" in text
    # Completed later: the people notified.
    response = client.post(
        reverse("privacy:incident", args=[incident.pk]),
        incident_form(organisation=network.a.organisation.pk, people_notified_on=timezone.localdate().isoformat()),
    )
    incident.refresh_from_db()
    assert response.status_code == 302 and incident.people_notified_on == timezone.localdate()


def test_an_incident_known_before_it_occurred_is_refused(network):
    today = timezone.localdate()
    response = client_for(network.a[Role.PRIVACY_OFFICER]).post(
        reverse("privacy:incidents"),
        incident_form(organisation=network.a.organisation.pk, known_on=(today - timedelta(days=5)).isoformat()),
    )
    assert response.status_code == 422
    assert not ConfidentialityIncident.objects.exists()


def test_another_organisations_incident_is_404(network):
    incident = services.incident_record(
        actor=network.a[Role.PRIVACY_OFFICER],
        organisation=network.a.organisation,
        description="Lost laptop",
        occurred_on=timezone.localdate(),
        known_on=timezone.localdate(),
        data_groups=[DataGroup.IDENTITY],
        people_count=1,
        serious_injury_risk=False,
        risk_assessment="Encrypted disk",
        measures="Remote wipe",
    )
    other = client_for(network.b[Role.PRIVACY_OFFICER])
    assert other.get(reverse("privacy:incident", args=[incident.pk])).status_code == 404
    assert other.get(reverse("privacy:incident-notice", args=[incident.pk])).status_code == 404
    assert "Lost laptop" not in other.get(reverse("privacy:incidents")).content.decode()
