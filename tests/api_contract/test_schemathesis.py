"""The API against its own OpenAPI schema: schemathesis generates requests from ``/api/schema/``
(the documented examples, every boundary and negative value of the coverage phase, random ones,
then chains of requests following the links between operations) and checks every answer.

It runs as two users of two partner organisations that share nothing (``world.py``), once as
each, against the application served on the test database; each user has objects in every part
of the API. Checks: no server error, every status documented, every answer in its declared shape,
invalid requests refused and valid ones accepted (a 422, a rule the schema cannot state, counts
as accepted: ``organisations.errors``), credentials enforced, and neither user gets the other's
objects: schemathesis' ``object_level_authorization`` (an owner's read replayed as the peer must
not return the same object) and ``the_other_side_gets_404`` below (what one user reads, the other
gets as a 404: a 403 or an empty 200 would be a leak of existence, the house rule).

Seeded (``SCHEMATHESIS_SEED``, default ``SEED``) so that a failure reproduces; bounded by
``SCHEMATHESIS_MAX_TIME`` seconds for each user. Run it alone and reproduce a failure as
docs/development.md says."""

import json
import os

import pytest
import requests
import schemathesis
from schemathesis.config import SchemathesisConfig
from schemathesis.engine import events, from_schema

from tests.api_contract.auth import api_credentials
from tests.api_contract.world import build_contract_world

SEED = 13
SEED_VARIABLE = "SCHEMATHESIS_SEED"
MAX_TIME_VARIABLE = "SCHEMATHESIS_MAX_TIME"
CHECKS = [
    "not_a_server_error",
    "status_code_conformance",
    "response_schema_conformance",
    "negative_data_rejection",
    "positive_data_acceptance",
    "ignored_auth",
    "object_level_authorization",
    "the_other_side_gets_404",
]
# The directory is shared with the whole network by design: the other side reads it too.
SHARED_OPERATIONS = {"/api/v1/organisations/{id}/", "/api/v1/services/{id}/", "/api/v1/locations/{id}/"}

# Each user's request headers, by the name schemathesis knows them by; set by the test.
CREDENTIALS: dict[str, dict[str, str]] = {}
# Each user, by the same name: a run may revoke the token it was given (``POST /tokens/{key}/revoke/``,
# a second-factor reset), and the other side's check then asks with a new one.
USERS: dict[str, object] = {}


@schemathesis.check
def the_other_side_gets_404(ctx, response, case):
    """What one user reads by id (an answer 200 to a GET of ``…/{id}/…``), the user of the other
    partner organisation gets as a 404."""
    if case.method != "GET" or response.status_code != 200 or "id" not in (case.path_parameters or {}):
        return None
    if case.path in SHARED_OPERATIONS or case.auth_identity not in CREDENTIALS:
        return None
    (other,) = (name for name in CREDENTIALS if name != case.auth_identity)
    answer = requests.get(response.request.url, headers=CREDENTIALS[other], timeout=30)
    if answer.status_code == 401:
        CREDENTIALS[other] = api_credentials(USERS[other])
        answer = requests.get(response.request.url, headers=CREDENTIALS[other], timeout=30)
    if answer.status_code != 404:
        raise AssertionError(
            f"{case.auth_identity} read {response.request.url}; {other}, of the other partner organisation, "
            f"got {answer.status_code} instead of 404"
        )
    return None


def contract_config(*, seed: int, max_time: int, wfc_path: str, user: str) -> SchemathesisConfig:
    return SchemathesisConfig.from_dict(
        {
            "seed": seed,
            "max-time": max_time,
            # Nothing carried over from an earlier run: the seed alone decides what is sent.
            "cache": {"enabled": False},
            "workers": 1,
            "generation": {"max-examples": 12, "database": "none"},
            "phases": {"stateful": {"max-steps": 6}},
            "checks": {
                "enabled": False,
                **{name: {"enabled": True} for name in CHECKS},
                # A rule the schema cannot state refuses a valid request with 422 (organisations.errors).
                "positive_data_acceptance": {
                    "enabled": True,
                    "expected-statuses": ["2xx", "3xx", "401", "403", "404", "409", "422", "429"],
                },
            },
            "auth": {"wfc": {"path": wfc_path, "user": user, "peers": list(CREDENTIALS)}},
        }
    )


def run(schema_url: str, config: SchemathesisConfig) -> tuple[list[str], int]:
    """Run every phase; the failures found, each with the request that reproduces it, and the
    number of scenarios run."""
    failures, scenarios = [], 0
    schema = schemathesis.openapi.from_url(schema_url, config=config)
    for event in from_schema(schema).execute():
        if isinstance(event, events.ScenarioFinished):
            scenarios += 1
            for checks in event.recorder.checks.values():
                for check in checks:
                    if check.failure_info is not None:
                        failure = check.failure_info.failure
                        failures.append(
                            f"{event.recorder.label}: {failure.title}\n{failure.message}\n"
                            f"{check.failure_info.code_sample}"
                        )
        elif isinstance(event, events.NonFatalError | events.FatalError):
            failures.append(f"error: {getattr(event, 'info', None) or getattr(event, 'exception', event)}")
    return failures, scenarios


@pytest.mark.django_db(transaction=True, reset_sequences=True)
def test_the_api_keeps_its_schema_for_two_partner_organisations(live_server, tmp_path, settings):
    settings.DEBUG = False
    side_a, side_b = build_contract_world()
    USERS.clear()
    USERS.update({"A": side_a.user, "B": side_b.user})
    CREDENTIALS.clear()
    CREDENTIALS.update({name: api_credentials(user) for name, user in USERS.items()})
    wfc = tmp_path / "users.json"
    wfc.write_text(
        json.dumps(
            {
                "auth": [
                    {"name": name, "fixedHeaders": [{"name": key, "value": value} for key, value in headers.items()]}
                    for name, headers in CREDENTIALS.items()
                ]
            }
        )
    )
    seed = int(os.environ.get(SEED_VARIABLE, SEED))
    max_time = int(os.environ.get(MAX_TIME_VARIABLE, 120))
    failures, scenarios = [], 0
    for user in CREDENTIALS:
        config = contract_config(seed=seed, max_time=max_time, wfc_path=str(wfc), user=user)
        found, ran = run(f"{live_server.url}/api/schema/", config)
        failures += [f"[as {user}] {failure}" for failure in found]
        scenarios += ran
    assert scenarios > 100
    assert not failures, (
        f"{len(failures)} failures with {SEED_VARIABLE}={seed} (rerun with the same seed to reproduce):\n\n"
        + "\n\n".join(failure[:2000] for failure in failures)
    )
