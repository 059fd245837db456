"""Pages of the web shell: home, the organisation directory, the profile, the language switch,
partnerships, members and invitations, the audit log, and the error pages (an organisation's own
page, onboarding and the end of a role are in ``onboarding_views``). Views read through
selectors and write through services."""

import csv
import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent, ValidationError
from django.db import connection
from django.db.models import Prefetch, Q
from django.http import Http404, HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import redirect, render
from django.template import loader
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.utils.translation.trans_real import parse_accept_lang_header
from django.views.decorators.http import require_POST, require_safe
from django.views.i18n import set_language

from organisations import audit_labels, permissions, selectors, services, today
from organisations.audit import audit_refused_request
from organisations.choices import SPOKEN_LANGUAGES, InvitationStatus, PartnershipStatus, UILanguage
from organisations.context_processors import navigation_context
from organisations.errors import ApplicationError, NotFoundError, TooManyRequestsError
from organisations.forms import (
    AgreementForm,
    AuditLogFilterForm,
    DirectorySearchForm,
    InvitationAccountForm,
    InvitationForm,
    PartnershipProposeForm,
)
from organisations.models import AuditEntry
from organisations.validators import parse_id


@login_required
def home(request):
    """Today, per role: what needs doing now, from the sections the apps register
    (``organisations.today``), then the user's roles."""
    memberships = selectors.user_memberships(user=request.user)
    sections = today.sections_for(navigation_context(request.user))
    return render(
        request,
        "organisations/home.html",
        {"memberships": memberships, "sections": sections, "live_streams": today.live_streams(sections)},
    )


@login_required
def directory(request):
    """The organisation directory: services searchable by need, language and kind."""
    form = DirectorySearchForm(request.GET)
    form.is_valid()  # a bad value is shown next to its field; the valid filters still apply
    filters = form.cleaned_data
    services_found = selectors.directory_services(
        user=request.user,
        need_category=filters.get("need_category") or None,
        language=filters.get("language") or None,
        organisation_kind=filters.get("organisation_kind") or None,
        text=filters.get("text") or None,
    )
    return render(
        request,
        "organisations/directory.html",
        {"form": form, "services": services_found, "language_names": SPOKEN_LANGUAGES},
    )


@login_required
def profile(request):
    """The user's own account and memberships (kept live through the membership stream)."""
    context = {
        "memberships": selectors.user_memberships(user=request.user),
        "manages_members": bool(permissions.organisation_ids_with_permission(request.user, "manage_members")),
    }
    return render(request, "organisations/profile.html", context)


@require_POST
def language_switch(request):
    """Switch the interface language; a logged-in user's choice is remembered on their account."""
    language = request.POST.get("language")
    if request.user.is_authenticated and language in UILanguage.values:
        services.user_update_profile(user=request.user, preferred_language=language)
    # Django's set_language sets the cookie and refuses to redirect off site.
    return set_language(request)


def _managed_or_404(user, codename: str) -> set[int]:
    """The organisations where ``user`` holds ``codename``; a page for nobody else (404)."""
    managed = permissions.organisation_ids_with_permission(user, codename)
    if not managed:
        raise Http404
    return managed


# --- Partnerships --------------------------------------------------------------------------------


@login_required
def partnerships(request):
    """The partnerships of the organisations whose partnerships the user manages (admins and
    coordinators): proposals waiting for their answer, proposals they sent, the active ones,
    the recent closed ones, and a form to propose one."""
    return _render_partnerships(request, _managed_or_404(request.user, "manage_partnerships"))


def _render_partnerships(request, managed: set[int], form=None, status: int = 200, agreement_form=None):
    """``agreement_form``: the agreement form sent for one partnership and refused, shown with
    its errors in that partnership's place (``agreement_views.agreement_record``)."""
    rows = list(
        selectors.partnership_list(user=request.user)
        .filter(Q(organisation__in=managed) | Q(partner__in=managed))
        .prefetch_related(Prefetch("agreements", queryset=selectors.agreement_list(user=request.user)))
        .order_by("-created_at", "-pk")
    )
    today_date = timezone.localdate()
    for row in rows:
        # The side the user deals with, shown with what tells it apart from a namesake.
        row.other_side = row.organisation if row.partner_id in managed else row.partner
        # Agreements in force or to come; when there is none, the last one that lapsed.
        agreements = [agreement for agreement in row.agreements.all() if agreement.ended_at is None]
        row.current_agreements = sorted(
            (agreement for agreement in agreements if agreement.valid_until >= today_date),
            key=lambda agreement: agreement.valid_from,
        )
        row.lapsed_agreement = next((a for a in agreements if a.valid_until < today_date), None)
        sent = agreement_form is not None and agreement_form.partnership_id == row.pk
        row.agreement_form = agreement_form if sent else AgreementForm(prefix=f"agreement-{row.pk}")
    proposed = [row for row in rows if row.status == PartnershipStatus.PROPOSED]
    closed = [row for row in rows if row.status not in (PartnershipStatus.PROPOSED, PartnershipStatus.ACTIVE)]
    context = {
        "waiting": [row for row in proposed if row.answering_side.pk in managed],
        "sent": [row for row in proposed if row.proposed_by_id in managed],
        "active": [row for row in rows if row.status == PartnershipStatus.ACTIVE],
        "closed": closed[:20],
        "form": form or PartnershipProposeForm(user=request.user, managed_ids=managed),
    }
    return render(request, "organisations/partnerships.html", context, status=status)


@login_required
@require_POST
def partnership_propose(request):
    managed = _managed_or_404(request.user, "manage_partnerships")
    form = PartnershipProposeForm(request.POST, user=request.user, managed_ids=managed)
    if form.is_valid():
        proposal = form.proposal()
        try:
            services.partnership_propose(actor=request.user, **proposal)
        except NotFoundError:
            raise Http404 from None
        except ApplicationError as error:
            form.add_error(
                "other" if error.code in ("self_partnership", "already_partners", "cool_down") else None,
                str(error.message),
            )
        else:
            messages.success(
                request,
                _("Your proposal was sent to %(organisation)s. The partnership takes effect when they accept it.")
                % {"organisation": form.cleaned_data["other"].name},
            )
            return redirect("organisations:partnerships")
    return _render_partnerships(request, managed, form=form, status=400)


def _page_action(*, find, service, argument: str, done, back: str):
    """A page's POST that calls ``service`` on one object among those ``find(user=…)`` returns
    (404 for any other), then goes back to ``back`` saying what happened."""

    @login_required
    @require_POST
    def view(request, pk: int):
        obj = find(user=request.user).filter(pk=pk).first()
        if obj is None:
            raise Http404
        try:
            service(actor=request.user, **{argument: obj})
        except NotFoundError:
            raise Http404 from None
        except ApplicationError as error:
            messages.error(request, str(error.message))
        else:
            messages.success(request, str(done))
        return redirect(back)

    return view


def _partnership_action(service, done):
    return _page_action(
        find=selectors.partnership_list,
        service=service,
        argument="partnership",
        done=done,
        back="organisations:partnerships",
    )


partnership_accept = _partnership_action(services.partnership_accept, gettext_lazy("The partnership is active."))
partnership_decline = _partnership_action(services.partnership_decline, gettext_lazy("You declined the proposal."))
partnership_withdraw = _partnership_action(services.partnership_withdraw, gettext_lazy("Your proposal was withdrawn."))
partnership_end = _partnership_action(services.partnership_end, gettext_lazy("The partnership has ended."))


# --- Members and invitations -------------------------------------------------------------------


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


def healthz(request):
    """Liveness and database check for the reverse proxy and docker-compose."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")


def is_api_request(request) -> bool:
    """Whether ``request`` is for the REST API, which answers its errors in JSON, not with pages."""
    return request.path.startswith("/api/")


def request_refused(request, *, status: int, code: str, title: str, message: str) -> HttpResponse:
    """Refuse a request that could not be read: JSON ``{"detail", "code"}`` on the API, a
    standalone page elsewhere (no user, no session: the request may not have got that far)."""
    if is_api_request(request):
        return JsonResponse({"detail": message, "code": code}, status=status)
    page = loader.get_template("400.html").render({"title": title, "message": message})
    return HttpResponse(page, status=status)


def bad_request(request, exception=None):
    """Django's answer to a request it refused while reading it (``handler400``): a body over
    ``DATA_UPLOAD_MAX_MEMORY_SIZE`` or with too many fields is a 413, anything else a 400."""
    if isinstance(exception, RequestDataTooBig | TooManyFieldsSent | TooManyFilesSent):
        return request_refused(
            request,
            status=413,
            code="too_large",
            title=_("Too large"),
            message=_("What you sent is too large. Send less at once, or shorter texts."),
        )
    return request_refused(
        request,
        status=400,
        code="bad_request",
        title=_("Request not understood"),
        message=_("This request could not be read. Go back and try again."),
    )


# --- The audit log --------------------------------------------------------------------------------

AUDIT_LOG_PAGE = 50


@login_required
@require_safe
def audit_log(request):
    """For privacy officers: their organisations' audit log, filtered by person, user,
    organisation, action and period, newest first, older entries page by page (``before``: the id
    the previous page ended at). Read-only: nothing on it changes an entry."""
    _managed_or_404(request.user, "view_audit")
    form = AuditLogFilterForm(request.GET or None, choices=selectors.audit_log_choices(user=request.user))
    entries = selectors.audit_log(user=request.user, **form.filters()) if not form.errors else AuditEntry.objects.none()
    before = parse_id(request.GET.get("before", ""))
    if before is not None:
        entries = entries.filter(pk__lt=before)
    page = list(entries[: AUDIT_LOG_PAGE + 1])
    older = None
    if len(page) > AUDIT_LOG_PAGE:
        page = page[:AUDIT_LOG_PAGE]
        query = request.GET.copy()
        query["before"] = page[-1].pk
        older = query.urlencode()
    for entry in page:
        entry.action_label = audit_labels.action_label(entry.action)
        entry.object_label = audit_labels.object_label(entry.object_type) if entry.object_type else ""
    export = request.GET.copy()
    export.pop("before", None)
    context = {"form": form, "entries": page, "older": older, "export_query": export.urlencode()}
    return render(request, "organisations/audit_log.html", context, status=400 if form.errors else 200)


# A spreadsheet runs a cell that starts with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


@login_required
@require_safe
def audit_log_export(request):
    """The filtered audit log as CSV (UTF-8 with a byte order mark, for spreadsheets); the
    export is audited (``selectors.audit_log_export``)."""
    _managed_or_404(request.user, "view_audit")
    form = AuditLogFilterForm(request.GET or None, choices=selectors.audit_log_choices(user=request.user))
    if form.errors:
        return audit_log(request)
    entries = selectors.audit_log_export(user=request.user, filters=form.filters())
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="audit-log.csv"'
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow(
        [
            _("Time"),
            _("User"),
            _("Organisation"),
            _("Action"),
            _("Object"),
            _("Object id"),
            _("IP address"),
            _("People"),
            _("Details"),
        ]
    )
    for entry in entries.iterator(chunk_size=2000):
        writer.writerow(
            [
                _cell(entry.at.isoformat()),
                _cell(entry.actor.email if entry.actor else ""),
                _cell(entry.organisation.name if entry.organisation else ""),
                _cell(entry.action),
                _cell(entry.object_type),
                _cell(entry.object_id),
                _cell(entry.ip_address),
                _cell(entry.people.strip(",")),
                _cell(json.dumps(entry.details, ensure_ascii=False) if entry.details else ""),
            ]
        )
    return response


def page_not_found(request, exception=None):
    match = getattr(request, "resolver_match", None)
    if match is not None and match.kwargs:
        audit_refused_request(user=getattr(request, "user", None), kwargs=match.kwargs)
    if is_api_request(request):
        return JsonResponse({"detail": str(_("Not found.")), "code": "not_found"}, status=404)
    return render(request, "404.html", status=404)


def server_error(request):
    if is_api_request(request):
        return JsonResponse(
            {"detail": str(_("Something went wrong on our side. Please try again.")), "code": "server_error"},
            status=500,
        )
    # No request context: the navigation queries the database, which may be what failed.
    return HttpResponseServerError(loader.get_template("500.html").render())


def form_address_page(request, *, allow: str):
    """The page for a GET on an address that only takes a form's POST
    (``FormAddressPageMiddleware``): 405, with what to do instead."""
    page = render(request, "405.html", status=405)
    page["Allow"] = allow
    return page
