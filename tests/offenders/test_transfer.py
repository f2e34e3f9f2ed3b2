"""Transfer to another borough: the receiving team takes the record and its supervisor is told."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from custos.core.policy import current_policy
from custos.offenders import services
from custos.offenders.models import OffenderTask
from tests.offenders.factories import make_offender


def test_a_transfer_gives_the_record_to_the_receiving_team_and_alerts_its_supervisor(
    force: Any, client_for: Any
) -> None:
    o = make_offender(force)
    services.offender_transfer(
        actor=force.user("offender-manager"),
        offender=o,
        to_borough=force.boroughs["B"],
        to_force="",
        reason="moved to a hostel in B",
    )
    o.refresh_from_db()
    assert o.borough == force.boroughs["B"] and o.team == force.teams["offender-management@B"]
    task = OffenderTask.objects.get(offender=o, kind="transfer-handover", status="open")
    assert task.owner == force.people["offender-manager@A"]  # the old lead hands over
    assert task.watcher == force.people["mosovo-supervisor@B"]
    receiving_ds = client_for(force.user("mosovo-supervisor", "B"))
    assert task in receiving_ds.get("/offenders/").context["tasks"]


def test_a_transfer_to_another_force_alerts_no_one_here(force: Any) -> None:
    o = make_offender(force)
    services.offender_transfer(
        actor=force.user("offender-manager"), offender=o, to_borough=None, to_force="Kent Police", reason="x"
    )
    task = OffenderTask.objects.get(offender=o, kind="transfer-handover", status="open")
    assert task.watcher is None and "Kent Police" in task.reason


@pytest.mark.parametrize("days", [7, 3])
def test_the_handover_is_due_within_the_policy_days_and_says_so(
    force: Any, policy_file: Any, days: int
) -> None:
    policy_file(transfer_handover_days=days)
    o = make_offender(force)
    services.offender_transfer(
        actor=force.user("offender-manager"), offender=o, to_borough=None, to_force="Kent Police", reason="x"
    )
    task = OffenderTask.objects.get(offender=o, kind="transfer-handover", status="open")
    assert task.due == timezone.localdate() + timedelta(days=days)
    assert f"policy offenders.escalation.transfer_handover_days (v{current_policy().version})" in task.basis
