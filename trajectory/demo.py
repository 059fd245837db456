"""The demo hub's trajectory: Passerelle's proposed one, in force, with its entitlements and
guides, put there by the demo coordinator (after the demo people, who follow it); a programme,
an interpreter request and an assessment, so that those pages have something to show."""

from datetime import timedelta

from django.utils import timezone

from organisations.choices import OrganisationKind
from organisations.demo import HUB
from organisations.models import Organisation, User
from people.models import Person
from trajectory import services
from trajectory.choices import AssessmentUrgency, InterpreterMode, Vulnerability
from trajectory.models import Trajectory

COORDINATOR = "coordination@accueil-quebec.example"
WORKER = "intervenant@accueil-quebec.example"


def load_demo_trajectory() -> int:
    """Install and publish the proposed trajectory unless the hub already has one; a summer
    employment programme with María José in it, an interpreter asked for Carlos Andrés's
    eligibility interview, and Yuliana's situation assessed as complex."""
    hub = Organisation.objects.get(slug=HUB)
    if Trajectory.objects.filter(organisation=hub).exists():
        return 0
    coordinator = User.objects.get(email=COORDINATOR)
    worker = User.objects.get(email=WORKER)
    services.proposed_content_install(actor=coordinator, organisation=hub, publish=True)
    today = timezone.localdate()
    programme = services.programme_save(
        actor=coordinator,
        organisation=hub,
        name="Premier emploi — été",
        starts_on=today - timedelta(days=30),
        ends_on=today + timedelta(days=90),
        capacity=50,
        eligibility="Demandeurs d'asile avec un permis de travail ouvert, sans emploi.",
        partners=Organisation.objects.filter(kind__in=[OrganisationKind.EMPLOYMENT, OrganisationKind.HOUSING_PROVIDER]),
    )
    people = {person.given_names: person for person in Person.objects.filter(owner=hub)}
    if "María José" in people:
        services.enrolment_create(actor=worker, programme=programme, person=people["María José"])
    if "Carlos Andrés" in people:
        services.interpreter_request_create(
            actor=worker,
            person=people["Carlos Andrés"],
            language="es",
            needed_at=timezone.now() + timedelta(days=2),
            mode=InterpreterMode.IN_PERSON,
            provider="Banque régionale d'interprètes",
            purpose="Entrevue de recevabilité",
        )
    if "Yuliana" in people:
        services.assessment_record(
            actor=worker,
            person=people["Yuliana"],
            vulnerabilities=[Vulnerability.HEALTH, Vulnerability.NO_INCOME],
            urgency=AssessmentUrgency.DAYS,
            complex_situation=True,
            review_on=today + timedelta(days=14),
        )
    return 1
