"""The privacy part of the person file: corrections of the file and communications without
consent, registered among the file's sections when this module is imported (``privacy.views``)."""

from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from organisations.permissions import can
from people.models import Person
from people.views.sections import FileSection, TimelineItem, person_file_sections
from privacy import export, selectors


def person_file_section(request, person: Person) -> FileSection | None:
    """Corrections of the file and communications without consent, on the person file; links
    to correct the file or enter a communication for those who handle privacy."""
    user = request.user
    rectifications = list(selectors.rectification_list(user=user, person=person)[:20])
    communications = list(selectors.emergency_communication_list(user=user, person=person)[:20])
    handles = can(user, selectors.PRIVACY, person)
    if not rectifications and not communications and not handles:
        return None
    query = urlencode({"person": person.pk})
    timeline = [
        TimelineItem(row.changed_at, _("File corrected"), export.field_label(row.field)) for row in rectifications
    ] + [TimelineItem(row.communicated_at, _("Communicated without consent"), row.recipient) for row in communications]
    return FileSection(
        template="privacy/person_file_section.html",
        context={
            "rectifications": [(row, export.field_label(row.field)) for row in rectifications],
            "communications": communications,
            "handles": handles,
            "rectify_url": f"{reverse('privacy:rectification-create')}?{query}",
            "request_url": f"{reverse('privacy:request-create')}?{query}",
            "emergency_url": f"{reverse('privacy:emergency-create')}?{query}",
            "toc_anchor": "privacy",
            "toc_label": _("Privacy"),
        },
        timeline=timeline,
    )


person_file_sections.append(person_file_section)
