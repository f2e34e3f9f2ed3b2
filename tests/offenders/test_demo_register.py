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


def _ladder_outcome() -> tuple[set[tuple[Any, ...]], set[tuple[Any, ...]], set[tuple[Any, ...]]]:
    from custos.offenders.models import BreachCase, Offender, OffenderTask
    from custos.offenders.reconcile import ESCALATION_TYPES

    tasks = set(
        OffenderTask.objects.filter(kind__in=ESCALATION_TYPES).values_list(
            "offender_id", "kind", "episode", "status", "owner_id", "watcher_id", "due", "basis", "reason"
        )
    )
    cases = set(
        BreachCase.objects.values_list("offender_id", "task__kind", "record_by", "decide_by", "basis")
    )
    state = set(
        Offender.objects.values_list(
            "id",
            "last_successful_visit_on",
            "next_visit_due",
            "next_notification_due",
            "ladder_rank",
            "ladder_steps",
        )
    )
    return tasks, cases, state


def test_the_sweep_planned_in_forked_processes_writes_exactly_what_one_process_writes(
    demo_register: int,
) -> None:
    """The seed ran the ladder in one process; wiping its output and running it again over three forked
    planners must write the same tasks, breach cases and worklist columns, and a rerun nothing."""
    from custos.offenders import ladder
    from custos.offenders.models import BreachCase, Offender, OffenderTask
    from custos.offenders.reconcile import ESCALATION_TYPES

    serial = _ladder_outcome()
    assert len(serial[0]) > 100 and serial[1]
    BreachCase.objects.all().delete()
    OffenderTask.objects.filter(kind__in=ESCALATION_TYPES).delete()
    Offender.objects.update(next_visit_due=None, next_notification_due=None, ladder_rank=9, ladder_steps="")
    today = timezone.localdate()
    created, checked = ladder.run(today=today, workers=3)
    assert checked == Offender.objects.filter(active=True).count()
    assert sum(created.values()) == len(serial[0])
    assert _ladder_outcome() == serial
    again, _ = ladder.run(today=today, workers=3)
    assert sum(again.values()) == 0


def test_the_register_built_in_parts_is_the_register_built_whole(demo_register: int) -> None:
    """Forked workers each build the offenders whose id falls in their part: together the parts must hold
    every offender once, with exactly the facts (visits, time away, notifications, s.84 changes) one
    process builds."""
    from custos.offenders.register_facts import build_facts, read_register

    reg = read_register()
    whole = {f.id: f for f in build_facts(reg)}
    parts = [build_facts(reg, part, 3) for part in range(3)]

    ids = [f.id for part in parts for f in part]
    assert sorted(ids) == sorted(whole) and len(ids) == len(set(ids))
    assert all(f.id % 3 == k for k, part in enumerate(parts) for f in part)
    assert {f.id: f for part in parts for f in part} == whole
    # The comparison means something: the demo has failed visits, time away and notifications to split.
    for name in ("attempts", "away", "notifications"):
        assert any(getattr(f, name) for f in whole.values()), name
