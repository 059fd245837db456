"""Pages of data-sharing agreements, shown on the partnerships page: record one (with its signed
PDF), end one, and open the signed PDF. Reads through selectors, writes through services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from organisations import selectors, services
from organisations.errors import ApplicationError, NotFoundError
from organisations.forms import AgreementForm
from organisations.permissions import Action
from organisations.views import _managed_or_404, _page_action, _render_partnerships


@login_required
@require_POST
def agreement_record(request, pk: int):
    """Record the agreement of one partnership whose partnerships the user manages (404 for any
    other); refused input comes back next to its fields, nothing recorded."""
    managed = _managed_or_404(request.user, "manage_partnerships")
    partnership = selectors.partnership_list(user=request.user, action=Action.CHANGE).filter(pk=pk).first()
    if partnership is None:
        raise Http404
    form = AgreementForm(request.POST, request.FILES, prefix=f"agreement-{pk}")
    form.partnership_id = partnership.pk
    if form.is_valid():
        try:
            agreement = services.agreement_record(actor=request.user, partnership=partnership, **form.cleaned_data)
        except NotFoundError:
            raise Http404 from None
        except ValidationError as error:
            for field, field_messages in error.message_dict.items():
                form.add_error(field if field in form.fields else None, field_messages)
        except ApplicationError as error:
            form.add_error(None, str(error.message))
        else:
            messages.success(
                request,
                _("The data-sharing agreement “%(reference)s” is recorded; the other organisation is told.")
                % {"reference": agreement.reference},
            )
            return redirect(f"{reverse('organisations:partnerships')}#partnership-{partnership.pk}")
    return _render_partnerships(request, managed, status=400, agreement_form=form)


agreement_end = _page_action(
    find=lambda user: selectors.agreement_list(user=user, action=Action.CHANGE),
    service=services.agreement_end,
    argument="agreement",
    done=gettext_lazy("The agreement has ended: it no longer covers referrals or holds."),
    back="organisations:partnerships",
)


@login_required
@require_safe
def agreement_document(request, pk: int):
    """The signed PDF, to both sides' partnership managers only (404 for anyone else), as a
    download: a file uploaded by someone is never shown inside the site's pages."""
    agreement = selectors.agreement_document(user=request.user, pk=pk)
    if agreement is None:
        raise Http404
    try:
        document = agreement.document.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        document,
        as_attachment=True,
        filename=f"{agreement.reference}.pdf",
        content_type="application/pdf",
    )
    response["Cache-Control"] = "private, no-store"
    return response
