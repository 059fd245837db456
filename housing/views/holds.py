"""A site's page as hub staff use it to place a family: its rooms and beds, live, and the hold
form (the beds ticked, a whole family unit, or a bed per person in shared rooms); then the hub moves
the expected arrival or lets the beds go. The holds and stays listed are those the user may see
(the hub that placed them, the provider hosting them)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from housing import selectors, services
from housing.availability import site_availability
from housing.forms import BoardFilterForm, HoldExtendForm, HoldForm, add_service_error
from housing.models import Site
from housing.views.board import household_size, hub_organisations, occupant_query, preselected_person
from housing.views.drawing import active_holds, active_stays, live_labels, site_view
from organisations import permissions
from organisations.errors import ApplicationError, ConflictError, NotFoundError
from organisations.permissions import Action
from organisations.validators import parse_id
from people import selectors as people_selectors
from people.models import Person

# How many of the hub's most recently updated people and households the hold form offers.
RECENT_OCCUPANTS = 30


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
            size = household_size(person)
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
    person = preselected_person(request, hubs)
    view = site_view(site)
    can_hold = bool(hubs)
    if can_hold and hold_form is None:
        hold_form = _hold_form(request, site, view["availability"], hubs, person)
    checked = set()
    if hold_form is not None and hold_form.is_bound:
        checked = {value for value in hold_form.data.getlist("beds") if parse_id(value) is not None}
    holds = active_holds(user, site)
    stays = active_stays(user, site)
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
        request, site, site_availability(site), hubs, preselected_person(request, hubs), data=request.POST
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
