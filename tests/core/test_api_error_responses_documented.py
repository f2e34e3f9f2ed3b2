"""The served OpenAPI schema documents the problem+json errors each operation can answer, not only its 2xx."""

from __future__ import annotations

from typing import Any

import pytest

PROBLEM = "application/problem+json"
WRITES = {"post", "put", "patch", "delete"}


@pytest.fixture
def schema(client: Any, db: Any) -> dict[str, Any]:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    served: dict[str, Any] = response.json()
    return served


def _operations(schema: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [(method, path, op) for path, methods in schema["paths"].items() for method, op in methods.items()]


def _problem_schema(op: dict[str, Any], status: str) -> str:
    documented = op["responses"][status]["content"]
    assert list(documented) == [PROBLEM]
    ref: str = documented[PROBLEM]["schema"]["$ref"]
    return ref.rsplit("/", 1)[-1]


def test_every_operation_documents_its_authentication_and_need_to_know_errors(schema: dict[str, Any]) -> None:
    for method, path, op in _operations(schema):
        assert _problem_schema(op, "401") == "Problem", f"{method} {path}"
        assert _problem_schema(op, "404") == "Problem", f"{method} {path}"


def test_every_write_documents_the_forbidden_answer_a_read_only_token_gets(schema: dict[str, Any]) -> None:
    for method, path, op in _operations(schema):
        assert (method in WRITES) == ("403" in op["responses"]), f"{method} {path}"


def test_every_operation_taking_input_documents_the_validation_problem(schema: dict[str, Any]) -> None:
    for method, path, op in _operations(schema):
        if op.get("parameters") or "requestBody" in op:
            assert _problem_schema(op, "422") == "ValidationProblem", f"{method} {path}"


def test_every_operation_taking_a_body_documents_the_size_limit(schema: dict[str, Any]) -> None:
    for method, path, op in _operations(schema):
        assert ("requestBody" in op) == ("413" in op["responses"]), f"{method} {path}"
        if "requestBody" in op:
            assert _problem_schema(op, "413") == "Problem", f"{method} {path}"


def test_a_validation_problem_documents_its_field_errors(schema: dict[str, Any]) -> None:
    problems = schema["components"]["schemas"]
    assert problems["ValidationProblem"]["required"] == ["type", "title", "status", "errors"]
    assert set(problems["Problem"]["properties"]) == {"type", "title", "status", "detail"}


@pytest.mark.parametrize(
    ("method", "path", "preconditions"),
    [
        ("patch", "/api/v1/victims/{victim_id}", {"412", "428"}),
        ("patch", "/api/v1/workforce/people/{person_id}", {"412", "428"}),
        ("patch", "/api/v1/crimes/{crime_id}", {"412", "428"}),
        ("patch", "/api/v1/investigations/lines/{line_id}", {"412", "428"}),
        # The version is a required body field there, so it cannot be missing, only stale.
        ("post", "/api/v1/allocations/override", {"412"}),
        ("get", "/api/v1/victims/{victim_id}", set()),
    ],
)
def test_optimistic_concurrency_routes_document_their_precondition_errors(
    schema: dict[str, Any], method: str, path: str, preconditions: set[str]
) -> None:
    op = schema["paths"][path][method]

    assert {status for status in op["responses"] if status in ("412", "428")} == preconditions
    for status in preconditions:
        assert _problem_schema(op, status) == "Problem"
