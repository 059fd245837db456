"""A network for notification tests: a hub, the partner it refers to, another partner and the city,
each with one member per role; a person with a consent for the partner."""

from dataclasses import dataclass

from django.db.models import Q

from notifications.models import Notification
from organisations.choices import NeedCategory, OrganisationKind, PartnershipScope, Role
from organisations.models import User
from people.choices import DataGroup, NeedUrgency
from referrals import services as referral_services
from referrals.models import Referral
from tests import factories
from tests.casework import consent_for

ALL_ROLES = tuple(Role)

# How each language writes "referral number 12" in a notification (French and Spanish typography).
_REFERRAL_NUMBER = {"fr-ca": "nº\xa0{number}", "en-ca": "#{number}", "es-419": "n.º {number}"}


def referral_number(referral_id: int, language: str) -> str:
    """A referral's number as a notification written in ``language`` shows it."""
    return _REFERRAL_NUMBER[language].format(number=referral_id)


@dataclass
class NotificationWorld:
    hub: factories.Side
    partner: factories.Side
    other: factories.Side
    city: factories.Side
    person: object
    consent: object

    @property
    def everyone(self) -> list[User]:
        return [user for side in (self.hub, self.partner, self.other, self.city) for user in side.users.values()]

    def refer(self, **fields) -> Referral:
        fields.setdefault("need_category", NeedCategory.EMPLOYMENT)
        fields.setdefault("urgency", NeedUrgency.DAYS)
        fields.setdefault("shared_groups", [DataGroup.IDENTITY, DataGroup.CONTACT])
        return referral_services.referral_create(
            actor=self.hub[Role.WORKER],
            sender=self.hub.organisation,
            recipient=self.partner.organisation,
            person=self.person,
            consent=self.consent,
            **fields,
        )


def build() -> NotificationWorld:
    hub = factories.side(OrganisationKind.HUB, ALL_ROLES)
    partner = factories.side(OrganisationKind.EMPLOYMENT, ALL_ROLES)
    other = factories.side(OrganisationKind.EMPLOYMENT, ALL_ROLES)
    city = factories.side(OrganisationKind.CITY, (Role.LIAISON,))
    for target in (partner, other):
        factories.partnership(hub.organisation, target.organisation, PartnershipScope.REFERRALS)
    person = factories.person(hub.organisation, actor=hub[Role.WORKER])
    consent = consent_for(hub[Role.WORKER], person, partner.organisation)
    return NotificationWorld(hub=hub, partner=partner, other=other, city=city, person=person, consent=consent)


def recipients(kind: str, **filters) -> set[User]:
    """Who got a notification of ``kind`` (about the object in ``filters``, if given)."""
    query = Q(kind=kind)
    if filters:
        query &= Q(**filters)
    return {n.recipient for n in Notification.objects.filter(query).select_related("recipient")}
