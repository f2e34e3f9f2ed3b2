"""Every ladder step, end to end through the services and the sweep (reference worked example 11)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from custos.core.models import AuditEvent
from custos.core.sweep import run_all
from custos.offenders import ladder, services
from custos.offenders.models import BreachCase, OffenderTask
from tests.offenders.factories import add_visit, at, make_offender


def _open_kinds(offender: Any) -> set[str]:
    return set(OffenderTask.objects.filter(offender=offender, status="open").values_list("kind", flat=True))


def test_due_within_14_days_puts_the_visit_on_the_managers_worklist(force: Any) -> None:
    today = timezone.localdate()
    o = make_offender(force)
    add_visit(o, today - timedelta(days=80), "seen-and-entered")  # high: due 3 months later
    ladder.run(today=today)
    task = OffenderTask.objects.get(offender=o, status="open")
    assert task.kind == "visit-due"
    assert task.owner == force.people["offender-manager@A"]
    assert "policy offenders.visits.interval.high" in task.basis
    assert task.policy_version


def test_overdue_alerts_the_manager_and_the_ds(force: Any) -> None:
    today = date(2024, 4, 20)
    o = make_offender(force)
    add_visit(o, date(2024, 1, 10), "seen-and-entered")
    ladder.run(today=today)
    task = OffenderTask.objects.get(offender=o, kind="overdue-alert")
    assert task.owner == force.people["offender-manager@A"]
    assert task.watcher == force.people["mosovo-supervisor@A"]
    assert not OffenderTask.objects.filter(offender=o, kind="visit-due", status="open").exists()
    ladder.run(today=today + timedelta(days=30))  # read a month later, the stored reason is still true
    assert (
        OffenderTask.objects.get(offender=o, kind="overdue-alert").reason == "visit overdue since 2024-04-10"
    )


def test_overdue_by_more_than_an_interval_alerts_the_di_and_needs_a_plan(force: Any) -> None:
    o = make_offender(force)
    add_visit(o, date(2024, 1, 10), "seen-and-entered")
    ladder.run(today=date(2024, 7, 15))
    task = OffenderTask.objects.get(offender=o, kind="di-plan-required")
    assert task.owner == force.people["di-line@A"]
    # Every step has a due time: the plan within policy offenders.escalation.di_plan_days of the alert.
    assert task.episode == date(2024, 7, 11) and task.due == date(2024, 7, 18)
    assert "offenders.escalation.di_plan_days" in task.detail["actions"][0]["basis"]
    with pytest.raises(PermissionError) as exc:  # the DI's plan, not the offender manager's
        services.task_close(actor=force.user("offender-manager"), task=task, decision="plan", rationale="x")
    assert str(exc.value) == services.DI_PLAN_DI_ONLY
    services.task_close(
        actor=force.user("detective-inspector"),
        task=task,
        decision="plan recorded",
        rationale="joint visit with the neighbourhood team this week",
    )
    assert OffenderTask.objects.get(pk=task.pk).status == "closed"


def test_no_visit_for_two_intervals_opens_a_breach_case_with_its_actions(force: Any) -> None:
    o = make_offender(force)
    add_visit(o, date(2024, 1, 10), "seen-and-entered")
    ladder.run(today=date(2024, 7, 11))
    case = BreachCase.objects.get(offender=o, status="open")
    assert case.record_by == date(2024, 7, 12)  # PNC and ViSOR within 24 hours
    assert case.next_review == date(2024, 7, 18)  # reviewed every 7 days
    assert "R3" in case.basis
    assert OffenderTask.objects.filter(offender=o, kind="breach-case", status="open").exists()


def test_a_second_failed_visit_opens_the_s96b_task_with_conditions_prechecked(force: Any) -> None:
    o = make_offender(force, managed_since=timezone.localdate() - timedelta(days=30))
    user = force.user("offender-manager")
    now = timezone.now()
    services.visit_record(actor=user, offender=o, attempted_at=now - timedelta(days=3), outcome="no-answer")
    assert "s96b-consideration" not in _open_kinds(o)
    _, created = services.visit_record(
        actor=user, offender=o, attempted_at=now - timedelta(hours=2), outcome="entry-refused"
    )
    assert created == {"s96b-consideration": 1}
    task = OffenderTask.objects.get(offender=o, kind="s96b-consideration")
    conditions = {c["code"]: c for c in task.detail["conditions"]}
    assert conditions["b"]["met"] is True and conditions["d"]["met"] is True
    assert conditions["c"]["met"] is None  # necessity: the officer's judgement
    assert "s.96B(2)(d)" in conditions["d"]["basis"]
    second = timezone.localdate(now - timedelta(hours=2))
    assert task.due == second + timedelta(days=14)  # policy offenders.escalation.s96b_decision_days


def test_no_s96b_task_while_the_offender_is_in_custody(force: Any) -> None:
    today = timezone.localdate()
    o = make_offender(force, managed_since=today - timedelta(days=30))
    add_visit(o, today - timedelta(days=5), "no-answer")
    add_visit(o, today - timedelta(days=3), "no-answer")
    services.away_period_add(
        actor=force.user("offender-manager"), offender=o, kind="custody", start=today - timedelta(days=1)
    )
    assert "s96b-consideration" not in _open_kinds(o)


def test_only_an_authorised_rank_closes_a_s96b_task_and_only_with_reasons(
    force: Any, make_person: Any, make_user: Any
) -> None:
    today = timezone.localdate()
    o = make_offender(force, managed_since=today - timedelta(days=30))
    add_visit(o, today - timedelta(days=5), "no-answer")
    add_visit(o, today - timedelta(days=3), "entry-refused")
    ladder.run(today=today)
    task = OffenderTask.objects.get(offender=o, kind="s96b-consideration")
    with pytest.raises(PermissionError):
        services.task_close(
            actor=force.user("detective-inspector"), task=task, decision="apply", rationale="x"
        )
    supt = make_person(rank="superintendent", borough=force.boroughs["A"])
    supt_user = make_user("supt-a", ["detective-inspector"], supt)
    with pytest.raises(ValidationError):
        services.task_close(actor=supt_user, task=task, decision="apply", rationale="  ")
    services.task_close(actor=supt_user, task=task, decision="apply for a warrant", rationale="refuses entry")
    task.refresh_from_db()
    assert task.status == "closed" and task.rationale == "refuses entry"
    assert AuditEvent.objects.filter(action="custos.offender_task.closed", object_id=str(task.pk)).exists()


def test_a_missed_annual_notification_opens_a_breach_case(force: Any) -> None:
    today = timezone.localdate()
    o = make_offender(force, rosh_level="low", managed_since=today - timedelta(days=30))
    add_visit(o, today - timedelta(days=10), "seen-and-entered")
    services.notification_record(
        actor=force.user("offender-manager"),
        offender=o,
        kind="annual",
        on=today - timedelta(days=400),
        station="Charing Cross",
    )
    case = BreachCase.objects.get(offender=o, status="open")
    assert "missed annual notification" in case.reason


def test_a_successful_visit_closes_the_visit_clock_tasks_with_a_recorded_reason(force: Any) -> None:
    o = make_offender(force, managed_since=date(2020, 1, 1))
    ladder.run(today=timezone.localdate())
    assert "overdue-alert" in _open_kinds(o)
    services.visit_record(
        actor=force.user("offender-manager"),
        offender=o,
        attempted_at=timezone.now() - timedelta(hours=1),
        outcome="seen-and-entered",
    )
    closed = OffenderTask.objects.get(offender=o, kind="overdue-alert")
    assert closed.status == "closed" and closed.decision == ladder.SYSTEM_DECISION and closed.rationale
    assert "breach-case" in _open_kinds(o)  # a breach case needs a person's decision


def test_the_sweep_is_idempotent(force: Any) -> None:
    today = timezone.localdate()
    make_offender(force, managed_since=date(2017, 3, 1))
    o2 = make_offender(force, rosh_level="medium", managed_since=today - timedelta(days=170))
    add_visit(o2, today - timedelta(days=3), "no-answer")
    add_visit(o2, today - timedelta(days=2), "no-answer")
    first = {r.name: r for r in run_all(today)}["offenders"]
    assert sum(first.created.values()) >= 4
    second = {r.name: r for r in run_all(today)}["offenders"]
    assert sum(second.created.values()) == 0


def test_the_2017_case_is_caught_everywhere(force: Any) -> None:
    today = timezone.localdate()
    o = make_offender(force, rosh_level="high", managed_since=date(2015, 6, 1))
    add_visit(o, date(2017, 5, 4), "seen-and-entered")
    add_visit(o, date(2019, 2, 1), "no-answer")
    ladder.run(today=today)
    o.refresh_from_db()
    assert o.ladder_rank == 0  # breach case: top of every worklist
    assert {"overdue-alert", "di-plan-required", "breach-case"} <= _open_kinds(o)
    timeline = __import__("custos.offenders.rules", fromlist=["x"]).escalation_timeline(
        "high",
        last_successful=date(2017, 5, 4),
        policy=__import__("custos.core.policy", fromlist=["x"]).current_policy(),
    )
    assert timeline.breach_from <= date(2017, 11, 5)  # escalated within 6 months of the last visit


def test_recording_a_visit_at_a_time_in_the_future_is_refused(force: Any) -> None:
    o = make_offender(force)
    with pytest.raises(ValidationError) as exc:
        services.visit_record(
            actor=force.user("offender-manager"),
            offender=o,
            attempted_at=at(timezone.localdate() + timedelta(days=2)),
            outcome="no-answer",
        )
    assert services.VISIT_IN_FUTURE in str(exc.value)


def test_announcing_a_visit_needs_a_reason_code(force: Any) -> None:
    o = make_offender(force)
    with pytest.raises(ValidationError) as exc:
        services.visit_record(
            actor=force.user("offender-manager"),
            offender=o,
            attempted_at=timezone.now(),
            outcome="seen-and-entered",
            announced=True,
        )
    assert "reason code" in str(exc.value)
