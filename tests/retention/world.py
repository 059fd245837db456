"""A retention world written in May 2020: a hub and a partner, an old file with everything the
hub writes about a person (needs, an intervention, a closed referral and its thread, a hold, a
notification), a file under legal hold with the same, and a recent file written in 2027."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import time_machine
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from housing.models import Hold
from notifications.models import Notification
from organisations.choices import NeedCategory, OrganisationKind, PartnershipScope, Role
from organisations.models import Organisation, User
from people import services as people_services
from people.choices import InterventionType
from people.models import Person
from referrals import services as referral_services
from referrals.choices import ReferralStatus
from referrals.models import Referral
from retention import services as retention_services
from tests import factories
from tests.casework import consent_for

WRITTEN = datetime(2020, 5, 14, 16, 0, tzinfo=UTC)
RECENT = datetime(2027, 9, 1, 16, 0, tzinfo=UTC)
# Eight years later: past every retention period of the old files, within none of the recent one.
LATER = datetime(2028, 6, 1, 16, 0, tzinfo=UTC)

PHONE = "418 555-0199"
SECRET = "violent partner in Laval"


@dataclass
class RetentionWorld:
    hub: Organisation
    partner: Organisation
    worker: User
    partner_agent: User
    officer: User
    old: Person
    held: Person
    recent: Person
    referral: Referral
    hold: Hold


def file_with_history(world_parts: dict, given_names: str) -> tuple[Person, Referral]:
    """A person with a need, an intervention, a closed referral with a message, all written now."""
    hub, partner, worker = world_parts["hub"], world_parts["partner"], world_parts["worker"]
    person = people_services.person_create(
        actor=worker, owner=hub, given_names=given_names, family_names="García", phone=PHONE, notes=SECRET
    )
    people_services.need_record(
        actor=worker, person=person, category=NeedCategory.EMPLOYMENT, note=SECRET, urgency="days"
    )
    people_services.intervention_log(
        actor=worker,
        organisation=hub,
        people=[person],
        type=InterventionType.INTAKE_WELCOME,
        language_used="es",
        note=SECRET,
    )
    consent = consent_for(worker, person, partner)
    referral = referral_services.referral_create(
        actor=worker,
        sender=hub,
        recipient=partner,
        person=person,
        consent=consent,
        need_category=NeedCategory.EMPLOYMENT,
        urgency="days",
        shared_groups=["identity", "contact"],
        reason=SECRET,
    )
    referral_services.referral_message_post(actor=worker, referral=referral, body=f"Call her at {PHONE}")
    Referral.objects.filter(pk=referral.pk).update(status=ReferralStatus.COMPLETED, closed_at=timezone.now())
    Notification.objects.create(
        recipient=world_parts["partner_agent"],
        organisation=partner,
        kind="referrals.received",
        content_type=ContentType.objects.get_for_model(Referral),
        object_id=referral.pk,
        params={"person": str(person)},
    )
    return person, referral


def build_retention_world() -> RetentionWorld:
    from tests.housing.world import build_housing_world

    with time_machine.travel(WRITTEN, tick=False):
        housing = build_housing_world()
        hub = housing.hub
        partner = factories.organisation(kind=OrganisationKind.EMPLOYMENT)
        # The agreement lasts from the first file to the recent one, years later.
        partnership = factories.partnership(hub, partner, PartnershipScope.REFERRALS, with_agreement=False)
        factories.agreement(partnership, valid_until=RECENT.date() + timedelta(days=365))
        parts = {
            "hub": hub,
            "partner": partner,
            "worker": housing.hub_worker,
            "partner_agent": factories.member(partner, Role.WORKER),
        }
        officer = factories.member(hub, Role.PRIVACY_OFFICER)
        old, referral = file_with_history(parts, "Ana")
        held, _held_referral = file_with_history(parts, "Rosa")
        hold = Hold.objects.create(
            site=housing.site,
            organisation=hub,
            person=old,
            held_by=housing.hub_worker,
            expires_at=WRITTEN + timedelta(hours=4),
            code="K7Q2",
            override_reason=SECRET,
            status="released",
            ended_at=WRITTEN + timedelta(hours=1),
        )
        retention_services.legal_hold_set(actor=officer, person_id=held.pk, reason="Court order 2020-118")
    with time_machine.travel(RECENT, tick=False):
        recent, _recent_referral = file_with_history(parts, "Lucía")
    return RetentionWorld(
        hub=hub,
        partner=partner,
        worker=housing.hub_worker,
        partner_agent=parts["partner_agent"],
        officer=officer,
        old=old,
        held=held,
        recent=recent,
        referral=referral,
        hold=hold,
    )
