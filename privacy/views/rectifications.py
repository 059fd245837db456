"""Rectifications: correct a field of a person's file at their request, and the page of a
correction with the partners that received the old value."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from organisations.errors import ApplicationError, NotFoundError
from people.choices import DataGroup
from people.forms import add_application_error
from privacy import export, selectors, services
from privacy.forms import RectificationForm
from privacy.views.common import chosen_person, find_a_person_first


def _rectifiable_fields() -> list[tuple[str, str]]:
    return [(name, export.field_label(name)) for name in services.RECTIFIABLE_FIELDS]


@login_required
def rectification_create(request):
    """Correct a field of the file of ``?person=`` at the person's request."""
    person = chosen_person(request)
    if person is None:
        return find_a_person_first(request)
    status = 200
    if request.method == "POST":
        form = RectificationForm(request.POST, fields=_rectifiable_fields())
        if form.is_valid():
            try:
                rectification = services.person_rectify(actor=request.user, person=person, **form.cleaned_data)
            except ApplicationError as error:
                add_application_error(form, error, {"field": "field", "reason": "reason", "value": "value"})
            except ValidationError as error:
                for messages_ in getattr(error, "message_dict", {"value": error.messages}).values():
                    form.add_error("value", messages_)
            else:
                messages.success(request, _("The file is corrected."))
                return redirect("privacy:rectification", rectification.pk)
        status = 422
    else:
        form = RectificationForm(fields=_rectifiable_fields())
    current = [
        (export.field_label(name), export.field_value(person, name)[1], name) for name in services.RECTIFIABLE_FIELDS
    ]
    return render(
        request,
        "privacy/rectification_form.html",
        {"person": person, "form": form, "current": current},
        status=status,
    )


@login_required
def rectification_detail(request, rectification_id: int):
    """A correction, and the partners that received the old value (to tell the person)."""
    try:
        rectification = selectors.rectification_detail(user=request.user, rectification_id=rectification_id)
    except NotFoundError:
        raise Http404 from None
    return render(
        request,
        "privacy/rectification.html",
        {
            "rectification": rectification,
            "field_label": export.field_label(rectification.field),
            "partners": selectors.partners_who_received(rectification=rectification),
            "group_label": dict(DataGroup.choices).get(export.GROUP_OF_FIELD.get(rectification.field), ""),
        },
    )
