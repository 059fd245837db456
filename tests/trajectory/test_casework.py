"""Case work around the path: interpreter requests, assessments and the people in a complex
situation, programmes with their places and outcomes, and the trajectory's report through the
suppression."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from organisations.choices import OrganisationKind, Role
from organisations.errors import ApplicationError, NotFoundError
from people import services as people_services
from people.choices import MilestoneKind
from reports import trajectory as trajectory_report
from reports.suppression import HIDDEN, SHOWN, SMALL
from tests import factories
from tests.auth import login
from tests.reports.test_suppression import possible_values
from tests.trajectory.world import build_path_world
from trajectory import selectors, services
from trajectory.choices import AssessmentUrgency, EnrolmentOutcome, InterpreterStatus, Vulnerability


@pytest.fixture
def world(db):
    return build_path_world()


def client_for(user) -> Client:
    client = Client()
    login(client, user)
    return client


def ask_interpreter(world, **fields):
    fields.setdefault("language", "qu")
    fields.setdefault("needed_at", timezone.now() + timedelta(days=2))
    fields.setdefault("mode", "in_person")
    fields.setdefault("provider", "Banque régionale d'interprètes")
    fields.setdefault("purpose", "Examen médical")
    return services.interpreter_request_create(actor=world.case.hub_worker, person=world.case.person, **fields)


def test_an_interpreter_request_is_the_hubs_case_work(world):
    request = ask_interpreter(world)
    hub_worker = world.case.hub_worker
    services.interpreter_request_update(actor=hub_worker, request=request, status=InterpreterStatus.NOT_FOUND)
    assert request.status == InterpreterStatus.NOT_FOUND
    with pytest.raises(NotFoundError):
        services.interpreter_request_update(
            actor=world.case.partner_agent, request=request, status=InterpreterStatus.CONFIRMED
        )
    with pytest.raises(ValidationError):
        ask_interpreter(world, needed_at=timezone.now() - timedelta(days=90))
    partner = client_for(world.case.partner_agent)
    url = reverse("trajectory:interpreter-update", args=[request.pk])
    assert partner.post(url, {"status": "confirmed"}).status_code == 404
    request.refresh_from_db()
    assert request.status == InterpreterStatus.NOT_FOUND


def test_the_file_asks_for_an_interpreter_and_says_none_was_found(world):
    client = client_for(world.case.hub_worker)
    person = world.case.person
    response = client.post(
        reverse("trajectory:interpreter-create", args=[person.pk]),
        {
            "language": "pt",
            "needed_at": (timezone.localtime() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
            "mode": "phone",
            "provider": "Bénévole",
            "purpose": "Rendez-vous à l'aide juridique",
        },
    )
    assert response.status_code == 302
    html = client.get(reverse("people:file", args=[person.pk])).content.decode()
    assert 'id="interpreter-requests"' in html and "Rendez-vous à l&#x27;aide juridique" in html


def test_the_latest_assessment_decides_who_is_in_a_complex_situation(world):
    case = world.case
    today = timezone.localdate()
    services.assessment_record(
        actor=case.hub_worker,
        person=case.person,
        vulnerabilities=[Vulnerability.NO_SHELTER, Vulnerability.PREGNANCY],
        urgency=AssessmentUrgency.IMMEDIATE,
        complex_situation=True,
        review_on=today + timedelta(days=7),
        assessed_on=today - timedelta(days=1),
    )
    assert [a.person_id for a in selectors.complex_situations(user=case.hub_worker)] == [case.person.pk]
    html = client_for(case.hub_worker).get(reverse("trajectory:complex")).content.decode()
    assert "María José García López" in html and 'id="complex-situations"' in html
    services.assessment_record(
        actor=case.hub_worker, person=case.person, urgency=AssessmentUrgency.WEEKS, complex_situation=False
    )
    assert selectors.complex_situations(user=case.hub_worker) == []
    with pytest.raises(ValidationError):
        services.assessment_record(
            actor=case.hub_worker,
            person=case.person,
            urgency=AssessmentUrgency.DAYS,
            review_on=today - timedelta(days=3),
        )
    assert client_for(case.partner_agent).get(reverse("trajectory:complex")).status_code == 404
    assert selectors.complex_situations(user=case.partner_agent) == []


def test_a_programme_takes_its_places_and_records_outcomes(world):
    case = world.case
    today = timezone.localdate()
    programme = services.programme_save(
        actor=world.coordinator,
        organisation=case.hub,
        name="Premier emploi",
        starts_on=today,
        ends_on=today + timedelta(days=90),
        capacity=1,
        partners=[case.partner],
    )
    enrolment = services.enrolment_create(actor=case.hub_worker, programme=programme, person=case.person)
    other = people_services.person_create(actor=case.hub_worker, owner=case.hub, given_names="Luis", family_names="Paz")
    with pytest.raises(ApplicationError) as full:
        services.enrolment_create(actor=case.hub_worker, programme=programme, person=other)
    assert full.value.code == "programme_full"
    with pytest.raises(ApplicationError):
        services.enrolment_create(actor=case.hub_worker, programme=programme, person=case.person)
    services.enrolment_outcome_record(
        actor=case.hub_worker, enrolment=enrolment, outcome=EnrolmentOutcome.EMPLOYMENT_STARTED
    )
    # The place is free again for the next person.
    services.enrolment_create(actor=case.hub_worker, programme=programme, person=other)
    with pytest.raises(ValidationError):
        services.programme_save(
            actor=world.coordinator,
            organisation=case.hub,
            name="À l'envers",
            starts_on=today,
            ends_on=today - timedelta(days=1),
            capacity=5,
        )
    with pytest.raises(NotFoundError):
        services.programme_save(
            actor=case.hub_worker, organisation=case.hub, name="x", starts_on=today, ends_on=today, capacity=1
        )
    partner = client_for(case.partner_agent)
    assert partner.get(reverse("trajectory:programme", args=[programme.pk])).status_code == 404


def test_the_report_counts_through_the_suppression_outside_the_hub(world):
    case = world.case
    liaison = factories.member(factories.organisation(kind=OrganisationKind.CITY), Role.LIAISON)
    coordinator = client_for(world.coordinator)
    today = timezone.localdate()
    people_services.person_update(actor=case.hub_worker, person=case.person, arrival_date=today - timedelta(days=30))
    people_services.milestone_record(
        actor=case.hub_worker, person=case.person, kind=MilestoneKind.CLAIM_MADE, occurred_on=today - timedelta(days=28)
    )
    request = ask_interpreter(world)
    services.interpreter_request_update(actor=case.hub_worker, request=request, status=InterpreterStatus.NOT_FOUND)
    exact = coordinator.get(reverse("reports:trajectory")).content.decode()
    assert 'id="people_by_phase"' in exact and 'id="unmet_interpreters"' in exact
    assert ">1</td>" in exact  # the hub's coordinator sees the one person as one
    suppressed = client_for(liaison).get(reverse("reports:trajectory")).content.decode()
    assert "&lt;5" in suppressed and ">1</td>" not in suppressed
    assert "María José" not in suppressed
    # Each programme's own table, for its funders.
    today = timezone.localdate()
    programme = services.programme_save(
        actor=world.coordinator, organisation=case.hub, name="Été", starts_on=today, ends_on=today, capacity=5
    )
    services.enrolment_create(actor=case.hub_worker, programme=programme, person=case.person)
    assert f'id="programme_{programme.pk}"' in client_for(liaison).get(reverse("reports:trajectory")).content.decode()
    assert client_for(case.hub_worker).get(reverse("reports:trajectory")).status_code == 404


def test_no_programme_figure_can_be_worked_out_from_the_others(world):
    """The outside test's case: programme A (7 people, 1 left), B (5, all left), C (1 left). With
    each table suppressed alone, the overall "left" (7) minus B's (5) gave A's and C's hidden
    "<5" away as 1 each. Suppressed together, no small cell has a single possible value."""
    case = world.case
    today = timezone.localdate()

    def programme(name, people, left):
        found = services.programme_save(
            actor=world.coordinator, organisation=case.hub, name=name, starts_on=today, ends_on=today, capacity=20
        )
        for index in range(people):
            person = people_services.person_create(
                actor=case.hub_worker, owner=case.hub, given_names=f"{name}{index}", family_names="Test"
            )
            enrolment = services.enrolment_create(actor=case.hub_worker, programme=found, person=person)
            if index < left:
                services.enrolment_outcome_record(actor=case.hub_worker, enrolment=enrolment, outcome="left")
        return found

    programmes = [programme("A", 7, 1), programme("B", 5, 5), programme("C", 1, 1)]
    values, groups = trajectory_report.programme_cells(programmes)
    assert values[("all", "left")] == 7
    # What the page shows, read back as a reader would: "<5" small, "x" hidden, else shown.
    tables = {table.key: table for table in trajectory_report.trajectory_report(suppressed=True)}
    labels = dict(EnrolmentOutcome.choices)
    status = {}
    for owner in ["all", *(found.pk for found in programmes)]:
        table = tables["programme_outcomes" if owner == "all" else f"programme_{owner}"]
        rows = {**dict(table.rows), "__total__": table.total}
        for code in [*EnrolmentOutcome.values, trajectory_report.TOTAL]:
            display = rows[str(labels[code])] if code in labels else rows["__total__"]
            status[(owner, code)] = {"<5": SMALL, "x": HIDDEN}.get(display, SHOWN)
    for cell, options in possible_values(values, status, groups).items():
        assert len(options) >= 2, f"{cell} can be worked out from the page: {options}"
    assert "A" not in {table.title for table in tables.values()}  # the hub's names stay the hub's


def test_a_refused_form_comes_back_as_typed_with_its_errors(world):
    client = client_for(world.case.hub_worker)
    person = world.case.person
    far = client.post(
        reverse("trajectory:interpreter-create", args=[person.pk]),
        {
            "language": "pt",
            "needed_at": "9999-12-31T23:59",
            "mode": "phone",
            "provider": "Bénévole",
            "purpose": "Audience",
        },
    )
    assert far.status_code == 200 and "field--error" in far.content.decode()
    assert 'value="Bénévole"' in far.content.decode()  # what was typed stays
    today = timezone.localdate()
    backwards = client.post(
        reverse("trajectory:assessment-create", args=[person.pk]),
        {
            "assessed_on": today.isoformat(),
            "urgency": "days",
            "review_on": (today - timedelta(days=3)).isoformat(),
            "note": "Revoir avec la famille",
        },
    )
    assert backwards.status_code == 200 and "Revoir avec la famille" in backwards.content.decode()
    assert not person.assessments.exists()


def test_a_place_freed_cannot_be_taken_twice(world):
    """Two places: one person leaves, a third takes the place; the first cannot then be put
    back as still enrolled (three people for two places)."""
    case = world.case
    today = timezone.localdate()
    programme = services.programme_save(
        actor=world.coordinator, organisation=case.hub, name="Deux places", starts_on=today, ends_on=today, capacity=2
    )
    people = [case.person] + [
        people_services.person_create(actor=case.hub_worker, owner=case.hub, given_names=name, family_names="Paz")
        for name in ("Luis", "Rosa")
    ]
    first = services.enrolment_create(actor=case.hub_worker, programme=programme, person=people[0])
    services.enrolment_create(actor=case.hub_worker, programme=programme, person=people[1])
    # A full programme is not offered on the third person's file.
    html = client_for(case.hub_worker).get(reverse("people:file", args=[people[2].pk])).content.decode()
    assert f'<option value="{programme.pk}"' not in html
    services.enrolment_outcome_record(actor=case.hub_worker, enrolment=first, outcome=EnrolmentOutcome.LEFT)
    services.enrolment_create(actor=case.hub_worker, programme=programme, person=people[2])
    with pytest.raises(ApplicationError) as full:
        services.enrolment_outcome_record(actor=case.hub_worker, enrolment=first, outcome=EnrolmentOutcome.ONGOING)
    assert full.value.code == "programme_full"
    assert programme.enrolments.filter(outcome="").count() == 2
