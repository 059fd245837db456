"""The provider's page, where its staff keep their beds true (out of service and back, "the board
is true"), confirm arrivals and no-shows, extend stays and confirm departures. A refused action
draws the page again with the refused form in place."""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from housing import selectors, services
from housing.forms import (
    CheckInForm,
    CheckOutForm,
    ExtendStayForm,
    OutOfServiceForm,
    add_service_error,
    on_day_at_time_of,
    start_of_day,
)
from housing.models import Bed
from housing.views.drawing import active_holds, active_stays, live_labels, site_view
from housing.views.site_texts import SITE_TEXTS
from organisations.errors import ApplicationError, ConflictError, NotFoundError
from organisations.permissions import Action
from organisations.texts import missing_languages


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
            for hold in active_holds(user, site)
        ]
        stays = [
            {
                "stay": stay,
                "extend_form": form_for("extend", stay.pk, ExtendStayForm, prefix=f"stay{stay.pk}"),
                "check_out_form": form_for("check_out", stay.pk, CheckOutForm, prefix=f"stay{stay.pk}"),
            }
            for stay in active_stays(user, site)
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
