"""The privacy registers under retention: what they say of a person goes with the person's file,
the fact that something happened stays; an incident is destroyed 5 years after it was known."""

from datetime import date

import time_machine

from privacy.models import ConfidentialityIncident, EmergencyCommunication, PrivacyRequest, Rectification
from retention import services
from tests.retention.world import LATER, PHONE, SECRET, WRITTEN


def registers_for(world, person):
    common = {"organisation": world.hub, "person": person}
    Rectification.objects.create(
        **common, field="phone", old_value=PHONE, new_value="418 555-0100", reason=SECRET, changed_by=world.officer
    )
    EmergencyCommunication.objects.create(
        **common,
        communicated_at=WRITTEN,
        recipient="Service de police de la Ville de Québec",
        information=SECRET,
        reason=SECRET,
        decided_by=world.officer,
        recorded_by=world.officer,
    )
    PrivacyRequest.objects.create(
        **common,
        received_on=WRITTEN.date(),
        channel="in_person",
        language="es",
        due_on=WRITTEN.date(),
        representative_name="Ana García",
        note=SECRET,
        recorded_by=world.officer,
    )


def incident(world, known_on: date, keep_until: date) -> ConfidentialityIncident:
    return ConfidentialityIncident.objects.create(
        organisation=world.hub,
        description=SECRET,
        occurred_on=known_on,
        known_on=known_on,
        data_groups=["contact"],
        people_count=1,
        serious_injury_risk=False,
        risk_assessment="Faible",
        measures="Mot de passe changé",
        keep_until=keep_until,
        recorded_by=world.officer,
    )


def test_what_the_registers_say_of_a_person_goes_with_the_file_and_old_incidents_go(world):
    with time_machine.travel(WRITTEN, tick=False):
        registers_for(world, world.old)
        registers_for(world, world.recent)
        old_incident = incident(world, date(2020, 5, 14), date(2025, 5, 14))
    recent_incident = incident(world, date(2027, 9, 1), date(2032, 9, 1))
    with time_machine.travel(LATER, tick=False):
        services.retention_apply()

    rectification = Rectification.objects.get(person=world.old)
    assert (rectification.old_value, rectification.new_value, rectification.reason) == ("", "", "")
    assert rectification.field == "phone"
    communication = EmergencyCommunication.objects.get(person=world.old)
    assert (communication.information, communication.reason) == ("", "")
    assert communication.recipient and communication.decided_by == world.officer
    request = PrivacyRequest.objects.get(person=world.old)
    assert (request.representative_name, request.note) == ("", "")
    # The recent file's registers are untouched.
    assert Rectification.objects.get(person=world.recent).old_value == PHONE
    assert EmergencyCommunication.objects.get(person=world.recent).information == SECRET
    assert PrivacyRequest.objects.get(person=world.recent).note == SECRET
    # The incident known in 2020 is past 5 years and its keep_until; the one of 2027 is kept.
    assert list(ConfidentialityIncident.objects.values_list("pk", flat=True)) == [recent_incident.pk]
    assert old_incident.pk not in ConfidentialityIncident.objects.values_list("pk", flat=True)
