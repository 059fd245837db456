"""What the person pages share: a person read for a write, a service's validation error shown on
its form, and the part of the file a write goes back to."""

from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import reverse

from people import selectors
from people.models import Person


def add_validation_error(form, error: ValidationError) -> None:
    """Show a model validation error raised inside a service on the form, field by field when
    the form has the field."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


def person_or_404(user, person_id: int) -> Person:
    """The person for a write: restricted, not audited (the page that follows audits its read)."""
    person = selectors.person_list(user=user).filter(pk=person_id).first()
    if person is None:
        raise Http404
    return person


def file_url(person: Person, anchor: str) -> str:
    """The person file's address at ``anchor``: the part a write goes back to."""
    return f"{reverse('people:file', args=[person.pk])}#{anchor}"
