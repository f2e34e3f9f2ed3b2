"""Closing ladder tasks, s.96B warrants, breach cases and the officer calendar token."""

from __future__ import annotations

import secrets
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from custos.core import audit
from custos.core.access import scope_of
from custos.core.policy import current_policy
from custos.offenders import rules
from custos.offenders.models import (
    BreachCase,
    BreachDecision,
    BreachReview,
    CalendarFeedToken,
    Offender,
    OffenderTask,
    S96BWarrant,
    TaskKind,
    TaskStatus,
)
from custos.offenders.services.register import (
    BREACH_CLOSE_OPEN_ACTIONS,
    BREACH_DECISIONS_REQUIRED,
    BREACH_DI_ONLY,
    CLOSE_NEEDS_REASON,
    DI_PLAN_DI_ONLY,
    EXECUTION_TOO_LATE,
    NOT_ALLOWED,
    S96B_CLOSER_RANK,
    TASK_ALREADY_CLOSED,
    WARRANT_ALREADY_DECIDED,
    WARRANT_DATE_BEFORE,
    WARRANT_NOT_GRANTED,
    _actor_person,
    _require_change,
)
from custos.workforce import ranks
from custos.workforce.models import Person

# --- tasks, s.96B and breach cases ----------------------------------------------------------------------


def can_close_s96b(person: Person | None) -> bool:
    closers = list(current_policy().get("offenders.escalation.s96b_closers"))
    if person is None:
        return False
    lowest = min(ranks.seniority(r) for r in closers)
    return person.rank in closers or ranks.seniority(person.rank) >= lowest


@transaction.atomic
def task_close(*, actor: Any, task: OffenderTask, decision: str, rationale: str) -> OffenderTask:
    _require_change(actor, task.offender)
    if task.status != TaskStatus.OPEN:
        raise ValidationError(TASK_ALREADY_CLOSED)
    if not decision.strip() or not rationale.strip():
        raise ValidationError({"rationale": [CLOSE_NEEDS_REASON]})
    person = _actor_person(actor)
    if task.kind == TaskKind.S96B_CONSIDERATION and not can_close_s96b(person):
        closers = ", ".join(current_policy().get("offenders.escalation.s96b_closers"))
        raise PermissionError(S96B_CLOSER_RANK.format(ranks=closers))
    if task.kind == TaskKind.DI_PLAN_REQUIRED and not (_is_di_or_above(person) or scope_of(actor).is_admin):
        raise PermissionError(DI_PLAN_DI_ONLY)
    if task.kind == TaskKind.BREACH_CASE:
        case = BreachCase.objects.filter(task=task, status="open").first()
        if case is not None:
            breach_close(actor=actor, case=case, resolution=f"{decision}: {rationale}", close_task=False)
    OffenderTask.objects.filter(pk=task.pk).update(
        status=TaskStatus.CLOSED,
        closed_at=timezone.now(),
        decision=decision.strip()[:120],
        rationale=rationale.strip(),
        closed_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    task.refresh_from_db()
    audit.record(
        actor=actor,
        action="custos.offender_task.closed",
        obj=task,
        changes={"decision": decision, "rationale": rationale, "kind": task.kind},
    )
    return task


@transaction.atomic
def s96b_apply(
    *, actor: Any, offender: Offender, address: str, applied_on: date, task: OffenderTask | None = None
) -> S96BWarrant:
    _require_change(actor, offender)
    person = _actor_person(actor)
    if person is None:
        raise PermissionError(NOT_ALLOWED)
    warrant = S96BWarrant.objects.create(
        offender=offender,
        task=task,
        address=address,
        applied_on=applied_on,
        applied_by=person,
        basis="SOA 2003 s.96B(1): application by a senior officer to a justice of the peace",
        policy_version=current_policy().version,
    )
    audit.record(actor=actor, action="custos.s96b.applied", obj=offender, changes={"warrant": warrant.pk})
    return warrant


@transaction.atomic
def s96b_decide(*, actor: Any, warrant: S96BWarrant, granted: bool, on: date, court: str = "") -> S96BWarrant:
    _require_change(actor, warrant.offender)
    if warrant.granted_on is not None or warrant.refused_on is not None:
        decision, when = (
            ("granted", warrant.granted_on) if warrant.granted_on else ("refused", warrant.refused_on)
        )
        raise ValidationError({"on": [WARRANT_ALREADY_DECIDED.format(decision=decision, on=when)]})
    if on < warrant.applied_on:
        raise ValidationError(
            {"on": [WARRANT_DATE_BEFORE.format(event="application", on=warrant.applied_on)]}
        )
    months = int(current_policy().get("offenders.visits.warrant_execution_months"))
    if granted:
        warrant.granted_on = on
        warrant.execute_by = rules.dates.add_months_clamped(on, months)
    else:
        warrant.refused_on = on
    warrant.court = court
    warrant.save()
    audit.record(
        actor=actor,
        action="custos.s96b.decided",
        obj=warrant.offender,
        changes={"granted": granted, "on": str(on), "execute_by": str(warrant.execute_by)},
    )
    return warrant


@transaction.atomic
def s96b_execute(*, actor: Any, warrant: S96BWarrant, on: date, outcome: str) -> S96BWarrant:
    _require_change(actor, warrant.offender)
    if warrant.granted_on is None or warrant.execute_by is None:
        raise ValidationError({"on": [WARRANT_NOT_GRANTED]})
    if on < warrant.granted_on:
        raise ValidationError({"on": [WARRANT_DATE_BEFORE.format(event="grant", on=warrant.granted_on)]})
    months = int(current_policy().get("offenders.visits.warrant_execution_months"))
    if on > warrant.execute_by:
        raise ValidationError({"on": [EXECUTION_TOO_LATE.format(months=months, by=warrant.execute_by)]})
    warrant.executed_on = on
    warrant.execution_outcome = outcome
    warrant.save()
    audit.record(actor=actor, action="custos.s96b.executed", obj=warrant.offender, changes={"on": str(on)})
    return warrant


def _is_di_or_above(person: Person | None) -> bool:
    return person is not None and ranks.seniority(person.rank) >= ranks.seniority("detective-inspector")


@transaction.atomic
def breach_record_systems(*, actor: Any, case: BreachCase, pnc: bool, visor: bool) -> BreachCase:
    _require_change(actor, case.offender)
    now = timezone.now()
    if pnc and case.pnc_recorded_at is None:
        case.pnc_recorded_at = now
    if visor and case.visor_recorded_at is None:
        person = _actor_person(actor)
        if person is None or not person.visor_training_current(timezone.localdate()):
            raise PermissionError("Only an authorised ViSOR user with current training records on ViSOR.")
        case.visor_recorded_at = now
    case.save()
    audit.record(
        actor=actor,
        action="custos.breach_case.recorded",
        obj=case,
        changes={"pnc": str(case.pnc_recorded_at), "visor": str(case.visor_recorded_at)},
    )
    return case


@transaction.atomic
def breach_decide(
    *, actor: Any, case: BreachCase, mapp_meeting: str, enforcement: str, rationale: str
) -> BreachCase:
    _require_change(actor, case.offender)
    person = _actor_person(actor)
    if not (_is_di_or_above(person) or scope_of(actor).is_admin):
        raise PermissionError(BREACH_DI_ONLY)
    if mapp_meeting not in ("yes", "no") or enforcement not in BreachDecision.values:
        raise ValidationError(BREACH_DECISIONS_REQUIRED)
    if not rationale.strip():
        raise ValidationError({"rationale": [CLOSE_NEEDS_REASON]})
    case.mapp_meeting_decision = mapp_meeting
    case.mapp_decided_by = person
    case.enforcement_decision = enforcement
    case.enforcement_rationale = rationale
    case.enforcement_decided_by = person
    case.save()
    audit.record(
        actor=actor,
        action="custos.breach_case.decided",
        obj=case,
        changes={"mapp_meeting": mapp_meeting, "enforcement": enforcement, "rationale": rationale},
    )
    return case


@transaction.atomic
def breach_review(*, actor: Any, case: BreachCase, note: str) -> BreachReview:
    _require_change(actor, case.offender)
    person = _actor_person(actor)
    if person is None or not note.strip():
        raise ValidationError({"note": ["Record what the review found."]})
    today = timezone.localdate()
    review = BreachReview.objects.create(case=case, reviewed_on=today, reviewer=person, note=note)
    days = int(current_policy().get("offenders.escalation.breach_review_days"))
    case.next_review = today + timedelta(days=days)
    case.save(update_fields=["next_review"])
    audit.record(actor=actor, action="custos.breach_case.reviewed", obj=case, changes={"note": note})
    return review


@transaction.atomic
def breach_close(*, actor: Any, case: BreachCase, resolution: str, close_task: bool = True) -> BreachCase:
    """Close the case and, unless the caller is closing it, the ladder task that opened it."""
    _require_change(actor, case.offender)
    if not resolution.strip():
        raise ValidationError({"resolution": [CLOSE_NEEDS_REASON]})
    if case.pnc_recorded_at is None or case.visor_recorded_at is None or not case.enforcement_decision:
        raise ValidationError({"resolution": [BREACH_CLOSE_OPEN_ACTIONS]})
    case.status = "closed"
    case.closed_at = timezone.now()
    case.resolution = resolution
    case.save()
    audit.record(
        actor=actor, action="custos.breach_case.closed", obj=case, changes={"resolution": resolution}
    )
    task = None
    if close_task and case.task_id is not None:
        task = OffenderTask.objects.filter(pk=case.task_id, status=TaskStatus.OPEN).first()
    if task is not None:
        task_close(actor=actor, task=task, decision="Breach case closed", rationale=resolution)
    return case


# --- calendar -----------------------------------------------------------------------------------------------


@transaction.atomic
def calendar_token_issue(*, actor: Any) -> str:
    """A fresh secret for the officer's own visit feed; the old URL stops working."""
    person = _actor_person(actor)
    if person is None:
        raise PermissionError("Only an officer with a workforce record has a visit calendar.")
    token = secrets.token_urlsafe(32)
    CalendarFeedToken.objects.update_or_create(
        person=person, defaults={"token_hash": CalendarFeedToken.hash(token)}
    )
    audit.record(actor=actor, action="custos.visit_feed.token_issued", obj=person)
    return token
