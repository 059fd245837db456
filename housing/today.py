"""The housing part of the today page (registered by ``HousingConfig.ready``): for a hub, the
arrivals it expects tonight and its holds about to expire; for a housing provider, arrivals
tonight and tomorrow, departures and the sites whose beds nobody confirmed today."""

from datetime import datetime, time, timedelta

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from housing import selectors
from housing.availability import AVAILABILITY_STREAM
from housing.choices import HoldStatus, StayStatus
from organisations.choices import OrganisationKind
from organisations.permissions import Action
from organisations.selectors import case_organisations
from organisations.today import TodaySection, counted

# A hold "expiring" on the today page: it lapses within this delay unless extended.
EXPIRING_WITHIN = timedelta(hours=2)


def _midnight(day) -> datetime:
    return datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())


def _availability(sites) -> tuple[tuple[str, str], ...]:
    """A hold made, extended or ended changes its site's ``housing.availability`` key."""
    return tuple((AVAILABILITY_STREAM, str(pk)) for pk in sites.values_list("pk", flat=True))


def today_sections(context) -> list[TodaySection]:
    """A "Beds" section for hub case workers, a "My sites" one for provider staff."""
    kinds = context.case_work_kinds
    if OrganisationKind.HUB not in kinds and OrganisationKind.HOUSING_PROVIDER not in kinds:
        return []
    user = context.user
    now = timezone.now()
    today = timezone.localdate(now)
    tonight_ends = _midnight(today + timedelta(days=1)) + timedelta(hours=6)  # tonight runs until morning
    tomorrow_ends = tonight_ends + timedelta(days=1)
    organisations = {org.pk: org.kind for org in case_organisations(user)}
    hubs = [pk for pk, kind in organisations.items() if kind == OrganisationKind.HUB]
    providers = [pk for pk, kind in organisations.items() if kind == OrganisationKind.HOUSING_PROVIDER]
    active = Q(status=HoldStatus.ACTIVE, expires_at__gt=now)
    holds = selectors.hold_list(user=user).aggregate(
        hub_arrivals=Count("pk", filter=active & Q(organisation__in=hubs, expected_arrival_at__lt=tonight_ends)),
        hub_expiring=Count("pk", filter=active & Q(organisation__in=hubs, expires_at__lt=now + EXPIRING_WITHIN)),
        arrivals_tonight=Count(
            "pk", filter=active & Q(site__provider__in=providers, expected_arrival_at__lt=tonight_ends)
        ),
        arrivals_tomorrow=Count(
            "pk",
            filter=active & Q(site__provider__in=providers, expected_arrival_at__range=(tonight_ends, tomorrow_ends)),
        ),
    )
    sections = []
    if hubs:
        board = reverse("housing:board")
        sections.append(
            TodaySection(
                title=_("Beds"),
                items=[
                    counted(_("Arrivals expected tonight"), board, holds["hub_arrivals"]),
                    counted(_("Holds expiring within two hours"), board, holds["hub_expiring"], late=True),
                ],
                links=[(board, _("Find a bed"))],
                streams=_availability(selectors.site_list(user=user)),
            )
        )
    if providers:
        page = reverse("housing:provider")
        departures = (
            selectors.stay_list(user=user)
            .filter(status=StayStatus.ACTIVE, site__provider__in=providers, planned_end_at__lt=tonight_ends)
            .count()
        )
        unconfirmed = (
            selectors.site_list(user=user, action=Action.CHANGE)
            .filter(is_active=True, provider__in=providers)
            .filter(Q(last_confirmed_at__isnull=True) | Q(last_confirmed_at__lt=_midnight(today)))
            .count()
        )
        sections.append(
            TodaySection(
                title=_("My sites"),
                items=[
                    counted(_("Arrivals tonight"), page, holds["arrivals_tonight"]),
                    counted(_("Arrivals tomorrow"), page, holds["arrivals_tomorrow"]),
                    counted(_("Departures today"), page, departures),
                    counted(_("Sites whose beds are not confirmed today"), page, unconfirmed, late=True),
                ],
                links=[(page, _("My sites"))],
                streams=_availability(selectors.site_list(user=user).filter(provider__in=providers)),
            )
        )
    return sections
