"""Every API operation, fuzzed from its own OpenAPI schema, answers as the schema documents, never with a 5xx.

The schema is the one the app serves at /api/v1/openapi.json. For each operation schemathesis generates inputs
that fit the schema (positive) and inputs that do not (negative), sends them to the Django WSGI app in this
thread (so the test transaction and the `force` personas are visible), authenticated with a write-scoped
token of a detective inspector (who sees most of borough A), and checks that

- the server never fails (no 5xx),
- the status code is one the schema declares for that operation (errors included: see custos.api),
- the content type and the body conform to what the schema documents for that status.

Generation is deterministic (derandomize) and small, so the file stays quick on a shared machine.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.core.result import Err
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from custos.api import api

RAW_SCHEMA = api.get_openapi_schema()  # exactly what /api/v1/openapi.json serves
SCHEMA = schemathesis.openapi.from_dict(RAW_SCHEMA)


def _operations() -> dict[str, Any]:
    found = {}
    for result in SCHEMA.get_all_operations():
        if isinstance(result, Err):
            raise result.err()  # an operation schemathesis cannot read would otherwise go unfuzzed
        operation = result.ok()
        found[operation.label] = operation
    return found


OPERATIONS = _operations()
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
MAX_EXAMPLES = 6


@pytest.fixture
def wsgi_app() -> Iterator[WSGIHandler]:
    """Django's real WSGI handler, minus the per-request connection closing that would end the test
    transaction (the same two signals Django's own test client disconnects)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield WSGIHandler()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def bearer(force: Any) -> dict[str, str]:
    from custos.accounts import services

    issued = services.token_create(user=force.user("detective-inspector"), scope="write", days=1)
    return {"Authorization": f"Bearer {issued.raw}"}


def test_every_operation_of_the_served_schema_is_fuzzed() -> None:
    served = {
        f"{method.upper()} {path}" for path, methods in RAW_SCHEMA["paths"].items() for method in methods
    }

    assert set(OPERATIONS) == served
    assert len(OPERATIONS) >= 60


@pytest.mark.slow
@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=str)
@pytest.mark.parametrize("label", sorted(OPERATIONS))
def test_operation_answers_generated_input_as_documented_and_never_with_a_server_error(
    label: str, mode: GenerationMode, wsgi_app: WSGIHandler, bearer: dict[str, str]
) -> None:
    operation = OPERATIONS[label]

    @settings(
        max_examples=MAX_EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(data=st.data())
    def check(data: st.DataObject) -> None:
        case = data.draw(operation.as_strategy(generation_mode=mode))
        response = case.call(app=wsgi_app, headers=bearer)
        case.validate_response(response, checks=CHECKS, headers=bearer)

    check()
