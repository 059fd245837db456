"""Pages of short-term housing: the live board, a site's page with the hold form, and the
provider's page where staff keep their beds true and confirm arrivals and departures.

Views read through selectors and write through services. A site, hold, stay or bed the user may
not see is a 404. Every page draws its beds from ``site_availability``, the payload of the
``housing.availability`` stream, so the first drawing and every live update show the same thing.
"""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import urlencode
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from housing import eligibility, selectors, services
from housing.availability import ELIGIBILITY_FLAGS, site_availability
from housing.choices import AllocationKind, BedStatus, HoldStatus, RoomKind, StayStatus
from housing.forms import (
    BoardFilterForm,
    CheckInForm,
    CheckOutForm,
    ExtendStayForm,
    HoldExtendForm,
    HoldForm,
    MoveForm,
    OutOfServiceForm,
    UnmetRequestForm,
    add_service_error,
    on_day_at_time_of,
    start_of_day,
)
from housing.models import Bed, BedAllocation, Site
from housing.site_views import SITE_TEXTS
from organisations import permissions
from organisations import selectors as organisation_selectors
from organisations.choices import SPOKEN_LANGUAGES, OrganisationKind
from organisations.errors import ApplicationError, ConflictError, NotFoundError
from organisations.models import Organisation
from organisations.permissions import Action, ObjectPermission
from organisations.texts import missing_languages
from organisations.validators import parse_id
from people import selectors as people_selectors
from people.models import Person

# How many of the hub's most recently updated people and households the hold form offers.
RECENT_OCCUPANTS = 30


# --- Who is asking ------------------------------------------------------------------------------


def hub_organisations(user) -> list[Organisation]:
    """The active hubs whose cases ``user`` works: their staff hold beds and record unmet requests."""
    return list(
        organisation_selectors.organisation_list(user=user)
        .filter(ObjectPermission("work_cases").q(user, Organisation), kind=OrganisationKind.HUB, is_active=True)
        .order_by("name")
    )


def _preselected_person(request, hubs) -> Person | None:
    """The person named by ``?person=`` (a link from a person file), or a member of the household
    named by ``?household=``, if the user's hub owns them. A person or household the user may not
    see (or a dissolved household) is a 404, like the object itself."""
    person_id = parse_id(request.GET.get("person", ""))
    household_id = parse_id(request.GET.get("household", ""))
    if person_id is None and household_id is None:
        if request.GET.get("person") or request.GET.get("household"):
            raise Http404
        return None
    people = people_selectors.person_list(user=request.user).filter(owner__in=hubs).select_related("household")
    if person_id is not None:
        person = people.filter(pk=person_id).first()
    else:
        households = people_selectors.household_list(user=request.user).filter(owner__in=hubs)
        person = people.filter(household__in=households.filter(pk=household_id)).order_by("pk").first()
    if person is None:
        raise Http404
    return person


def occupant_query(request, person: Person | None) -> str:
    """The query that keeps who the board or the site page is for, and the arrival and nights
    asked on the board, from one page to the next (the hold form is pre-filled with them)."""
    if person is None:
        return ""
    form = BoardFilterForm(request.GET)
    form.is_valid()
    query = {"person": person.pk}
    if form.cleaned_data.get("arrival"):
        query["arrival"] = timezone.localtime(form.cleaned_data["arrival"]).strftime("%Y-%m-%dT%H:%M")
    if form.cleaned_data.get("nights"):
        query["nights"] = form.cleaned_data["nights"]
    return urlencode(query)


def _household_size(person: Person | None) -> int:
    if person is None or person.household_id is None:
        return 1
    return max(1, person.household.members.count())


# --- What a site looks like -------------------------------------------------------------------------


def summarise(availability: dict) -> dict:
    """Counts a card shows: free family units (every bed of the unit free), free shared-room beds,
    and beds by status. housing.js computes the same from each live update."""
    units: dict[str, list[str]] = {}
    shared_total = shared_free = 0
    for bed in availability["beds"]:
        if bed["room_kind"] == RoomKind.FAMILY_UNIT:
            units.setdefault(bed["room"], []).append(bed["status"])
        else:
            shared_total += 1
            shared_free += bed["status"] == BedStatus.AVAILABLE
    return {
        "family_units_total": len(units),
        "family_units_free": sum(all(status == BedStatus.AVAILABLE for status in beds) for beds in units.values()),
        "shared_beds_total": shared_total,
        "shared_beds_free": shared_free,
        **availability["counts"],
    }


def rooms_of(availability: dict) -> list[dict]:
    """The site's beds grouped by room, in the payload's order (room name, bed label)."""
    statuses = dict(BedStatus.choices)
    kinds = dict(RoomKind.choices)
    rooms: list[dict] = []
    for bed in availability["beds"]:
        if not rooms or rooms[-1]["name"] != bed["room"]:
            rooms.append(
                {"name": bed["room"], "kind": bed["room_kind"], "kind_label": kinds[bed["room_kind"]], "beds": []}
            )
        rooms[-1]["beds"].append({**bed, "status_label": statuses[bed["status"]]})
    return rooms


def site_view(site: Site) -> dict:
    availability = site_availability(site)
    return {
        "site": site,
        "check_in_hours": eligibility.check_in_hours_text(site),
        "hold_horizon_hours": int(site.hold_horizon.total_seconds() // 3600),
        "hold_grace_minutes": int(site.hold_grace.total_seconds() // 60),
        "availability": availability,
        "summary": summarise(availability),
        "rooms": rooms_of(availability),
        "eligibility": [
            capfirst(Site._meta.get_field(flag).verbose_name) for flag in ELIGIBILITY_FLAGS if getattr(site, flag)
        ],
        "languages": [str(SPOKEN_LANGUAGES.get(code, code)) for code in site.staff_languages or []],
    }


def live_labels() -> dict:
    """Words housing.js writes into the page, in the page's language."""
    return {
        "status": {status.value: str(status.label) for status in BedStatus},
        "room_kind": {kind.value: str(kind.label) for kind in RoomKind},
        "never_confirmed": _("Never"),
        "countdown": _("ends in %(time)s"),
        "countdown_over": _("time is up"),
        "time_zone": timezone.get_current_timezone_name(),
    }


def describe_beds(allocations) -> str:
    """ "Chambre A: 1, 2 · Dortoir: 4": a hold's or a stay's beds, room by room."""
    rooms: dict[str, list[str]] = {}
    for allocation in sorted(allocations, key=lambda a: (a.bed.room.name, a.bed.label)):
        rooms.setdefault(allocation.bed.room.name, []).append(allocation.bed.label)
    return " · ".join(f"{room}: {', '.join(labels)}" for room, labels in rooms.items())


def _active_holds(user, site: Site):
    now = timezone.now()
    beds = Prefetch(
        "allocations",
        BedAllocation.objects.filter(kind=AllocationKind.HOLD, moved_out_by__isnull=True)
        .select_related("bed__room")
        .order_by("bed__label"),
        to_attr="held_beds",
    )
    holds = selectors.with_occupants(
        user=user,
        rows=selectors.hold_list(user=user)
        .filter(site=site, status=HoldStatus.ACTIVE, expires_at__gt=now)
        .prefetch_related(beds)
        .order_by("expected_arrival_at", "expires_at"),
    )
    for hold in holds:
        hold.beds_text = describe_beds(hold.held_beds)
    return holds


def _active_stays(user, site: Site):
    beds = Prefetch(
        "allocations",
        BedAllocation.objects.filter(kind=AllocationKind.STAY, is_active=True)
        .select_related("bed__room")
        .order_by("bed__label"),
        to_attr="stay_beds",
    )
    stays = selectors.with_occupants(
        user=user,
        rows=selectors.stay_list(user=user)
        .filter(site=site, status=StayStatus.ACTIVE)
        .prefetch_related(beds)
        .order_by("planned_end_at"),
    )
    for stay in stays:
        stay.beds_text = describe_beds(stay.stay_beds)
    return stays


# --- The board ----------------------------------------------------------------------------------------


def _board_context(request, *, unmet_form=None) -> dict:
    user = request.user
    form = BoardFilterForm(request.GET)
    form.is_valid()  # a bad value is shown next to its field; the valid filters still apply
    filters = form.cleaned_data
    entries = selectors.board(
        user=user,
        families=bool(filters.get("families")),
        women_only=bool(filters.get("women_only")),
        wheelchair_access=bool(filters.get("wheelchair_access")),
        language=filters.get("language") or "",
    )
    hubs = hub_organisations(user)
    person = _preselected_person(request, hubs)
    sites = [site_view(entry["site"]) for entry in entries]
    fit = None
    if person is not None:
        # Opened "for" someone: the sites that fit first, the others apart with their reasons.
        fit = selectors.board_for(
            user=user,
            household=person.household,
            person=None if person.household_id else person,
            arrival=filters.get("arrival"),
            nights=filters.get("nights") or 1,
        )
        fit_of = {view["site"].pk: view for view in fit["fitting"] + fit["apart"]}
        order = {view["site"].pk: index for index, view in enumerate(fit["fitting"] + fit["apart"])}
        for view in sites:
            view["fit"] = fit_of.get(view["site"].pk)
        sites.sort(key=lambda view: order.get(view["site"].pk, len(order)))
    if unmet_form is None and hubs:
        unmet_form = UnmetRequestForm(
            hubs=hubs,
            user=user,
            initial={
                "household_size": _household_size(person),
                "person": person.pk if person else None,
                "organisation": person.owner_id if person else hubs[0].pk,
            },
        )
    return {
        "filter_form": form,
        "is_filtered": any(filters.get(name) for name in ("families", "women_only", "wheelchair_access", "language")),
        "for_composition": fit["composition"].describe() if fit else "",
        "sites": [view for view in sites if not (view.get("fit") and view["fit"]["reasons"])],
        "sites_apart": [view for view in sites if view.get("fit") and view["fit"]["reasons"]],
        "fit": fit,
        "can_hold": bool(hubs),
        "is_provider": selectors.site_list(user=user, action=Action.CHANGE).exists(),
        "person": person,
        "person_query": occupant_query(request, person),
        "unmet_form": unmet_form,
        "labels": live_labels(),
    }


@login_required
def board(request):
    """Every site the user may see, with its free beds, kept live by the availability stream."""
    return render(request, "housing/board.html", _board_context(request))


@login_required
@require_POST
def unmet_request_create(request):
    """Record in one click that no bed fitted a household (the city's reports count these)."""
    hubs = hub_organisations(request.user)
    if not hubs:
        raise Http404
    form = UnmetRequestForm(request.POST, hubs=hubs, user=request.user)
    if form.is_valid():
        data = form.cleaned_data
        person = None
        if data.get("person"):
            person = (
                people_selectors.person_list(user=request.user)
                .filter(pk=data["person"], owner=data["organisation"])
                .first()
            )
        try:
            services.unmet_request_record(
                actor=request.user,
                organisation=data["organisation"],
                household_size=data["household_size"],
                reason=data["reason"],
                person=person,
                household=person.household if person else None,
            )
        except NotFoundError:
            raise Http404 from None
        except ApplicationError as error:
            add_service_error(form, error)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Unmet request recorded. Thank you: the city's reports count it."))
            query = urlencode({"person": person.pk}) if person else ""
            return redirect(f"{reverse('housing:board')}{'?' + query if query else ''}")
    return render(request, "housing/board.html", _board_context(request, unmet_form=form), status=400)


# --- A site ---------------------------------------------------------------------------------------------


def _visible_site(user, site_id: int) -> Site:
    site = selectors.site_list(user=user).filter(pk=site_id).first()
    if site is None:
        raise Http404
    return site


def _occupant_choices(user, hubs, person: Person | None) -> list:
    """Households and people of the user's hubs, most recent first; the person a link came from
    (and their household) first of all."""
    households = list(
        people_selectors.household_list(user=user)
        .filter(owner__in=hubs)
        .annotate(size=Count("members"))
        .order_by("-created_at")[:RECENT_OCCUPANTS]
    )
    people = list(
        people_selectors.person_list(user=user).filter(owner__in=hubs).order_by("-updated_at")[:RECENT_OCCUPANTS]
    )
    choices = []
    if person is not None:
        first = [(f"person:{person.pk}", person.full_name)]
        if person.household_id:
            size = _household_size(person)
            first.append((f"household:{person.household_id}", household_label(person.household.name, size)))
        choices.append((_("From the person file"), first))
        people = [other for other in people if other.pk != person.pk]
        households = [household for household in households if household.pk != person.household_id]
    if households:
        choices.append(
            (
                _("Households"),
                [
                    (f"household:{household.pk}", household_label(household.name, household.size))
                    for household in households
                ],
            )
        )
    if people:
        choices.append((_("People"), [(f"person:{other.pk}", other.full_name) for other in people]))
    return choices


def household_label(name: str, size: int) -> str:
    return _("%(name)s (household of %(size)s)") % {"name": name, "size": size}


def _can_override(user, hubs) -> bool:
    return any(permissions.can_override_housing_rules(user, hub) for hub in hubs)


def _asked_on_board(request) -> tuple:
    """The arrival (if still ahead) and the nights chosen on the board, carried in the query."""
    form = BoardFilterForm(request.GET)
    form.is_valid()
    arrival = form.cleaned_data.get("arrival")
    if arrival is not None and arrival <= timezone.now():
        arrival = None
    return arrival, form.cleaned_data.get("nights")


def _hold_form(request, site: Site, availability: dict, hubs, person, data=None) -> HoldForm:
    initial = {}
    if person is not None:
        initial["occupant"] = f"household:{person.household_id}" if person.household_id else f"person:{person.pk}"
        arrival, _nights = _asked_on_board(request)
        if arrival is not None:
            initial["expected_arrival_at"] = timezone.localtime(arrival)
    units = [
        (room_id, _("%(room)s (%(beds)s beds)") % {"room": name, "beds": size})
        for room_id, size, name in selectors.family_units(site=site)
    ]
    return HoldForm(
        data,
        bed_ids=[bed["id"] for bed in availability["beds"]],
        occupants=_occupant_choices(request.user, hubs, person),
        family_units=units,
        can_override=_can_override(request.user, hubs),
        initial=initial,
    )


def _render_site(request, site: Site, *, hold_form=None, status=200):
    user = request.user
    hubs = hub_organisations(user)
    person = _preselected_person(request, hubs)
    view = site_view(site)
    can_hold = bool(hubs)
    if can_hold and hold_form is None:
        hold_form = _hold_form(request, site, view["availability"], hubs, person)
    checked = set()
    if hold_form is not None and hold_form.is_bound:
        checked = {value for value in hold_form.data.getlist("beds") if parse_id(value) is not None}
    holds = _active_holds(user, site)
    stays = _active_stays(user, site)
    hub_ids = {hub.pk for hub in hubs}
    for hold in holds:
        if hold.organisation_id in hub_ids:
            hold.extend_form = (
                HoldExtendForm(
                    prefix=f"extend{hold.pk}",
                    initial={"expected_arrival_at": timezone.localtime(hold.expected_arrival_at)},
                )
                if hold.expected_arrival_at
                else HoldExtendForm(prefix=f"extend{hold.pk}")
            )
    context = {
        **view,
        "can_hold": can_hold,
        "has_occupants": bool(hold_form and len(hold_form.fields["occupant"].widget.choices) > 1),
        "hold_form": hold_form,
        "checked_beds": {int(value) for value in checked},
        "person": person,
        "person_query": occupant_query(request, person),
        "asked": dict(zip(("arrival", "nights"), _asked_on_board(request), strict=True)) if person else {},
        "holds": holds,
        "stays": stays,
        "hub_ids": hub_ids,
        "is_provider": selectors.site_list(user=user, action=Action.CHANGE).filter(pk=site.pk).exists(),
        "labels": live_labels(),
    }
    return render(request, "housing/site_detail.html", context, status=status)


@login_required
def site_detail(request, site_id: int):
    """A site's rooms and beds, live; the hold form for hub staff; its holds and stays as far as
    the user may see them (the hub that placed them, the provider hosting them)."""
    return _render_site(request, _visible_site(request.user, site_id))


# A service's refusal shown next to the field it is about; the others above the form.
FIELD_OF_REFUSAL = {
    "arrival_required": "expected_arrival_at",
    "arrival_in_past": "expected_arrival_at",
    "arrival_beyond_horizon": "expected_arrival_at",
    "invalid_date": "expected_arrival_at",
    "outside_check_in": "confirm_outside_check_in",
    "override_not_allowed": "override_reason",
}


@login_required
@require_POST
def hold_create(request, site_id: int):
    """Hold the beds ticked, a whole family unit or a bed per person in shared rooms, all or
    none; refusals (a site rule, the arrival window, a bed just taken) are shown on the form."""
    site = _visible_site(request.user, site_id)
    hubs = hub_organisations(request.user)
    if not hubs:
        raise Http404
    form = _hold_form(
        request, site, site_availability(site), hubs, _preselected_person(request, hubs), data=request.POST
    )
    status = 400
    if form.is_valid():
        kind, pk = form.occupant_kind_and_id()
        occupants = people_selectors.household_list if kind == "household" else people_selectors.person_list
        occupant = occupants(user=request.user).filter(pk=pk, owner__in=hubs).first()
        if occupant is None:
            raise Http404
        data = form.cleaned_data
        household = occupant if kind == "household" else None
        person = occupant if kind == "person" else None
        try:
            bed_ids = data["beds"]
            if data["family_unit"] is not None or data["split_in_shared_rooms"]:
                bed_ids = services.beds_for_household(
                    site,
                    household=household,
                    person=person,
                    room_id=data["family_unit"],
                    shared=data["split_in_shared_rooms"],
                )
            hold = services.hold_create(
                actor=request.user,
                organisation=occupant.owner,
                site=site,
                bed_ids=bed_ids,
                household=household,
                person=person,
                in_transit=data["in_transit"],
                expected_arrival_at=data["expected_arrival_at"],
                confirm_outside_check_in=data["confirm_outside_check_in"],
                override_reason=data.get("override_reason") or "",
                identity_consent=services.IdentityConsent() if data["share_identity"] else None,
            )
        except NotFoundError:
            raise Http404 from None
        except ConflictError as error:
            # The page drawn below reads the beds again: it shows what is free now.
            add_service_error(form, error, FIELD_OF_REFUSAL.get(error.code))
            status = 409
        except ApplicationError as error:
            add_service_error(form, error, FIELD_OF_REFUSAL.get(error.code))
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("Held for %(occupant)s until %(time)s (code %(code)s).")
                % {
                    "occupant": occupant,
                    "time": date_format(timezone.localtime(hold.expires_at), "TIME_FORMAT"),
                    "code": hold.code,
                },
            )
            return redirect(f"{reverse('housing:site', args=[site.pk])}#holds")
    return _render_site(request, site, hold_form=form, status=status)


@login_required
@require_POST
def hold_extend(request, hold_id: int):
    """The hub moves the expected arrival (within the site's horizon): the hold lasts until the
    new arrival plus the site's grace."""
    hold = selectors.hold_list(user=request.user).filter(pk=hold_id).first()
    if hold is None:
        raise Http404
    form = HoldExtendForm(request.POST, prefix=f"extend{hold.pk}")
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(f"{reverse('housing:site', args=[hold.site_id])}#hold-{hold.pk}")
    try:
        hold = services.hold_extend(
            actor=request.user,
            hold=hold,
            expected_arrival_at=form.cleaned_data["expected_arrival_at"],
            confirm_outside_check_in=form.cleaned_data["confirm_outside_check_in"],
        )
    except NotFoundError:
        raise Http404 from None
    except ApplicationError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(
            request,
            _("The hold now lasts until %(time)s.")
            % {"time": date_format(timezone.localtime(hold.expires_at), "DATETIME_FORMAT")},
        )
    return redirect(f"{reverse('housing:site', args=[hold.site_id])}#hold-{hold.pk}")


@login_required
@require_POST
def hold_release(request, hold_id: int):
    """The hub lets the beds go (the household will not come)."""
    hold = selectors.hold_list(user=request.user).filter(pk=hold_id).first()
    if hold is None:
        raise Http404
    try:
        services.hold_release(actor=request.user, hold=hold)
    except NotFoundError:
        raise Http404 from None
    except ApplicationError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("The hold is released: the beds are free again."))
    return redirect(f"{reverse('housing:site', args=[hold.site_id])}#holds")


# --- The provider's page --------------------------------------------------------------------------------


def _provider_sites(user):
    return selectors.site_list(user=user, action=Action.CHANGE)


def _arrival_groups(holds: list[dict], today) -> list[tuple[str, str, list[dict]]]:
    """The expected arrivals split as the provider plans its evening: today and tonight,
    tomorrow, later (a site's horizon may reach further); (key, heading, rows), empty ones left out."""
    groups = {"today": [], "tomorrow": [], "later": []}
    for row in holds:
        arrival = row["hold"].expected_arrival_at or row["hold"].expires_at
        day = timezone.localdate(arrival)
        key = "today" if day <= today else "tomorrow" if day == today + timedelta(days=1) else "later"
        groups[key].append(row)
    headings = {"today": _("Today and tonight"), "tomorrow": _("Tomorrow"), "later": _("Later")}
    return [(key, headings[key], rows) for key, rows in groups.items() if rows]


def _provider_context(request, *, bound: tuple[str, int, object] | None = None) -> dict:
    """Each of the provider's sites with its arrivals, stays and beds, and one form per action;
    ``bound`` = (form name, object id, form) puts back the form a refused action came from."""
    user = request.user
    sites = list(_provider_sites(user))
    if not sites:
        raise Http404
    today = timezone.localdate()

    shown = []

    def form_for(name: str, pk: int, form_class, **kwargs):
        if bound is not None and bound[0] == name and bound[1] == pk:
            shown.append(bound[2])
            return bound[2]
        return form_class(**kwargs)

    entries = []
    for site in sites:
        view = site_view(site)
        default_end = today + timedelta(days=site.max_stay_days)
        holds = [
            {
                "hold": hold,
                "check_in_form": form_for(
                    "check_in", hold.pk, CheckInForm, prefix=f"hold{hold.pk}", initial={"planned_end": default_end}
                ),
            }
            for hold in _active_holds(user, site)
        ]
        stays = [
            {
                "stay": stay,
                "extend_form": form_for("extend", stay.pk, ExtendStayForm, prefix=f"stay{stay.pk}"),
                "check_out_form": form_for("check_out", stay.pk, CheckOutForm, prefix=f"stay{stay.pk}"),
            }
            for stay in _active_stays(user, site)
        ]
        for room in view["rooms"]:
            for bed in room["beds"]:
                bed["out_of_service_form"] = form_for(
                    "out_of_service", bed["id"], OutOfServiceForm, prefix=f"bed{bed['id']}"
                )
        entries.append(
            {
                **view,
                "holds": holds,
                "arrival_groups": _arrival_groups(holds, today),
                "stays": stays,
                "no_shows": selectors.no_show_count(site=site),
                "texts_missing": missing_languages(site, *SITE_TEXTS),
            }
        )
    # A refused hold or stay may have left the lists (it ended meanwhile): say why at the top.
    refusals = [] if bound is None or shown else [str(e) for errors in bound[2].errors.values() for e in errors]
    return {"entries": entries, "labels": live_labels(), "refusals": refusals}


@login_required
def provider(request):
    """The provider's own sites: beds in and out of service, arrivals, stays, departures."""
    return render(request, "housing/provider.html", _provider_context(request))


def _provider_refusal(request, name: str, pk: int, form, error: ApplicationError | None = None):
    if error is not None:
        add_service_error(form, error)
    status = 409 if isinstance(error, ConflictError) else 400
    return render(request, "housing/provider.html", _provider_context(request, bound=(name, pk, form)), status=status)


def _back_to(anchor: str):
    return redirect(f"{reverse('housing:provider')}#{anchor}")


@login_required
@require_POST
def site_confirm(request, site_id: int):
    """ "The board is true": shown to hubs as the time the provider last confirmed it."""
    site = _provider_sites(request.user).filter(pk=site_id).first()
    if site is None:
        raise Http404
    try:
        site = services.site_confirm(actor=request.user, site=site)
    except NotFoundError:
        raise Http404 from None
    messages.success(
        request,
        _("%(site)s: the board is confirmed as true at %(time)s.")
        % {"site": site.name, "time": date_format(timezone.localtime(site.last_confirmed_at), "TIME_FORMAT")},
    )
    return _back_to(f"site-{site.pk}")


def _provider_bed(user, bed_id: int) -> Bed:
    bed = (
        Bed.objects.filter(pk=bed_id, is_active=True, site__in=_provider_sites(user))
        .select_related("site__provider", "room")
        .first()
    )
    if bed is None:
        raise Http404
    return bed


@login_required
@require_POST
def bed_out_of_service(request, bed_id: int):
    bed = _provider_bed(request.user, bed_id)
    form = OutOfServiceForm(request.POST, prefix=f"bed{bed.pk}")
    if not form.is_valid():
        return _provider_refusal(request, "out_of_service", bed.pk, form)
    until = form.cleaned_data["until"]
    try:
        services.bed_set_out_of_service(
            actor=request.user,
            bed=bed,
            ends_at=start_of_day(until) if until else None,
            reason=form.cleaned_data["reason"],
        )
    except NotFoundError:
        raise Http404 from None
    except ApplicationError as error:
        if error.code == "beds_taken":
            error = ConflictError(
                _("Someone holds or occupies this bed: confirm their departure first."), code=error.code
            )
        return _provider_refusal(request, "out_of_service", bed.pk, form, error)
    messages.success(request, _("Bed %(bed)s is out of service.") % {"bed": f"{bed.room.name} — {bed.label}"})
    return _back_to(f"bed-{bed.pk}")


@login_required
@require_POST
def bed_in_service(request, bed_id: int):
    bed = _provider_bed(request.user, bed_id)
    try:
        services.bed_return_to_service(actor=request.user, bed=bed)
    except NotFoundError:
        raise Http404 from None
    messages.success(request, _("Bed %(bed)s is back in service.") % {"bed": f"{bed.room.name} — {bed.label}"})
    return _back_to(f"bed-{bed.pk}")


def _provider_hold(user, hold_id: int):
    hold = selectors.hold_list(user=user).filter(pk=hold_id, site__in=_provider_sites(user)).first()
    if hold is None:
        raise Http404
    return hold


def _provider_stay(user, stay_id: int):
    stay = selectors.stay_list(user=user).filter(pk=stay_id, site__in=_provider_sites(user)).first()
    if stay is None:
        raise Http404
    return stay


@login_required
@require_POST
def hold_check_in(request, hold_id: int):
    """The household arrived: the hold becomes a stay until the planned end."""
    hold = _provider_hold(request.user, hold_id)
    form = CheckInForm(request.POST, prefix=f"hold{hold.pk}")
    if not form.is_valid():
        return _provider_refusal(request, "check_in", hold.pk, form)
    try:
        stay = services.stay_check_in(
            actor=request.user,
            hold=hold,
            planned_end_at=on_day_at_time_of(form.cleaned_data["planned_end"], timezone.now()),
        )
    except NotFoundError:
        raise Http404 from None
    except ApplicationError as error:
        return _provider_refusal(request, "check_in", hold.pk, form, error)
    [stay] = selectors.with_occupants(user=request.user, rows=selectors.stay_list(user=request.user).filter(pk=stay.pk))
    messages.success(request, _("Arrival confirmed: %(occupant)s.") % {"occupant": stay.occupant.title})
    return _back_to(f"stay-{stay.pk}")


@login_required
@require_POST
def hold_no_show(request, hold_id: int):
    """The household did not come: the beds are free again and the hold is counted as a no-show."""
    hold = _provider_hold(request.user, hold_id)
    try:
        services.hold_release(actor=request.user, hold=hold, no_show=True)
    except NotFoundError:
        raise Http404 from None
    except ApplicationError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("No-show recorded: the beds are free again."))
    return _back_to(f"site-{hold.site_id}")


@login_required
@require_POST
def stay_extend(request, stay_id: int):
    stay = _provider_stay(request.user, stay_id)
    form = ExtendStayForm(request.POST, prefix=f"stay{stay.pk}")
    if not form.is_valid():
        return _provider_refusal(request, "extend", stay.pk, form)
    try:
        stay = services.stay_extend(
            actor=request.user,
            stay=stay,
            planned_end_at=on_day_at_time_of(form.cleaned_data["planned_end"], stay.checked_in_at),
        )
    except NotFoundError:
        raise Http404 from None
    except ApplicationError as error:
        return _provider_refusal(request, "extend", stay.pk, form, error)
    messages.success(
        request,
        _("Stay extended until %(date)s.")
        % {"date": date_format(timezone.localtime(stay.planned_end_at), "DATE_FORMAT")},
    )
    return _back_to(f"stay-{stay.pk}")


@login_required
@require_POST
def stay_check_out(request, stay_id: int):
    stay = _provider_stay(request.user, stay_id)
    form = CheckOutForm(request.POST, prefix=f"stay{stay.pk}")
    if not form.is_valid():
        return _provider_refusal(request, "check_out", stay.pk, form)
    try:
        services.stay_check_out(actor=request.user, stay=stay, exit_destination=form.cleaned_data["exit_destination"])
    except NotFoundError:
        raise Http404 from None
    except ApplicationError as error:
        return _provider_refusal(request, "check_out", stay.pk, form, error)
    except ValidationError as error:
        form.add_error(None, error)
        return _provider_refusal(request, "check_out", stay.pk, form)
    messages.success(request, _("Departure confirmed: the beds are free again."))
    return _back_to(f"site-{stay.site_id}")


# --- Moves between beds ---------------------------------------------------------------------------


def _movable(user, kind: str, pk: int):
    """The current hold or stay ``pk`` the user may see (the placing hub, the hosting provider)."""
    rows = selectors.hold_list(user=user) if kind == "hold" else selectors.stay_list(user=user)
    record = rows.filter(pk=pk, status=HoldStatus.ACTIVE if kind == "hold" else StayStatus.ACTIVE).first()
    if record is None:
        raise Http404
    return record


def _move_sites(user, record) -> list[Site]:
    """Where the people may be moved: for the placing hub, every site it may hold beds at; for
    the hosting provider, the record's own site."""
    if permissions.has_organisation_permission(user, "work_cases", record.organisation):
        return list(selectors.site_list(user=user, action="hold").order_by("name"))
    return [record.site]


def move(request, kind: str, pk: int):
    """Move a current hold's or stay's people to other beds: choose the site (the same one by
    default), then its free beds; the service applies the new site's rules."""
    user = request.user
    record = _movable(user, kind, pk)
    sites = _move_sites(user, record)
    wanted = parse_id(request.POST.get("site") or request.GET.get("site") or "")
    site = next((site for site in sites if site.pk == wanted), None) or record.site
    availability = site_availability(site)
    current = set(record.allocations.filter(moved_out_by__isnull=True).values_list("bed_id", flat=True))
    bed_choices = [
        (bed["id"], f"{bed['room']} · {bed['label']}")
        for bed in availability["beds"]
        if bed["status"] == BedStatus.AVAILABLE and bed["id"] not in current
    ]
    options = {
        "bed_choices": bed_choices,
        # A hold moved to another site meets that site's check-in hours; within its site, none.
        "asks_check_in": kind == "hold" and site.pk != record.site_id,
        "can_override": permissions.can_override_housing_rules(user, record.organisation),
    }
    status = 200
    if request.method == "POST":
        form = MoveForm(request.POST, **options)
        if form.is_valid():
            try:
                services.move(
                    actor=user,
                    record=record,
                    site=site,
                    bed_ids=form.cleaned_data["beds"],
                    override_reason=form.cleaned_data.get("override_reason", ""),
                    confirm_outside_check_in=form.cleaned_data.get("confirm_outside_check_in", False),
                )
            except NotFoundError:
                raise Http404 from None
            except ApplicationError as error:
                add_service_error(form, error, FIELD_OF_REFUSAL.get(error.code))
                status = 409 if isinstance(error, ConflictError) else 400
            else:
                messages.success(request, _("Moved to %(site)s.") % {"site": site.name})
                return redirect(f"{reverse('housing:site', args=[site.pk])}#{kind}-{record.pk}")
        else:
            status = 400
    else:
        form = MoveForm(**options)
    [record] = selectors.with_occupants(user=user, rows=[record])
    context = {
        "record": record,
        "kind": kind,
        "site": site,
        "sites": sites,
        "form": form,
        "current_beds": describe_beds(
            record.allocations.filter(moved_out_by__isnull=True, is_active=True).select_related("bed__room")
        ),
    }
    return render(request, "housing/move.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def hold_move(request, hold_id: int):
    """The hub (anywhere it may hold beds) or the provider (within its site) moves a hold."""
    return move(request, "hold", hold_id)


@login_required
@require_http_methods(["GET", "POST"])
def stay_move(request, stay_id: int):
    """The hub (anywhere it may hold beds) or the provider (within its site) moves a stay."""
    return move(request, "stay", stay_id)


def navigation_links(context) -> list[tuple[str, str]]:
    """ "Housing" for users who see at least one site, "My sites" for provider staff (registered
    in HousingConfig.ready)."""
    if not context.case_work_kinds:
        return []
    links = []
    if selectors.site_list(user=context.user).exists():
        links.append((reverse("housing:board"), _("Housing")))
    if selectors.site_list(user=context.user, action=Action.CHANGE).exists():
        links.append((reverse("housing:provider"), _("My sites")))
    return links
