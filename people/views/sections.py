"""What apps above people add to the person file: a part of the file (``FileSection``) and the
lines it adds to the timeline (``TimelineItem``), from the providers registered in
``person_file_sections``."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.http import HttpRequest
from django.utils import timezone

from people.models import Person


@dataclass
class TimelineItem:
    at: date | datetime
    label: str
    detail: str = ""
    url: str = ""

    @property
    def sort_key(self) -> datetime:
        if isinstance(self.at, datetime):
            return timezone.localtime(self.at).replace(tzinfo=None)
        return datetime.combine(self.at, time.min)

    @property
    def has_time(self) -> bool:
        return isinstance(self.at, datetime)


@dataclass
class FileSection:
    """A part of the person file drawn by another app: its template and context, what it adds to
    the timeline, and buttons for the top of the file."""

    template: str
    context: dict = field(default_factory=dict)
    timeline: list[TimelineItem] = field(default_factory=list)
    actions: list[tuple[str, str]] = field(default_factory=list)
    html: str = ""  # the template rendered with its context, set by the person file's view


# Apps above people (referrals, later housing) add their part of the file here from their views
# module, so that people imports none of them (ARCHITECTURE.md: imports point downward).
person_file_sections: list[Callable[[HttpRequest, Person], FileSection | None]] = []
