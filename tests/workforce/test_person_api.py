"""The workforce API: problem+json errors, need-to-know 404s and optimistic concurrency."""

from __future__ import annotations

import json
from typing import Any

import pytest

from custos.accounts import services as account_services
from custos.workforce import services
from custos.workforce.models import Person


def _api(client: Any, method: str, url: str, body: dict | None = None, **headers: str) -> Any:
    extra = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in headers.items()}
    return getattr(client, method)(url, data=json.dumps(body or {}), content_type="application/json", **extra)


def test_get_returns_an_etag_and_patch_with_it_succeeds(force: Any, client_for: Any) -> None:
    c = client_for(force.user("mosovo-supervisor"))
    person = force.people["offender-manager@A"]
    got = c.get(f"/api/v1/workforce/people/{person.pk}")
    assert got.status_code == 200 and got["ETag"] == f'"{person.version}"'
    changed = _api(
        c,
        "patch",
        f"/api/v1/workforce/people/{person.pk}",
        {"job_role": "Offender manager"},
        **{"If-Match": got["ETag"]},
    )
    assert changed.status_code == 200, changed.content
    assert changed.json()["version"] == person.version + 1


def test_two_editors_cannot_silently_overwrite_each_other(force: Any, client_for: Any) -> None:
    person = force.people["offender-manager@A"]
    ds = client_for(force.user("mosovo-supervisor"))
    di = client_for(force.user("detective-inspector"))
    seen = f'"{person.version}"'
    assert (
        _api(
            ds, "patch", f"/api/v1/workforce/people/{person.pk}", {"hours_per_week": 30}, **{"If-Match": seen}
        ).status_code
        == 200
    )
    late = _api(
        di, "patch", f"/api/v1/workforce/people/{person.pk}", {"hours_per_week": 20}, **{"If-Match": seen}
    )
    assert late.status_code == 412
    assert late["Content-Type"] == "application/problem+json"
    assert "Someone else changed this record" in late.json()["detail"]
    assert Person.objects.get(pk=person.pk).hours_per_week == 30


@pytest.mark.parametrize(
    "field", ["hours_per_week", "pip_level", "rank", "job_role", "probationer", "active"]
)
def test_a_patch_emptying_a_field_the_record_needs_is_a_422_on_that_field(
    force: Any, client_for: Any, field: str
) -> None:
    person = force.people["offender-manager@A"]
    response = _api(
        client_for(force.user("mosovo-supervisor")),
        "patch",
        f"/api/v1/workforce/people/{person.pk}",
        {field: None, "version": person.version},
    )
    assert response.status_code == 422, response.content
    assert response.json()["errors"][field] == [services.CANNOT_BE_EMPTY]
    assert Person.objects.get(pk=person.pk).version == person.version


def test_a_patch_may_clear_a_date_the_record_can_hold_empty(force: Any, client_for: Any) -> None:
    person = force.people["offender-manager@A"]
    response = _api(
        client_for(force.user("mosovo-supervisor")),
        "patch",
        f"/api/v1/workforce/people/{person.pk}",
        {"workload_training_on": None, "workload_training_expires": None, "version": person.version},
    )
    assert response.status_code == 200, response.content
    assert Person.objects.get(pk=person.pk).workload_training_on is None


def test_a_patch_without_a_version_is_refused(force: Any, client_for: Any) -> None:
    person = force.people["offender-manager@A"]
    response = _api(
        client_for(force.user("administrator")),
        "patch",
        f"/api/v1/workforce/people/{person.pk}",
        {"job_role": "x"},
    )
    assert response.status_code == 428


def test_validation_errors_are_problem_json_keyed_by_field(force: Any, client_for: Any) -> None:
    person = force.people["offender-manager@A"]
    response = _api(
        client_for(force.user("administrator")),
        "patch",
        f"/api/v1/workforce/people/{person.pk}",
        {"version": person.version, "pip_level": 2, "pip_accredited_on": None},
    )
    assert response.status_code == 422
    body = response.json()
    assert response["Content-Type"] == "application/problem+json"
    assert body["errors"]["pip_accredited_on"] == ["PIP2 needs an accreditation date."]


def test_a_supervisor_must_outrank_through_the_api(force: Any, client_for: Any) -> None:
    person = force.people["mosovo-supervisor@A"]
    response = _api(
        client_for(force.user("administrator")),
        "patch",
        f"/api/v1/workforce/people/{person.pk}",
        {"version": person.version, "line_supervisor_id": force.people["investigator@A"].pk},
    )
    assert response.status_code == 422
    assert "must outrank" in response.json()["errors"]["line_supervisor"][0]


def test_malformed_json_and_wrong_types_get_a_clear_error(force: Any, client_for: Any) -> None:
    c = client_for(force.user("administrator"))
    person = force.people["offender-manager@A"]
    bad_type = _api(
        c, "patch", f"/api/v1/workforce/people/{person.pk}", {"version": person.version, "pip_level": "x"}
    )
    assert bad_type.status_code == 422 and "pip_level" in bad_type.json()["errors"]
    broken = c.patch(
        f"/api/v1/workforce/people/{person.pk}",
        data="{not json",
        content_type="application/json",
        HTTP_IF_MATCH=f'"{person.version}"',
    )
    assert broken.status_code in (400, 422)


def test_outsiders_get_404_not_403(force: Any) -> None:
    from django.test import Client

    raw = account_services.token_create(user=force.user("investigator", "B")).raw
    person = force.people["offender-manager@A"]
    response = Client().get(f"/api/v1/workforce/people/{person.pk}", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 404
    listed = Client().get("/api/v1/workforce/people?page_size=500", HTTP_AUTHORIZATION=f"Bearer {raw}").json()
    assert person.pk not in {p["id"] for p in listed["items"]}


def test_list_filters(force: Any, client_for: Any) -> None:
    c = client_for(force.user("administrator"))
    body = c.get("/api/v1/workforce/people?pip_level=3&borough=TA").json()
    assert body["count"] >= 1
    assert all(p["pip_level"] == 3 and p["borough"] == "TA" for p in body["items"])
