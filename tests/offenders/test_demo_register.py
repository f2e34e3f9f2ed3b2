"""The demo register: deterministic, every escalation type, and the 2017 case caught everywhere."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from custos.core.sweep import run_all


@pytest.fixture
def demo_register(db: Any) -> int:
    from custos.demo.seed import seed_workforce
    from custos.offenders.demo import seed_part

    seed_workforce(scale="demo", seed=7, progress=False)
    return seed_part(scale="demo", seed=7, progress=False)


def test_the_demo_register_has_every_escalation_type_and_catches_the_2017_case(demo_register: int) -> None:
    from custos.offenders.demo import HIGH_RISK_2017_REFERENCE
    from custos.offenders.models import BreachCase, Offender, OffenderTask

    assert demo_register > 150
    offenders = Offender.objects.all()
    assert 140 <= offenders.count() <= 160
    assert set(offenders.values_list("rosh_level", flat=True)) == {"low", "medium", "high", "very-high"}
    for o in offenders.select_related("lead_manager"):
        lead = o.lead_manager
        assert (
            lead is not None and lead.visor_authorised and lead.visor_training_current(timezone.localdate())
        )
        assert lead.borough_id == o.borough_id and lead.team.team_type == "offender-management"
    kinds = set(OffenderTask.objects.filter(status="open").values_list("kind", flat=True))
    assert {
        "visit-due",
        "overdue-alert",
        "di-plan-required",
        "s96b-consideration",
        "breach-case",
        "notification-due",
        "risk-review",
    } <= kinds
    him = Offender.objects.get(reference=HIGH_RISK_2017_REFERENCE)
    assert him.last_successful_visit_on is not None and him.last_successful_visit_on.year == 2017
    assert him.ladder_rank == 0
    assert BreachCase.objects.filter(offender=him, status="open").exists()
    assert {"overdue-alert", "di-plan-required", "breach-case"} <= set(
        OffenderTask.objects.filter(offender=him, status="open").values_list("kind", flat=True)
    )
    # The nightly sweep on the seeded register is idempotent.
    again = {r.name: r for r in run_all(timezone.localdate())}["offenders"]
    assert sum(again.created.values()) == 0
