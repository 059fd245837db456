"""Consents on the person file: record one, and withdraw one after confirming what stops."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from organisations.errors import ApplicationError
from organisations.selectors import referral_partners
from people import selectors, services
from people.forms import ConsentForm, ConsentWithdrawForm, add_application_error
from people.views.common import add_validation_error, file_url, person_or_404
from people.views.file import consent_form_for, render_file


@login_required
@require_POST
def consent_create(request, person_id: int):
    person = person_or_404(request.user, person_id)
    form = consent_form_for(
        person,
        data=request.POST,
        partners=referral_partners(user=request.user, organisation=person.owner),
        user=request.user,
    )
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.consent_record(
                actor=request.user,
                person=person,
                recipient=data["recipient"],
                purposes=data["purposes"],
                data_groups=data["data_groups"],
                express=data["express"],
                method=data["method"],
                language=data["language"],
                interpreter_assisted=data["interpreter_assisted"],
                given_by=data["given_by"],
                given_by_name=data["given_by_name"],
                valid_from=data["valid_from"],
                valid_until=data["valid_until"],
                notice_version=data["notice_version"],
            )
        except ApplicationError as error:
            add_application_error(form, error, ConsentForm.ERROR_FIELDS)
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(
                request, _("Consent recorded for %(organisation)s.") % {"organisation": data["recipient"].name}
            )
            return redirect(file_url(person, "consents"))
    return render_file(request, person_id, bound={"consent_form": form}, open_panel="consent")


@login_required
def consent_withdraw(request, person_id: int, consent_id: int):
    """Withdrawing a consent asks for confirmation: the page says what stops, and records how the
    person expressed it and in which language."""
    person = person_or_404(request.user, person_id)
    consent = selectors.consent_list(user=request.user, person=person).filter(pk=consent_id).first()
    if consent is None:
        raise Http404
    children = [child.person.full_name for child in selectors.consents_given_for_children(consent=consent)]
    if request.method == "POST":
        form = ConsentWithdrawForm(request.POST, children=children)
        if form.is_valid():
            try:
                services.consent_withdraw(actor=request.user, consent=consent, **form.cleaned_data)
            except ApplicationError as error:
                messages.error(request, str(error.message))
            else:
                messages.success(
                    request,
                    _("Consent withdrawn: %(organisation)s no longer sees what it covered.")
                    % {"organisation": consent.recipient.name},
                )
            return redirect(file_url(person, "consents"))
        status = 400
    else:
        form = ConsentWithdrawForm(initial={"language": person.preferred_language}, children=children)
        status = 200
    context = {"person": person, "consent": consent, "form": form, "referral_count": consent.referrals.count()}
    return render(request, "people/consent_withdraw.html", context, status=status)
