"""What the privacy pages share: "Privacy" in the header, and the person a page acts for
(``?person=``)."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from organisations.choices import OrganisationKind, Role
from organisations.errors import NotFoundError
from organisations.validators import parse_id
from people.models import Person
from privacy import selectors


def navigation_links(context) -> list[tuple[str, str]]:
    """ "Privacy" in the header for privacy officers and for coordinators of a hub."""
    if Role.PRIVACY_OFFICER in context.roles or (
        Role.COORDINATOR in context.roles and OrganisationKind.HUB in context.case_work_kinds
    ):
        return [(reverse("privacy:desk"), _("Privacy"))]
    return []


def chosen_person(request) -> Person | None:
    """The person named by ``?person=`` (or the posted ``person``), among the files the user
    handles privacy for: None when no person is named (the page sends to the desk to find one),
    404 when the user does not handle that file or it does not exist."""
    raw = request.POST.get("person") or request.GET.get("person", "")
    if not raw:
        return None
    try:
        return selectors.privacy_person(user=request.user, person_id=parse_id(raw))
    except NotFoundError:
        raise Http404 from None


def find_a_person_first(request):
    messages.info(request, _("Find the person first."))
    return redirect("privacy:desk")
