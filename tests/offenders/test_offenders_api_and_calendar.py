"""API: nominals with computed dates, visit creation re-running the ladder, task closure; the iCal feed."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from django.utils import timezone

from custos.offenders import services
from custos.offenders.models import OffenderTask
from tests.offenders.factories import at, make_offender


def test_creating_two_failed_visits_through_the_api_opens_the_s96b_task(force: Any, client_for: Any) -> None:
    o = make_offender(force, managed_since=timezone.localdate() - timedelta(days=10))
    client = client_for(force.user("offender-manager"))
    body = {"offender_id": o.pk, "outcome": "no-answer"}
    for days in (3, 1):
        body["attempted_at"] = (timezone.now() - timedelta(days=days)).isoformat()
        r = client.post("/api/v1/offenders/visits", data=json.dumps(body), content_type="application/json")
        assert r.status_code == 201
    assert r.json()["escalations_created"] == {"s96b-consideration": 1}
    tasks = client.get(f"/api/v1/offenders/tasks?offender_id={o.pk}").json()["items"]
    assert [t["kind"] for t in tasks] == ["s96b-consideration"]
    assert tasks[0]["policy_version"] and "s.96B" in tasks[0]["basis"]


def test_api_errors_are_problem_json_and_outsiders_get_404(force: Any, client_for: Any) -> None:
    o = make_offender(force)
    outsider = client_for(force.user("offender-manager", "B"))
    r = outsider.get(f"/api/v1/offenders/nominals/{o.pk}")
    assert r.status_code == 404 and r["Content-Type"] == "application/problem+json"
    mine = client_for(force.user("offender-manager"))
    body = {
        "offender_id": o.pk,
        "outcome": "no-answer",
        "attempted_at": timezone.now().isoformat(),
        "announced": True,
    }
    r = mine.post("/api/v1/offenders/visits", data=json.dumps(body), content_type="application/json")
    assert r.status_code == 422 and "reason code" in r.content.decode()
    detail = mine.get(f"/api/v1/offenders/nominals/{o.pk}").json()
    assert any(c["label"] == "Next visit due" and c["basis"] for c in detail["computed"])


def test_closing_a_task_through_the_api_needs_a_rationale(force: Any, client_for: Any) -> None:
    o = make_offender(force)
    task = OffenderTask.objects.create(
        offender=o,
        kind="risk-review",
        episode=timezone.localdate(),
        reason="x",
        basis="y",
        policy_version="t",
        owner=force.people["offender-manager@A"],
    )
    client = client_for(force.user("offender-manager"))
    url = f"/api/v1/offenders/tasks/{task.pk}/close"
    r = client.post(
        url, data=json.dumps({"decision": "done", "rationale": ""}), content_type="application/json"
    )
    assert r.status_code == 422
    r = client.post(
        url,
        data=json.dumps({"decision": "done", "rationale": "ARMS updated"}),
        content_type="application/json",
    )
    assert r.status_code == 200 and r.json()["status"] == "closed"


def test_the_calendar_feed_holds_references_only_and_needs_the_token(force: Any, client_for: Any) -> None:
    o = make_offender(force, first_name="Secretname")
    om = force.people["offender-manager@A"]
    user = force.user("offender-manager")
    services.visit_plan(
        actor=user,
        offender=o,
        planned_for=at(timezone.localdate() + timedelta(days=2), 19),
        officer=om,
        second_officer=force.people["teammate@A"],
    )
    token = services.calendar_token_issue(actor=user)
    from django.test import Client

    body = Client().get(f"/offenders/calendar/{token}.ics").content.decode()
    assert "BEGIN:VEVENT" in body and o.reference in body and "Secretname" not in body
    assert Client().get("/offenders/calendar/wrong-token.ics").status_code == 404


def test_creating_a_visit_through_the_api_rejects_bad_input_clearly_and_reads_a_local_time(
    force: Any, client_for: Any
) -> None:
    o = make_offender(force, managed_since=timezone.localdate() - timedelta(days=10))
    client = client_for(force.user("offender-manager"))
    yesterday = timezone.localtime() - timedelta(days=1)

    def post(**body: Any) -> Any:
        body = {"offender_id": o.pk, "outcome": "no-answer", **body}
        return client.post("/api/v1/offenders/visits", data=json.dumps(body), content_type="application/json")

    at_local = yesterday.replace(tzinfo=None, microsecond=0).isoformat()
    r = post(outcome="refused", attempted_at=at_local)
    assert r.status_code == 422 and "entry-refused" in r.json()["errors"]["outcome"][0]
    r = post(attempted_at=at_local, officer_id=987654)
    assert r.status_code == 422 and r.json()["errors"]["officer_id"] == ["No officer with id 987654."]
    assert not o.visits.exists()
    r = post(attempted_at=at_local)  # no offset: the force's local time
    assert r.status_code == 201
    assert timezone.localtime(o.visits.get().attempted_at).replace(tzinfo=None).isoformat() == at_local


def test_recording_a_visit_fulfils_the_plan_and_takes_it_off_the_calendar_feed(
    force: Any, client_for: Any
) -> None:
    from custos.offenders.models import Visit

    o = make_offender(force, managed_since=timezone.localdate() - timedelta(days=10))
    om, teammate = force.people["offender-manager@A"], force.people["teammate@A"]
    user = force.user("offender-manager")
    soon = services.visit_plan(
        actor=user,
        offender=o,
        planned_for=at(timezone.localdate() + timedelta(days=2), 19),
        officer=om,
        second_officer=teammate,
    )
    later = services.visit_plan(
        actor=user, offender=o, planned_for=at(timezone.localdate() + timedelta(days=40), 19), officer=om,
        second_officer=None,
    )  # fmt: skip
    token = services.calendar_token_issue(actor=user)
    response = client_for(user).post(
        f"/offenders/{o.pk}/visits/new/",
        {"attempted_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"), "outcome": "no-answer",
         "officer": om.pk, "for_risk_assessment": "on"},
    )  # fmt: skip
    assert response.status_code == 302, response.context["form"].errors
    soon.refresh_from_db()
    assert (soon.status, soon.outcome, soon.second_officer) == ("recorded", "no-answer", None)
    assert Visit.objects.filter(offender=o).count() == 2  # the plan was used, not a new row beside it
    assert Visit.objects.get(pk=later.pk).status == "planned"
    from django.test import Client

    feed = Client().get(f"/offenders/calendar/{token}.ics").content.decode()
    assert f"visit-{soon.pk}@custos" not in feed and f"visit-{later.pk}@custos" in feed


def test_the_api_name_filter_reads_first_names_as_the_worklist_does(force: Any, client_for: Any) -> None:
    o = make_offender(force, first_name="Derek", last_name="Hollins")
    make_offender(force, first_name="Adam", last_name="Smith")
    client = client_for(force.user("offender-manager"))
    found = client.get("/api/v1/offenders/nominals?q=derek").json()["items"]
    assert [n["reference"] for n in found] == [o.reference]
    found = client.get("/api/v1/offenders/nominals?q=Derek Hollins").json()["items"]
    assert [n["reference"] for n in found] == [o.reference]


def test_each_calendar_feed_read_is_audited_and_a_leavers_feed_stops(force: Any, client_for: Any) -> None:
    from django.test import Client

    from custos.core.models import AuditEvent

    o = make_offender(force)
    om = force.people["offender-manager@A"]
    user = force.user("offender-manager")
    services.visit_plan(
        actor=user,
        offender=o,
        planned_for=at(timezone.localdate() + timedelta(days=2), 19),
        officer=om,
        second_officer=None,
    )
    token = services.calendar_token_issue(actor=user)
    assert Client().get(f"/offenders/calendar/{token}.ics").status_code == 200
    event = AuditEvent.objects.get(action="custos.visit_feed.read")
    assert event.actor == user and event.sensitive and event.object_repr == "1 results"
    user.is_active = False
    user.save()
    assert Client().get(f"/offenders/calendar/{token}.ics").status_code == 404
    assert AuditEvent.objects.filter(action="custos.visit_feed.read").count() == 1
