"""Pages that bring a partner organisation into the network and keep it: the hub's "new partner
organisation" page, the organisation's profile (what the network reads about it) and its admins'
edit page, the hub's new invitation of a first admin, and the end of a membership. Views read
through selectors and write through services; who may do what is the access policy's."""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from organisations import permissions, selectors, services
from organisations.choices import SPOKEN_LANGUAGES
from organisations.errors import ApplicationError, NotFoundError, TooManyRequestsError
from organisations.forms import (
    FirstAdminInvitationForm,
    OrganisationOnboardForm,
    OrganisationProfileForm,
    add_model_errors,
)
from organisations.models import Organisation
from organisations.permissions import Action


@dataclass(frozen=True)
class ProfileSection:
    """A part of an organisation's profile page drawn by an app above organisations (a housing
    provider's sites): its template and context."""

    template: str
    context: dict = field(default_factory=dict)


# Apps above organisations add their part of an organisation's profile here, from their
# AppConfig.ready: each provider takes the request and the organisation and returns a
# ``ProfileSection`` (read through its own app's selectors, so only what the user may see) or None.
organisation_profile_sections: list[Callable[..., ProfileSection | None]] = []


# --- The profile page (directory/<slug>/) -------------------------------------------------------


def _organisation_or_404(user, slug: str, action: str = Action.VIEW) -> Organisation:
    organisation = selectors.organisation_list(user=user, action=action).filter(slug=slug).first()
    if organisation is None:
        raise Http404
    return organisation


@login_required
def organisation_detail(request, slug: str):
    """An organisation as the network reads it: what it does, its services, its sites (for those
    who may see them), the languages it serves, its contacts and the partnerships in force that
    the reader may see; an edit link for its admins; for the hub that brought it in, its first
    admin's invitation until it has one."""
    return _render_detail(request, _organisation_or_404(request.user, slug))


def _render_detail(request, organisation: Organisation, *, first_admin_form=None, status: int = 200):
    user = request.user
    services_offered = selectors.directory_services(user=user).filter(organisation=organisation)
    partnerships = list(selectors.partnerships_in_force(user=user, organisation=organisation))
    first_admin = selectors.first_admin_waiting(user=user, organisation=organisation)
    if first_admin is not None and first_admin["invitation"] is None:
        first_admin["form"] = first_admin_form or FirstAdminInvitationForm()
    sections = (provider(request, organisation) for provider in organisation_profile_sections)
    context = {
        "organisation": organisation,
        "services": services_offered,
        "language_names": SPOKEN_LANGUAGES,
        "partnerships": partnerships,
        "can_edit": permissions.can(user, Action.CHANGE, organisation),
        "first_admin": first_admin,
        "extra_sections": [section for section in sections if section is not None],
    }
    return render(request, "organisations/organisation_detail.html", context, status=status)


# --- The hub brings a partner organisation in ---------------------------------------------------

# Service error code → the field of the onboarding form it is about.
ONBOARD_ERROR_FIELDS = {
    "hub_kind": "kind",
    "name_taken": "name",
    "already_member": "first_admin_email",
    "already_invited": "first_admin_email",
}


def _onboarding_hubs_or_404(user) -> set[int]:
    hubs = permissions.onboarding_hub_ids(user)
    if not hubs:
        raise Http404
    return hubs


@login_required
def organisation_new(request):
    """For the hub's admins: a new partner organisation, its first admin's invitation and, if
    asked, the hub's referrals proposal, in one step."""
    hubs = _onboarding_hubs_or_404(request.user)
    form = OrganisationOnboardForm(request.POST if request.method == "POST" else None, user=request.user, hub_ids=hubs)
    if request.method != "POST":
        return _render_new(request, form)
    if not form.is_valid():
        return _render_new(request, form, status=400)
    onboarding = form.onboarding()
    try:
        organisation = services.organisation_onboard(actor=request.user, **onboarding)
    except NotFoundError:
        raise Http404 from None
    except ValidationError as error:
        add_model_errors(form, error)
        return _render_new(request, form, status=400)
    except ApplicationError as error:
        form.add_error(ONBOARD_ERROR_FIELDS.get(error.code), str(error.message))
        response = _render_new(request, form, status=error.status_code)
        if isinstance(error, TooManyRequestsError):
            response["Retry-After"] = str(error.retry_after)
        return response
    messages.success(
        request,
        _(
            "%(name)s is in the network. Its first admin was invited to %(email)s: "
            "they complete the profile and invite their colleagues."
        )
        % {"name": organisation.name, "email": onboarding["first_admin_email"]},
    )
    return redirect("directory-organisation", slug=organisation.slug)


def _render_new(request, form, status: int = 200):
    return render(request, "organisations/organisation_new.html", {"form": form}, status=status)


@login_required
@require_POST
def first_admin_invite(request, slug: str):
    """The hub that brought the organisation in invites its first admin again."""
    organisation = _organisation_or_404(request.user, slug)
    if permissions.first_admin_inviting_hub(request.user, organisation) is None:
        raise Http404
    form = FirstAdminInvitationForm(request.POST)
    if form.is_valid():
        try:
            services.organisation_invite_first_admin(
                actor=request.user,
                organisation=organisation,
                email=form.cleaned_data["email"],
                language=form.cleaned_data["language"],
            )
        except NotFoundError:
            raise Http404 from None
        except ApplicationError as error:
            if error.code in ("has_admin", "admin_invited"):
                # The situation changed since the page was drawn: say so above the page.
                messages.error(request, str(error.message))
                return redirect("directory-organisation", slug=organisation.slug)
            form.add_error("email" if error.code in ("already_member", "already_invited") else None, str(error.message))
        else:
            messages.success(
                request,
                _("The invitation was sent to %(email)s.") % {"email": form.cleaned_data["email"]},
            )
            return redirect("directory-organisation", slug=organisation.slug)
    return _render_detail(request, organisation, first_admin_form=form, status=400)


# --- Its admins keep the profile ----------------------------------------------------------------


@login_required
def organisation_edit(request, slug: str):
    """For the organisation's admins: its description, languages and contacts (only the
    platform renames an organisation)."""
    organisation = _organisation_or_404(request.user, slug, Action.CHANGE)
    if request.method != "POST":
        initial = {name: getattr(organisation, name) for name in OrganisationProfileForm.PROFILE_FIELDS}
        form = OrganisationProfileForm(initial=initial)
        return _render_edit(request, organisation, form)
    form = OrganisationProfileForm(request.POST)
    if form.is_valid():
        try:
            services.organisation_update(actor=request.user, organisation=organisation, **form.profile())
        except NotFoundError:
            raise Http404 from None
        except ValidationError as error:
            add_model_errors(form, error)
        except ApplicationError as error:
            form.add_error(None, str(error.message))
        else:
            messages.success(request, _("The profile is saved."))
            return redirect("directory-organisation", slug=organisation.slug)
    # What was saved is read again: a refused change leaves the stored organisation as it was.
    organisation.refresh_from_db()
    return _render_edit(request, organisation, form, status=400)


def _render_edit(request, organisation, form, status: int = 200):
    context = {"organisation": organisation, "form": form}
    return render(request, "organisations/organisation_edit.html", context, status=status)


# --- Members: ending a role ---------------------------------------------------------------------


@login_required
@require_POST
def membership_end(request, membership_id: int):
    """An organisation's admin ends a member's role (confirmed on the members page); the last
    admin role stays (``last_admin``)."""
    membership = (
        selectors.membership_list(user=request.user, action=Action.CHANGE)
        .filter(pk=membership_id, is_active=True)
        .first()
    )
    if membership is None:
        raise Http404
    try:
        services.membership_end(actor=request.user, membership=membership)
    except NotFoundError:
        raise Http404 from None
    except ApplicationError as error:
        messages.error(request, str(error.message))
        return redirect("organisations:members")
    messages.success(
        request,
        _("%(name)s no longer has the role “%(role)s” at %(organisation)s.")
        % {
            "name": membership.user.full_name or membership.user.email,
            "role": membership.get_role_display(),
            "organisation": membership.organisation.name,
        },
    )
    # An admin who ended their own admin role no longer has the members page.
    if not permissions.organisation_ids_with_permission(request.user, "manage_members"):
        return redirect("home")
    return redirect("organisations:members")
