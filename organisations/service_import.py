"""Loading an organisation's own services into the directory from a CSV or XLSX file, in
French, English and Spanish (docs/imports.md, "A partner's services").

A directory holds tens of services, not thousands: each row goes through
``services.service_create`` itself (its rules: the French name, the texts without control
characters, an email and a website that are one, who may add), inside one transaction. The
preview is the same run, rolled back: what it reports is exactly what the import would do, and
nothing stays. The import keeps every row, or none.
"""

from dataclasses import dataclass, field
from typing import BinaryIO

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from organisations import permissions, services
from organisations.audit import audit_record
from organisations.choices import NeedCategory
from organisations.directory_forms import SERVICE_TEXTS, translated_field_names
from organisations.errors import ApplicationError, NotFoundError
from organisations.models import Organisation, Service, User, language_code_validator
from organisations.tabular import (
    ChoiceReader,
    Table,
    TabularError,
    ValueProblem,
    control_character_columns,
    parse_list,
)

TEXTS = tuple(SERVICE_TEXTS)
COLUMNS = translated_field_names(*TEXTS) + [
    "email",
    "url",
    "need_categories",
    "languages",
]
REQUIRED = ["name_fr", "need_categories", "languages"]
# A directory entry's services: tens. More is a file of something else.
MAX_ROWS = 500


@dataclass
class ServiceImport:
    """What the import did, or would do: rows, each row's errors (line, column, message), the
    names of the services it adds."""

    row_count: int = 0
    errors: list[tuple[int, str, str]] = field(default_factory=list)
    names: list[str] = field(default_factory=list)
    file_error: str = ""
    committed: bool = False

    @property
    def can_commit(self) -> bool:
        return not self.file_error and not self.errors and self.row_count > 0


def template_csv() -> str:
    """The header line and an example row."""
    example = {"name_fr": "Banque alimentaire", "name_es": "Banco de alimentos", "name_en": "Food bank"}
    example |= {"need_categories": "food", "languages": "fr;es", "email": "aide@example.org"}
    return ",".join(COLUMNS) + "\r\n" + ",".join(example.get(column, "") for column in COLUMNS) + "\r\n"


class _RowRefused(Exception):
    def __init__(self, problems: list[tuple[str, str]]):
        self.problems = problems


def _problems(error: ValidationError) -> list[tuple[str, str]]:
    """The model's errors by the sheet's columns: a text without a language suffix is the
    French one, which modeltranslation copies into the base field."""
    if not hasattr(error, "error_dict"):
        return [("", str(message)) for message in error.messages]
    columns = {text: f"{text}_fr" for text in TEXTS}
    found = {
        (columns.get(name, name), str(message)) for name, messages in error.message_dict.items() for message in messages
    }
    return sorted(found)


def _row_fields(values: dict[str, str]) -> dict:
    """``service_create``'s keyword arguments from one row."""
    problems: list[tuple[str, str]] = []
    categories = []
    reader = ChoiceReader(NeedCategory)
    for text in parse_list(values.get("need_categories", "")):
        try:
            categories.append(reader(text))
        except ValueProblem as problem:
            problems.append(("need_categories", str(problem.message)))
    languages = [code.lower() for code in parse_list(values.get("languages", ""))]
    for code in languages:
        try:
            language_code_validator(code)
        except ValidationError as error:
            problems.append(("languages", str(error.messages[0])))
    if not categories:
        problems.append(("need_categories", str(_("Give at least one need category."))))
    if not languages:
        problems.append(("languages", str(_("Give at least one language the service is offered in."))))
    if problems:
        raise _RowRefused(problems)
    texts = {column: values.get(column, "") for column in translated_field_names(*TEXTS)}
    return {
        **texts,
        "email": values.get("email", ""),
        "url": values.get("url", ""),
        "need_categories": sorted(set(categories)),
        "languages": sorted(set(languages)),
    }


def services_import(
    stream: BinaryIO, *, actor: User, organisation: Organisation, file_name: str = "", commit: bool
) -> ServiceImport:
    """Add the services of the sheet to ``organisation``'s directory entry through
    ``service_create``, all or none; ``commit=False`` (the preview) runs the same and rolls it
    back. Only the organisation's admins (``change_organisation``); anyone else: 404."""
    if not permissions.has_organisation_permission(actor, "change_organisation", organisation):
        raise NotFoundError()
    result = ServiceImport()
    try:
        table = Table(stream, file_name=file_name, max_rows=MAX_ROWS)
        table.check_columns(required=REQUIRED, known=COLUMNS)
        rows = list(table.rows())
    except TabularError as error:
        result.file_error = str(error.message)
        return result
    existing = {
        name.casefold() for name in Service.objects.filter(organisation=organisation).values_list("name_fr", flat=True)
    }
    seen: dict[str, int] = {}
    with transaction.atomic():
        for row in rows:
            result.row_count += 1
            name = row.get("name_fr").strip().casefold()
            try:
                if controlled := control_character_columns(row):
                    message = str(_("Remove the control characters from this text."))
                    raise _RowRefused([(column, message) for column in controlled])
                if name in existing:
                    raise _RowRefused([("name_fr", str(_("The directory already lists a service of this name.")))])
                if name in seen:
                    raise _RowRefused([("name_fr", str(_("Line %(line)s has the same name.") % {"line": seen[name]}))])
                seen[name] = row.line
                service = services.service_create(actor=actor, organisation=organisation, **_row_fields(row.values))
                result.names.append(service.name_fr)
            except _RowRefused as refused:
                result.errors += [(row.line, column, message) for column, message in refused.problems]
            except ValidationError as error:
                result.errors += [(row.line, column, message) for column, message in _problems(error)]
            except ApplicationError as error:
                result.errors.append((row.line, "", str(error.message)))
        if commit and result.can_commit:
            audit_record(
                actor=actor,
                organisation=organisation,
                action="organisations.service.imported",
                details={"rows": result.row_count},
            )
            result.committed = True
        else:
            transaction.set_rollback(True)
    return result
