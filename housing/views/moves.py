"""Moving a current hold's or stay's people to other beds: the placing hub, to any site it may
hold beds at; the hosting provider, within the record's own site."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from housing import selectors, services
from housing.availability import site_availability
from housing.choices import BedStatus, HoldStatus, StayStatus
from housing.forms import MoveForm, add_service_error
from housing.views.drawing import describe_beds
from housing.views.holds import FIELD_OF_REFUSAL
from organisations import permissions
from organisations.errors import ApplicationError, ConflictError, NotFoundError
from organisations.validators import parse_id


def _movable(user, kind: str, pk: int):
    """The current hold or stay ``pk`` the user may see (the placing hub, the hosting provider)."""
    rows = selectors.hold_list(user=user) if kind == "hold" else selectors.stay_list(user=user)
    record = rows.filter(pk=pk, status=HoldStatus.ACTIVE if kind == "hold" else StayStatus.ACTIVE).first()
    if record is None:
        raise Http404
    return record


def move(request, kind: str, pk: int):
    """Move a current hold's or stay's people to other beds: choose the site (the same one by
    default), then its free beds; the service applies the new site's rules."""
    user = request.user
    record = _movable(user, kind, pk)
    sites = selectors.move_sites(user=user, record=record)
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
