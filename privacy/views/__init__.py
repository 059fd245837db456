"""Pages of the privacy officer's desk: ``requests`` (the desk, access and portability requests
with their deadlines and the export), ``rectifications``, the ``registers`` of communications
without consent and of confidentiality incidents; and the part of the person file that shows
corrections and communications without consent (``person_file``, registered on import).

Views read through selectors and write through services. Whatever the user may not handle is a
404, whether it exists or not."""

from privacy.views import person_file  # noqa: F401 - registers the privacy part of the person file
from privacy.views.common import navigation_links

__all__ = ["navigation_links"]
