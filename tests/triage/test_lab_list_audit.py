"""Every list of devices a reader is shown (queue, worklist, home panels) is audited as a search."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from tests.triage.lab_support import accredit, make_device

from custos.core.models import AuditEvent
from custos.triage import services

pytestmark = pytest.mark.django_db


def _searches(user: Any) -> dict[str, AuditEvent]:
    events = AuditEvent.objects.filter(actor=user, action="custos.device.searched", object_type="search")
    return {str(e.changes["query"].get("list", "queue")): e for e in events}


def _assigned_device(force: Any) -> Any:
    examiner = force.people["digital-forensic-examiner@A"]
    accredit(examiner)
    device = make_device(force)
    services.device_assign(actor=force.user("digital-forensic-examiner"), device=device, examiner=examiner)
    return device


def test_the_examiner_worklist_page_audits_both_of_its_lists_with_their_counts(
    force: Any, client_for: Any
) -> None:
    _assigned_device(force)
    make_device(force)  # still queued: the worklist's "next up"
    user = force.user("digital-forensic-examiner")
    assert client_for(user).get("/triage/worklist/").status_code == 200
    searches = _searches(user)
    assert searches["worklist"].object_repr == "1 results"
    assert searches["worklist next up"].object_repr == "1 results"
    assert all(e.sensitive for e in searches.values())


def test_the_lab_home_panels_audit_the_devices_they_list(force: Any, client_for: Any) -> None:
    _assigned_device(force)
    make_device(force, referral_grade="very-high", referral_received_on=date.today() - timedelta(days=5))
    examiner = force.user("digital-forensic-examiner")
    assert b"Your examinations" in client_for(examiner).get("/").content
    searches = _searches(examiner)
    assert searches["home: your examinations"].object_repr == "1 results"
    assert searches["home: queue SLA misses"].object_repr == "1 results"

    investigator = force.user("ocsae-investigator")
    assert b"Top of the lab queue" in client_for(investigator).get("/").content
    searches = _searches(investigator)
    assert searches["home: top of the queue"].object_repr == "1 results"
    assert searches["home: queue SLA misses"].object_repr == "1 results"


def test_the_queue_page_and_its_csv_audit_the_filters_and_the_count(force: Any, client_for: Any) -> None:
    make_device(force)
    user = force.user("digital-forensic-examiner")
    client = client_for(user)
    client.get("/triage/?verdict=not-triaged&format=csv")
    event = AuditEvent.objects.filter(actor=user, action="custos.device.searched").latest("pk")
    assert event.changes["query"] == {"verdict": "not-triaged"} and event.object_repr == "1 results"


def test_a_devices_list_of_triage_results_is_audited_on_the_page_and_the_api(
    force: Any, client_for: Any
) -> None:
    from tests.triage.lab_support import report_with_hits

    device = make_device(force)
    services.result_upload(actor=force.user("administrator"), device=device, report=report_with_hits())
    user = force.user("digital-forensic-examiner")
    client = client_for(user)
    assert client.get(f"/triage/devices/{device.pk}/").status_code == 200
    assert len(client.get(f"/api/v1/triage/devices/{device.pk}/results").json()) == 1
    events = AuditEvent.objects.filter(actor=user, action="custos.triage_result.searched").order_by("pk")
    assert [(e.changes["query"], e.object_repr, e.sensitive) for e in events] == [
        ({"device": device.pk, "via": "page"}, "1 results", True),
        ({"device": device.pk, "via": "api"}, "1 results", True),
    ]
