"""Pages of the web shell: home, the organisation directory, the profile, the language switch,
partnerships, and the error pages (members and invitations are in ``member_views``, the audit log
in ``audit_log_views``; an organisation's own page, onboarding and the end of a role in
``onboarding_views``). Views read through selectors and write through services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.db import connection
from django.db.models import Prefetch, Q
from django.http import Http404, HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import redirect, render
from django.template import loader
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django.views.i18n import set_language

from organisations import permissions, selectors, services, today
from organisations.audit import audit_refused_request
from organisations.choices import SPOKEN_LANGUAGES, PartnershipStatus, UILanguage
from organisations.context_processors import navigation_context
from organisations.errors import ApplicationError, NotFoundError
from organisations.forms import AgreementForm, DirectorySearchForm, PartnershipProposeForm


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
