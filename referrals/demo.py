"""Demo person files and referrals for the demo network (fictional people), so that every demo
login has something to work on: the employment agent finds referrals in its inbox."""

from datetime import date, timedelta

from django.utils import timezone

from organisations.choices import NeedCategory
from organisations.demo import HUB
from organisations.models import Organisation, User
from people import services as people_services
from people.choices import ClaimPathway, ConsentMethod, DataGroup, IntakeChannel, MilestoneKind, NeedUrgency
from people.models import Person, PrivacyNotice
from referrals import services as referral_services

WORKER = "intervenant@accueil-quebec.example"
EMPLOYMENT = "emploi-nouveaux-arrivants"
HEALTH = "sante-capitale"

PEOPLE = [
    # given, family, birth, pathway, the referral to make: (partner, need, groups, then actions)
    (
        "María José",
        "García López",
        date(1991, 3, 14),
        ClaimPathway.PORT_OF_ENTRY_AIR,
        (EMPLOYMENT, NeedCategory.EMPLOYMENT, [DataGroup.IDENTITY, DataGroup.CONTACT], []),
    ),
    (
        "Carlos Andrés",
        "Pérez Gómez",
        date(1986, 11, 2),
        ClaimPathway.INLAND_ONLINE_PORTAL,
        (
            EMPLOYMENT,
            NeedCategory.EMPLOYMENT,
            [DataGroup.IDENTITY, DataGroup.CONTACT, DataGroup.IMMIGRATION],
            [("request_info", "¿La persona ya tiene su permiso de trabajo abierto?")],
        ),
    ),
    (
        "Yuliana",
        "Rodríguez",
        date(1998, 7, 21),
        ClaimPathway.PORT_OF_ENTRY_LAND,
        (HEALTH, NeedCategory.HEALTH_PHYSICAL, [DataGroup.IDENTITY, DataGroup.HEALTH], [("accept", "")]),
    ),
]


# The hub's privacy notice (Law 25, s. 8), version 1, shown on its consent form.
DEMO_NOTICE = {
    "privacy_officer_contact": "Responsable de la protection des renseignements personnels, 418 555-0100, "
    "vie-privee@accueil-quebec.example",
    "text_fr": (
        "Nous recueillons vos renseignements pour vous accueillir et vous orienter vers nos partenaires "
        "(emploi, santé, hébergement, aide alimentaire). Nous ne les communiquons à un partenaire qu'avec "
        "votre consentement, pour le besoin et les renseignements que vous choisissez, et pour une durée "
        "limitée. Vous pouvez retirer votre consentement en tout temps, consulter votre dossier, en "
        "obtenir une copie et le faire corriger."
    ),
    "text_en": (
        "We collect your information to welcome you and refer you to our partners (employment, health, "
        "housing, food aid). We share it with a partner only with your consent, for the need and the "
        "information you choose, and for a limited time. You may withdraw your consent at any time, see "
        "your file, get a copy of it and have it corrected."
    ),
    "text_es": (
        "Recopilamos su información para recibirle y derivarle a nuestros socios (empleo, salud, "
        "vivienda, ayuda alimentaria). Solo la compartimos con un socio con su consentimiento, para la "
        "necesidad y la información que usted elija, y por un tiempo limitado. Puede retirar su "
        "consentimiento en cualquier momento, consultar su expediente, obtener una copia y pedir que "
        "se corrija."
    ),
}


def load_demo_referrals() -> int:
    """Create the hub's privacy notice, then the demo people and their referrals, unless the hub
    already has them."""
    hub = Organisation.objects.get(slug=HUB)
    PrivacyNotice.objects.get_or_create(
        organisation=hub, version=1, defaults={**DEMO_NOTICE, "published_on": timezone.localdate() - timedelta(days=30)}
    )
    worker = User.objects.get(email=WORKER)
    created = 0
    for given, family, birth, pathway, (partner_slug, need, groups, actions) in PEOPLE:
        if Person.objects.filter(owner=hub, given_names=given, family_names=family).exists():
            continue
        person = people_services.person_create(
            actor=worker,
            owner=hub,
            given_names=given,
            family_names=family,
            date_of_birth=birth,
            claim_pathway=pathway,
            intake_channel=IntakeChannel.WALK_IN,
            preferred_language="es",
            phone="418 555-01" + str(10 + created),
            arrival_date=timezone.localdate() - timedelta(days=20),
        )
        people_services.milestone_record(
            actor=worker,
            person=person,
            kind=MilestoneKind.CLAIM_MADE,
            occurred_on=timezone.localdate() - timedelta(days=10),
        )
        people_services.need_record(actor=worker, person=person, category=need, urgency=NeedUrgency.DAYS)
        partner = Organisation.objects.get(slug=partner_slug)
        consent = people_services.consent_record(
            actor=worker,
            person=person,
            recipient=partner,
            purposes=[need],
            data_groups=groups,
            express=bool(set(groups) - {DataGroup.IDENTITY, DataGroup.CONTACT, DataGroup.HOUSEHOLD}),
            method=ConsentMethod.SIGNED,
            language="es",
            interpreter_assisted=False,
            valid_until=timezone.localdate() + timedelta(days=180),
        )
        referral = referral_services.referral_create(
            actor=worker,
            sender=hub,
            recipient=partner,
            person=person,
            need_category=need,
            urgency=NeedUrgency.DAYS,
            shared_groups=groups,
            consent=consent,
            reason="Référence de démonstration.",
        )
        for action, note in actions:
            agent = partner.memberships.filter(is_active=True, role__in=["worker", "coordinator", "admin"]).first()
            actor = agent.user if agent else None
            referral = referral_services.referral_transition(
                actor=actor, referral=referral, action=action, expected_version=referral.version, note=note
            )
        created += 1
    return created
