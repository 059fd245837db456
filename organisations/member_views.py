"""Pages of members and invitations: an organisation's members and pending invitations (for its
admins), inviting someone and revoking an invitation, and the page an invitation's link opens.
Reads through selectors, writes through services."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.utils.translation.trans_real import parse_accept_lang_header
from django.views.decorators.http import require_POST

from organisations import permissions, selectors, services
from organisations.choices import InvitationStatus
from organisations.errors import ApplicationError, NotFoundError, TooManyRequestsError
from organisations.forms import InvitationAccountForm, InvitationForm
from organisations.views import _managed_or_404, _page_action


@login_required
def members(request):
    """For organisation admins: the members, the invitations waiting for an answer (with
    Revoke), and a form to invite someone."""
    return _render_members(request, _managed_or_404(request.user, "manage_members"))


def _render_members(request, managed: set[int], form=None, status: int = 200):
    memberships = (
        selectors.membership_list(user=request.user)
        .filter(organisation__in=managed, is_active=True)
        .order_by("organisation__name", "user__full_name", "role")
    )
    context = {
        "memberships": memberships,
        "invitations": selectors.invitation_list(user=request.user).pending().order_by("-created_at", "-pk"),
        "form": form or InvitationForm(user=request.user, managed_ids=managed),
        "can_onboard": bool(permissions.onboarding_hub_ids(request.user)),
    }
    return render(request, "organisations/members.html", context, status=status)


# Service error code → the field of the invitation form it is about.
INVITATION_ERROR_FIELDS = {
    "invalid_valid_until": "valid_until",
    "already_member": "email",
    "already_invited": "email",
}


@login_required
@require_POST
def member_invite(request):
    managed = _managed_or_404(request.user, "manage_members")
    form = InvitationForm(request.POST, user=request.user, managed_ids=managed)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.invitation_create(
                actor=request.user,
                organisation=data["organisation"],
                email=data["email"],
                role=data["role"],
                valid_until=form.valid_until_moment(),
                language=data["language"],
            )
        except NotFoundError:
            raise Http404 from None
        except ApplicationError as error:
            form.add_error(INVITATION_ERROR_FIELDS.get(error.code), str(error.message))
            if isinstance(error, TooManyRequestsError):
                response = _render_members(request, managed, form=form, status=429)
                response["Retry-After"] = str(error.retry_after)
                return response
        else:
            messages.success(
                request,
                _("The invitation was sent to %(email)s. The role is granted when they accept it.")
                % {"email": data["email"]},
            )
            return redirect("organisations:members")
    return _render_members(request, managed, form=form, status=400)


invitation_revoke = _page_action(
    find=selectors.invitation_list,
    service=services.invitation_revoke,
    argument="invitation",
    done=gettext_lazy("The invitation was revoked: its link no longer works."),
    back="organisations:members",
)


def invitation(request, token: str):
    """The page an invitation's link opens, for the invited person (no login needed to open it).

    With an account for the address: log in as that account, then accept or decline; any other
    logged-in account is told the invitation is for someone else, without saying who. With no
    account: a form that creates it (then the role is accepted and the person is logged in), or
    decline. A link unknown, used, revoked or expired gets a page that says so."""
    found = selectors.invitation_for_token(token=token)
    if found is None:
        return render(request, "organisations/invitation.html", {"state": "unknown"}, status=404)
    if found.status != InvitationStatus.PENDING:
        return render(request, "organisations/invitation.html", {"state": found.status}, status=410)
    user = request.user if request.user.is_authenticated else None
    if user is None and not _browser_names_a_language(request):
        # The person's browser says nothing we speak (nor did the language switcher): the page
        # is in the invitation's language, as the email was. A browser that names one of ours
        # wins over the admin's guess of the person's language.
        translation.activate(found.language)
        request.LANGUAGE_CODE = translation.get_language()
    if user is not None and user.email.lower() != found.email:
        return render(request, "organisations/invitation.html", {"state": "someone_else"})
    if request.method == "POST":
        return _invitation_answer(request, found, user)
    return _invitation_page(request, found, user)


def _browser_names_a_language(request) -> bool:
    """Whether this browser chose one of the interface's languages: with the language switcher
    (its cookie) or in its Accept-Language header."""
    if settings.LANGUAGE_COOKIE_NAME in request.COOKIES:
        return True
    ours = {code.split("-")[0] for code, _name in settings.LANGUAGES}
    header = request.META.get("HTTP_ACCEPT_LANGUAGE", "")
    return any(code.split("-")[0].lower() in ours for code, _quality in parse_accept_lang_header(header))


def _invitation_page(request, invitation, user, *, form=None, error: str = "", status: int = 200):
    """What the invited person may do now: log in, answer, or create their account."""
    if not selectors.account_exists(email=invitation.email):
        state, form = "new_account", form or InvitationAccountForm()
    else:
        state, form = ("answer" if user is not None else "log_in"), None
    context = {"state": state, "invitation": invitation, "form": form, "error": error}
    return render(request, "organisations/invitation.html", context, status=status)


def _invitation_answer(request, invitation, user):
    answer = request.POST.get("answer")
    form = None
    organisation = {"name": invitation.organisation.name}
    try:
        if answer == "decline":
            services.invitation_decline(invitation=invitation, user=user)
            return render(request, "organisations/invitation.html", {"state": "declined_now", "invitation": invitation})
        if answer == "accept" and user is not None:
            services.invitation_accept(invitation=invitation, user=user)
            messages.success(request, _("Welcome: you now have your role at %(name)s.") % organisation)
            return redirect("home")
        if answer == "create" and user is None:
            form = InvitationAccountForm(request.POST)
            if form.is_valid():
                account = services.invitation_accept_with_new_account(
                    invitation=invitation,
                    full_name=form.cleaned_data["full_name"],
                    password=form.cleaned_data["password1"],
                    language=translation.get_language(),
                )
                login(request, account, backend="django.contrib.auth.backends.ModelBackend")
                messages.success(
                    request, _("Welcome: your account is ready and you have your role at %(name)s.") % organisation
                )
                return redirect("home")
    except NotFoundError:
        raise Http404 from None
    except ValidationError as error:
        # Each verdict next to its field: the name's, the password validators'; the rest above.
        fields = {"full_name": "full_name", "password": "password1"}
        for field, field_messages in error.message_dict.items():
            form.add_error(fields.get(field), field_messages)
    except ApplicationError as error:
        return _invitation_page(request, invitation, user, error=str(error.message), status=409)
    return _invitation_page(request, invitation, user, form=form, status=400)
