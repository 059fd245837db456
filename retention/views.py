"""The privacy officer's retention page: what the retention job did, the periods in force, and
the files under legal hold (set and lifted here)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from organisations.errors import ApplicationError, NotFoundError
from organisations.validators import parse_id
from retention import selectors, services


def navigation_links(context) -> list[tuple[str, str]]:
    """ "Retention" in the header for privacy officers (registered in RetentionConfig.ready)."""
    if "privacy_officer" not in context.roles:
        return []
    return [(reverse("retention:overview"), _("Retention"))]


def _require_officer(user) -> None:
    try:
        selectors.require_privacy_officer(user=user)
    except NotFoundError:
        raise Http404 from None


def _render(request, *, form: dict | None = None, error: str = "", status: int = 200):
    user = request.user
    return render(
        request,
        "retention/overview.html",
        {
            "holds": selectors.legal_holds(user=user),
            "runs": selectors.run_summaries(user=user),
            "periods": selectors.periods_in_force(),
            "audit_purge_allowed": selectors.audit_purge_allowed(),
            "form": form or {},
            "error": error,
        },
        status=status,
    )


@login_required
@require_GET
def overview(request):
    _require_officer(request.user)
    return _render(request)


@login_required
@require_POST
def legal_hold_set(request):
    _require_officer(request.user)
    form = {"person": request.POST.get("person", "").strip(), "reason": request.POST.get("reason", "")}
    person_id = parse_id(form["person"].lstrip("#"))
    if person_id is None:
        return _render(request, form=form, error=_("Give the file number, for example 1234."), status=400)
    try:
        services.legal_hold_set(actor=request.user, person_id=person_id, reason=form["reason"])
    except NotFoundError:
        # The same answer for a file of another organisation as for no file at all.
        return _render(request, form=form, error=_("No file has this number in your organisation."), status=400)
    except ApplicationError as error:
        return _render(request, form=form, error=str(error.message), status=400)
    messages.success(request, _("File #%(number)s is under legal hold.") % {"number": person_id})
    return redirect("retention:overview")


@login_required
@require_POST
def legal_hold_lift(request, legal_hold_id: int):
    try:
        hold = selectors.legal_hold_get(user=request.user, legal_hold_id=legal_hold_id)
        services.legal_hold_lift(actor=request.user, hold=hold)
    except NotFoundError:
        raise Http404 from None
    messages.success(request, _("Legal hold lifted on file #%(number)s.") % {"number": hold.person_id})
    return redirect("retention:overview")
