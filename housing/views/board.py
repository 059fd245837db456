"""The board, where hub staff look for a bed: every site they may see with its free beds, kept
live, or opened "for" a person or household (the sites that fit first, the others apart with their
reasons); and the one-click record that no bed fitted. Also who is asking: the hubs the user places
families for, and the person a link from a file named."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from housing import selectors, services
from housing.forms import BoardFilterForm, UnmetRequestForm, add_service_error
from housing.views.drawing import live_labels, site_view
from organisations import selectors as organisation_selectors
from organisations.choices import OrganisationKind
from organisations.errors import ApplicationError, NotFoundError
from organisations.models import Organisation
from organisations.permissions import Action, ObjectPermission
from organisations.validators import parse_id
from people import selectors as people_selectors
from people.models import Person

# --- Who is asking ------------------------------------------------------------------------------


def hub_organisations(user) -> list[Organisation]:
    """The active hubs whose cases ``user`` works: their staff hold beds and record unmet requests."""
    return list(
        organisation_selectors.organisation_list(user=user)
        .filter(ObjectPermission("work_cases").q(user, Organisation), kind=OrganisationKind.HUB, is_active=True)
        .order_by("name")
    )


def preselected_person(request, hubs) -> Person | None:
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


def household_size(person: Person | None) -> int:
    """How many people a bed is looked for: the person's household (its members now), else one."""
    if person is None or person.household_id is None:
        return 1
    return max(1, person.household.members.count())


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
    person = preselected_person(request, hubs)
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
                "household_size": household_size(person),
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
