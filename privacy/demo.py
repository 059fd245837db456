"""The privacy desk's demo: an access request waiting for its answer, a correction of a file, a
communication without consent and a confidentiality incident at the demo hub, so that the privacy
officer's pages have something to show (fictional people and events)."""

from datetime import timedelta

from django.utils import timezone

from organisations.demo import HUB
from organisations.models import Organisation, User
from people.choices import DataGroup
from people.models import Person
from privacy import services
from privacy.choices import RequestChannel, RequestKind
from privacy.models import PrivacyRequest

PRIVACY_OFFICER = "vie-privee@accueil-quebec.example"
COORDINATOR = "coordination@accueil-quebec.example"


def load_demo_privacy() -> int:
    """Create the demo entries unless the hub already has a request (after the demo people)."""
    hub = Organisation.objects.get(slug=HUB)
    if PrivacyRequest.objects.filter(organisation=hub).exists():
        return 0
    person = Person.objects.filter(owner=hub, given_names="María José").first()
    if person is None:
        return 0
    officer = User.objects.get(email=PRIVACY_OFFICER)
    coordinator = User.objects.get(email=COORDINATOR)
    today = timezone.localdate()
    services.request_record(
        actor=officer,
        person=person,
        kind=RequestKind.ACCESS,
        received_on=today - timedelta(days=26),
        channel=RequestChannel.IN_PERSON,
        language="es",
    )
    services.person_rectify(
        actor=officer, person=person, field="phone", value="418 555-0199", reason="La persona cambió de número."
    )
    services.emergency_record(
        actor=coordinator,
        person=person,
        communicated_at=timezone.now() - timedelta(days=3),
        recipient="Service de police de la Ville de Québec, 911",
        information="Adresse actuelle de la personne.",
        reason="Menaces de mort d'un ex-conjoint signalées par la personne.",
        decided_by=coordinator,
    )
    services.incident_record(
        actor=officer,
        organisation=hub,
        description="Un courriel contenant une liste de noms a été envoyé au mauvais partenaire.",
        occurred_on=today - timedelta(days=12),
        known_on=today - timedelta(days=11),
        data_groups=[DataGroup.IDENTITY, DataGroup.CONTACT],
        people_count=4,
        serious_injury_risk=False,
        risk_assessment="Partenaire du réseau, courriel supprimé et confirmé par écrit le jour même.",
        measures="Rappel de la procédure d'envoi; adresses vérifiées avant chaque envoi.",
    )
    return 4
