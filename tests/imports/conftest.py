import io

import pytest
from django.utils import translation

from organisations.choices import OrganisationKind, Role
from people import imports
from tests import factories


@pytest.fixture(autouse=True)
def in_english():
    """The messages these tests read are the English source (pages follow their user's language)."""
    with translation.override("en-ca"):
        yield


@pytest.fixture
def hub(db):
    """A hub with a member per role, and a second hub (its own people)."""
    return factories.side(OrganisationKind.HUB)


@pytest.fixture
def other_hub(db):
    return factories.side(OrganisationKind.HUB)


def run_preview(
    side, kind: str, content: bytes, *, role=Role.COORDINATOR, max_rows=imports.COMMAND_MAX_ROWS, name="f.csv"
):
    return imports.preview(
        io.BytesIO(content),
        kind=kind,
        actor=side[role],
        organisation=side.organisation,
        file_name=name,
        max_rows=max_rows,
    )


def run_import(side, kind: str, content: bytes, *, role=Role.COORDINATOR, accept_duplicates=False, progress=None):
    """Preview then commit, as the command does; returns (preview, batch)."""
    actor = side[role]
    stream = io.BytesIO(content)
    result = imports.preview(
        stream,
        kind=kind,
        actor=actor,
        organisation=side.organisation,
        file_name="f.csv",
        max_rows=imports.COMMAND_MAX_ROWS,
    )
    assert result.can_commit, (result.file_error, result.errors[:5])
    batch = imports.batch_create(
        stream,
        actor=actor,
        organisation=side.organisation,
        kind=kind,
        file_name="f.csv",
        preview_result=result,
        keep_file=False,
    )
    batch = imports.commit(
        stream,
        batch=batch,
        actor=actor,
        accept_duplicates=accept_duplicates,
        max_rows=imports.COMMAND_MAX_ROWS,
        progress=progress,
    )
    return result, batch
