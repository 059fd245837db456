"""The rules the referral pages read: which partner services answer a need (in the person's
language first), which consents cover a referral, and whom a declined referral may go to next."""

from dataclasses import dataclass

import pytest

from organisations.choices import NeedCategory, OrganisationKind, Role
from organisations.models import Organisation, User
from organisations.selectors import referral_partners
from people.choices import DataGroup
from people.models import Person
from referrals import selectors
from tests import factories

IDENTITY, CONTACT, NOTES = DataGroup.IDENTITY, DataGroup.CONTACT, DataGroup.NOTES


@dataclass
class World:
    hub: Organisation
    worker: User
    alpha: Organisation  # a partner with a service in Spanish
    beta: Organisation  # a partner with a service in French only
    stranger: Organisation  # not a partner of the hub
    person: Person  # speaks Spanish


@pytest.fixture
def world(db) -> World:
    hub = factories.organisation(kind=OrganisationKind.HUB, name="Centre d'accueil")
    worker = factories.member(hub, Role.WORKER)
    alpha = factories.organisation(kind=OrganisationKind.EMPLOYMENT, name="Alpha emploi")
    beta = factories.organisation(kind=OrganisationKind.EMPLOYMENT, name="Beta emploi")
    stranger = factories.organisation(kind=OrganisationKind.EMPLOYMENT, name="Aaa emploi")
    for partner in (alpha, beta):
        factories.partnership(hub, partner)
    return World(
        hub=hub,
        worker=worker,
        alpha=alpha,
        beta=beta,
        stranger=stranger,
        person=factories.person(hub, actor=worker, preferred_language="es"),
    )


def partner_services(world, need_category, language):
    return selectors.partner_services(
        user=world.worker,
        partners=referral_partners(user=world.worker, organisation=world.hub),
        need_category=need_category,
        language=language,
    )


def test_partner_services_answer_the_need_in_the_persons_language_when_some_do(world):
    employment = [NeedCategory.EMPLOYMENT]
    in_spanish = factories.service(world.alpha, name="Recherche d'emploi", need_categories=employment, languages=["es"])
    in_french = factories.service(world.beta, name="Atelier CV", need_categories=employment, languages=["fr"])
    factories.service(world.alpha, name="Épicerie", need_categories=[NeedCategory.FOOD], languages=["es"])
    factories.service(world.stranger, name="Emploi ailleurs", need_categories=employment, languages=["es"])

    assert partner_services(world, NeedCategory.EMPLOYMENT, "es") == ([in_spanish], True)
    # Nobody speaks Arabic: every service that answers the need, by organisation, flagged.
    assert partner_services(world, NeedCategory.EMPLOYMENT, "ar") == ([in_spanish, in_french], False)


def test_only_consents_in_force_for_the_need_count_and_one_consent_must_cover_every_group(world):
    older = factories.consent(
        world.person, world.alpha, actor=world.worker, purposes=[NeedCategory.EMPLOYMENT], data_groups=[IDENTITY]
    )
    newer = factories.consent(
        world.person,
        world.alpha,
        actor=world.worker,
        purposes=[NeedCategory.EMPLOYMENT],
        data_groups=[IDENTITY, CONTACT],
    )
    factories.consent(
        world.person,
        world.alpha,
        actor=world.worker,
        purposes=[NeedCategory.FOOD],
        data_groups=[IDENTITY, NOTES],
        express=True,
    )
    factories.consent(world.person, world.beta, actor=world.worker, purposes=[NeedCategory.FOOD])

    employment = {"user": world.worker, "person": world.person, "need_category": NeedCategory.EMPLOYMENT}
    assert selectors.consenting_recipient_ids(**employment) == {world.alpha.pk}
    consents = selectors.covering_consents(recipient_id=world.alpha.pk, **employment)
    assert consents == [newer, older]
    assert selectors.consent_covering(consents, [IDENTITY]) == newer
    assert selectors.consent_covering(consents, [IDENTITY, CONTACT]) == newer
    assert selectors.consent_covering([older], [IDENTITY, CONTACT]) is None
    # Notes were consented for food only.
    assert selectors.consent_covering(consents, [IDENTITY, NOTES]) is None


def test_a_referral_goes_next_only_to_the_other_partners_whose_consent_covers_it(world):
    gamma = factories.organisation(kind=OrganisationKind.EMPLOYMENT, name="Gamma emploi")
    factories.partnership(world.hub, gamma)
    referral = factories.referral(
        world.hub,
        world.alpha,
        person=world.person,
        actor=world.worker,
        need_category=NeedCategory.EMPLOYMENT,
        shared_groups=[IDENTITY, CONTACT],
    )
    factories.consent(world.person, world.beta, actor=world.worker, purposes=[NeedCategory.EMPLOYMENT])
    factories.consent(
        world.person, gamma, actor=world.worker, purposes=[NeedCategory.EMPLOYMENT], data_groups=[IDENTITY]
    )

    partners = referral_partners(user=world.worker, organisation=world.hub)
    covered, some_lack_consent = selectors.rerefer_partners(user=world.worker, referral=referral, partners=partners)
    assert covered == [world.beta]
    assert some_lack_consent
