"""Requests Django refuses while reading them are logged as one WARNING line, never an ERROR with a
traceback: anyone can send them, and the log and its alerts are not theirs to fill."""

import logging

import pytest
from django.urls import reverse

from organisations.choices import Role
from tests.auth import login


def refused_request_records(caplog, name: str) -> list[logging.LogRecord]:
    return [record for record in caplog.records if record.name == f"django.security.{name}"]


def assert_one_warning_line(caplog, name: str) -> None:
    records = refused_request_records(caplog, name)
    assert len(records) == 1, [(record.name, record.levelname) for record in caplog.records]
    record = records[0]
    assert (record.levelno, record.exc_info, record.exc_text) == (logging.WARNING, None, None)
    line = logging.Formatter("%(levelname)s %(name)s %(message)s").format(record)
    assert "\n" not in line and line.startswith(f"WARNING django.security.{name} ")
    assert not [record for record in caplog.records if record.levelno >= logging.ERROR]


@pytest.mark.django_db
def test_a_body_over_the_limit_is_one_warning_line(client, api, network, caplog):
    login(client, network.a[Role.WORKER])
    with caplog.at_level(logging.INFO):
        response = client.post(
            reverse("person-list"),
            '{"given_names": "' + "a" * (10 * 1024 * 1024) + '"}',
            content_type="application/json",
        )
    assert response.status_code == 413
    assert_one_warning_line(caplog, "RequestDataTooBig")


@pytest.mark.django_db
def test_too_many_form_fields_is_one_warning_line(client, network, settings, caplog):
    login(client, network.a[Role.WORKER])
    fields = {f"field{number}": "x" for number in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 500)}
    with caplog.at_level(logging.INFO):
        response = client.post(reverse("people:create"), fields)
    assert response.status_code == 413
    assert_one_warning_line(caplog, "TooManyFieldsSent")


@pytest.mark.django_db
def test_a_foreign_host_is_one_warning_line(client, caplog):
    with caplog.at_level(logging.INFO):
        response = client.get("/accounts/login/", HTTP_HOST="passerelle.evil.example")
    assert response.status_code == 400
    assert_one_warning_line(caplog, "DisallowedHost")


def test_other_errors_keep_their_level_and_traceback(caplog):
    logger = logging.getLogger("django.request")
    try:
        raise ValueError("a fault of ours")
    except ValueError:
        logger.exception("Internal Server Error")
    record = caplog.records[-1]
    assert record.levelno == logging.ERROR and record.exc_info is not None
