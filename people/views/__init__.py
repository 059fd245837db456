"""Pages of person files, one module for each thing a person does with them: ``search`` (find a
file, open a new one), ``file`` (the file itself and its profile), ``consents``, ``casework``
(needs, claim milestones, interventions), ``households`` and ``imports`` (the spreadsheet
import).

Views read through selectors and write through services. A file the user may not see is a 404.

What apps above people use to add their part to the file is importable from here: the
``sections`` they draw and register in ``person_file_sections``, and the helpers their pages
share with these (``common``).
"""

from people.views.common import add_validation_error
from people.views.search import navigation_links
from people.views.sections import FileSection, TimelineItem, person_file_sections

__all__ = [
    "FileSection",
    "TimelineItem",
    "add_validation_error",
    "navigation_links",
    "person_file_sections",
]
