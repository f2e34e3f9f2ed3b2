"""The /api/v1/victims routes: create, read with ETag, patch with If-Match, events, obligations, reviews."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest

from custos.core.models import AuditEvent
from tests.victims.helpers import crime_in_a

pytestmark = pytest.mark.django_db


def test_create_read_patch_and_record_a_charge(force: Any, client_for: Any) -> None:
    crime = crime_in_a(force, reported=date(2025, 12, 1))
    client = client_for(force.user("investigator", "A"))
    body = {"crime_id": crime.pk, "first_name": "Sam", "last_name": "Jones", "date_of_birth": "2009-06-01"}
    created = client.post("/api/v1/victims", data=json.dumps(body), content_type="application/json")
    assert created.status_code == 201, created.content
    victim = created.json()
    assert victim["links"][0]["enhanced"] is True and victim["links"][0]["categories"] == ["vulnerable"]
    assert victim["links"][0]["policy_version"]
    got = client.get(f"/api/v1/victims/{victim['id']}")
    assert got.status_code == 200 and got["ETag"] == '"1"'
    assert AuditEvent.objects.filter(action="custos.victim.viewed", object_id=str(victim["id"])).exists()
    stale = client.patch(
        f"/api/v1/victims/{victim['id']}",
        data=json.dumps({"language": "Welsh"}),
        content_type="application/json",
        headers={"If-Match": '"7"'},
    )
    assert stale.status_code == 412
    missing = client.patch(
        f"/api/v1/victims/{victim['id']}",
        data=json.dumps({"language": "Welsh"}),
        content_type="application/json",
    )
    assert missing.status_code == 428
    ok = client.patch(
        f"/api/v1/victims/{victim['id']}",
        data=json.dumps({"language": "Welsh"}),
        content_type="application/json",
        headers={"If-Match": '"1"'},
    )
    assert ok.status_code == 200 and ok.json()["language"] == "Welsh" and ok["ETag"] == '"2"'
    event = client.post(
        f"/api/v1/victims/crimes/{crime.pk}/events",
        data=json.dumps({"event": "charge", "occurred_on": "2025-12-19"}),
        content_type="application/json",
    )
    assert event.status_code == 201
    update = next(o for o in event.json()["obligations"] if o["key"] == "event-update")
    assert update["due_on"] == "2025-12-22" and "working day" in update["due_basis"]
    clocks = client.get("/api/v1/victims/clocks?status=overdue")
    assert clocks.status_code == 200 and any(c["id"] == update["id"] for c in clocks.json()["items"])
    met = client.post(
        f"/api/v1/victims/obligations/{update['id']}/met",
        data=json.dumps({"evidence": "Phoned Sam's mother"}),
        content_type="application/json",
    )
    assert met.status_code == 200 and met.json()["status"] == "met"


def test_an_outsider_gets_404_and_a_bad_event_422(force: Any, client_for: Any) -> None:
    crime = crime_in_a(force)
    outsider = client_for(force.user("investigator", "B"))
    body = {"crime_id": crime.pk, "first_name": "Sam", "last_name": "Jones"}
    assert (
        outsider.post("/api/v1/victims", data=json.dumps(body), content_type="application/json").status_code
        == 404
    )
    insider = client_for(force.user("investigator", "A"))
    bad = insider.post(
        f"/api/v1/victims/crimes/{crime.pk}/events",
        data=json.dumps({"event": "lunch", "occurred_on": "2025-12-19"}),
        content_type="application/json",
    )
    assert bad.status_code == 422


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("update_frequency_days", 0),
        ("update_frequency_days", -3),
        ("contact_method", "pigeon"),
        ("representative", "neighbour"),
    ],
)
def test_bad_contact_preferences_are_refused_with_422_and_nothing_written(
    force: Any, client_for: Any, field: str, value: Any
) -> None:
    from custos.victims.models import Victim

    crime = crime_in_a(force)
    client = client_for(force.user("investigator", "A"))
    body = {"crime_id": crime.pk, "first_name": "Sam", "last_name": "Jones", "representative_name": "Jo"}
    created = client.post(
        "/api/v1/victims", data=json.dumps({**body, field: value}), content_type="application/json"
    )
    assert created.status_code == 422, created.content
    assert field in created.json()["errors"]
    assert not Victim.objects.filter(first_name="Sam", last_name="Jones").exists()
    ok = client.post("/api/v1/victims", data=json.dumps(body), content_type="application/json")
    victim = ok.json()
    patched = client.patch(
        f"/api/v1/victims/{victim['id']}",
        data=json.dumps({field: value}),
        content_type="application/json",
        headers={"If-Match": '"1"'},
    )
    assert patched.status_code == 422, patched.content
    assert field in patched.json()["errors"]


@pytest.mark.parametrize("field", ["first_name", "language", "contact_method", "interpreter_needed"])
def test_patching_a_required_field_to_null_is_a_422_not_a_server_error(
    force: Any, client_for: Any, field: str
) -> None:
    crime = crime_in_a(force)
    client = client_for(force.user("investigator", "A"))
    body = {"crime_id": crime.pk, "first_name": "Sam", "last_name": "Jones"}
    victim = client.post("/api/v1/victims", data=json.dumps(body), content_type="application/json").json()
    patched = client.patch(
        f"/api/v1/victims/{victim['id']}",
        data=json.dumps({field: None}),
        content_type="application/json",
        headers={"If-Match": '"1"'},
    )
    assert patched.status_code == 422, patched.content
    assert field in patched.json()["errors"]
    assert client.get(f"/api/v1/victims/{victim['id']}").json()["version"] == 1
