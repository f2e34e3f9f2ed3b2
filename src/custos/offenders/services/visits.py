"""Writes for visits, notifications and risk assessments; each re-runs the ladder."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from custos.core import audit
from custos.core.policy import current_policy
from custos.offenders import rules
from custos.offenders.models import (
    NotificationEvent,
    Offender,
    OffenderTask,
    RiskAssessment,
    TaskKind,
    Visit,
    VisitStatus,
)
from custos.offenders.services.register import (
    ANNOUNCE_NEEDS_REASON,
    EXPECTED_ONLY_FOR_CHANGE,
    NOTIFICATION_IN_FUTURE,
    OFFICERS_SAME,
    OUTCOME_REQUIRED,
    STATION_REQUIRED,
    UNKNOWN_OUTCOME,
    UNKNOWN_REASON,
    VISIT_IN_FUTURE,
    _actor_person,
    _require_change,
    _rerun_ladder,
)
from custos.workforce.models import Person

# --- visits and notifications -----------------------------------------------------------------------------


def _check_announcement(announced: bool, reason: str) -> None:
    codes = list(current_policy().get("offenders.visits.announce_reason_codes"))
    if announced and not reason:
        raise ValidationError({"announce_reason": [ANNOUNCE_NEEDS_REASON.format(codes=", ".join(codes))]})
    if announced and reason not in codes:
        raise ValidationError(
            {"announce_reason": [UNKNOWN_REASON.format(code=reason, codes=", ".join(codes))]}
        )


PLAN_MATCH_DAYS = 14  # the planner's horizon: a visit made within it of a planned one is that visit


def _plan_fulfilled_by(offender: Offender, attempted_at: datetime) -> Visit | None:
    """The offender's planned visit nearest to ``attempted_at``, within the planner's horizon."""
    window = timedelta(days=PLAN_MATCH_DAYS)
    plans = Visit.objects.filter(
        offender=offender,
        status=VisitStatus.PLANNED,
        planned_for__gte=attempted_at - window,
        planned_for__lte=attempted_at + window,
    )
    return min(plans, key=lambda v: abs(v.planned_for - attempted_at), default=None)  # type: ignore[operator]


@transaction.atomic
def visit_record(
    *,
    actor: Any,
    offender: Offender,
    attempted_at: datetime,
    outcome: str,
    officer: Person | None = None,
    second_officer: Person | None = None,
    announced: bool = False,
    announce_reason: str = "",
    for_risk_assessment: bool = True,
    observations: str = "",
    devices_seen: str = "",
    risk_indicators: str = "",
    planned: Visit | None = None,
) -> tuple[Visit, dict[str, int]]:
    """Record an attempted visit; a failed one never resets the clock. Re-runs the ladder (s.96B)."""
    _require_change(actor, offender)
    if not outcome:
        raise ValidationError({"outcome": [OUTCOME_REQUIRED]})
    try:
        rules.VisitOutcome(outcome)
    except ValueError:
        outcomes = ", ".join(o.value for o in rules.VisitOutcome)
        raise ValidationError(
            {"outcome": [UNKNOWN_OUTCOME.format(outcome=outcome, outcomes=outcomes)]}
        ) from None
    if timezone.is_naive(attempted_at):
        # A time without an offset (an API client's local time) is read in the force's time zone.
        attempted_at = timezone.make_aware(attempted_at)
    if attempted_at > timezone.now() + timedelta(minutes=5):
        raise ValidationError({"attempted_at": [VISIT_IN_FUTURE]})
    if officer is not None and second_officer is not None and officer.pk == second_officer.pk:
        raise ValidationError({"second_officer": [OFFICERS_SAME]})
    _check_announcement(announced, announce_reason)
    # A visit made fulfils the offender's plan for about then: otherwise the plan stays "planned" for
    # ever, on the record and in the officers' calendar feeds. Only a plan named by the caller lends
    # its officers; a matched one takes the officers recorded.
    named = planned is not None
    planned = planned or _plan_fulfilled_by(offender, attempted_at)
    visit = planned or Visit(offender=offender)
    visit.status = VisitStatus.RECORDED
    visit.attempted_at = attempted_at
    visit.outcome = outcome
    visit.officer = officer or (visit.officer if named else None) or _actor_person(actor)
    visit.second_officer = second_officer or (visit.second_officer if named else None)
    visit.announced = announced
    visit.announce_reason = announce_reason if announced else ""
    visit.for_risk_assessment = for_risk_assessment
    visit.observations = observations
    visit.devices_seen = devices_seen
    visit.risk_indicators = risk_indicators
    visit.policy_version = current_policy().version
    visit.recorded_by = actor if getattr(actor, "is_authenticated", False) else None
    visit.save()
    audit.record(
        actor=actor,
        action="custos.visit.recorded",
        obj=offender,
        changes={
            "visit": visit.pk,
            "outcome": outcome,
            "announced": announced,
            "at": attempted_at.isoformat(),
        },
    )
    return visit, _rerun_ladder(offender, actor)


@transaction.atomic
def visit_plan(
    *,
    actor: Any,
    offender: Offender,
    planned_for: datetime,
    officer: Person,
    second_officer: Person | None,
    announced: bool = False,
    announce_reason: str = "",
) -> Visit:
    _require_change(actor, offender)
    _check_announcement(announced, announce_reason)
    if second_officer is not None and officer.pk == second_officer.pk:
        raise ValidationError({"second_officer": [OFFICERS_SAME]})
    visit = Visit.objects.create(
        offender=offender,
        status=VisitStatus.PLANNED,
        planned_for=planned_for,
        officer=officer,
        second_officer=second_officer,
        announced=announced,
        announce_reason=announce_reason,
        policy_version=current_policy().version,
    )
    audit.record(
        actor=actor,
        action="custos.visit.planned",
        obj=offender,
        changes={"visit": visit.pk, "planned_for": planned_for.isoformat()},
    )
    return visit


@transaction.atomic
def notification_record(
    *,
    actor: Any,
    offender: Offender,
    kind: str,
    on: date,
    station: str,
    in_person: bool = True,
    details: str = "",
    expected_on: date | None = None,
) -> tuple[NotificationEvent, dict[str, int]]:
    """Record an in-person notification; ``expected_on`` is the expected date of an advance s.84 notice."""
    _require_change(actor, offender)
    rules.NotificationKind(kind)
    if not station.strip():
        raise ValidationError({"station": [STATION_REQUIRED]})
    if on > timezone.localdate():
        raise ValidationError({"on": [NOTIFICATION_IN_FUTURE]})
    if expected_on is not None and kind != rules.NotificationKind.CHANGE:
        raise ValidationError({"expected_on": [EXPECTED_ONLY_FOR_CHANGE]})
    event = NotificationEvent.objects.create(
        offender=offender,
        kind=kind,
        on=on,
        station=station,
        in_person=in_person,
        details=details,
        expected_on=expected_on,
        recorded_by=_actor_person(actor),
    )
    if kind == "initial" and offender.first_notification_on is None:
        Offender.objects.filter(pk=offender.pk).update(first_notification_on=on)
    audit.record(
        actor=actor,
        action="custos.notification.recorded",
        obj=offender,
        changes={"kind": kind, "on": str(on), "station": station, "expected_on": str(expected_on or "")},
    )
    return event, _rerun_ladder(offender, actor)


# --- risk -------------------------------------------------------------------------------------------------


@transaction.atomic
def rm2000_record(
    *, actor: Any, offender: Offender, scale: str, assessed_on: date, inputs: dict[str, Any]
) -> RiskAssessment:
    """RM2000/S or /V from the rules (scope checked: rules.OutOfScope becomes a clear refusal)."""
    _require_change(actor, offender)
    policy = current_policy()
    male = offender.sex == "male"
    try:
        if scale == "s":
            result = rules.rm2000_s(male=male, policy=policy, **inputs)
        else:
            result = rules.rm2000_v(male=male, policy=policy, **inputs)
    except rules.OutOfScope as exc:
        raise ValidationError({"__all__": [str(exc)]}) from exc
    ra = RiskAssessment.objects.create(
        offender=offender,
        tool=f"rm2000-{scale}",
        assessed_on=assessed_on,
        inputs=inputs,
        result=str(result.category),
        result_detail=audit._json_safe(result.__dict__),
        basis=result.basis,
        policy_version=result.policy_version or policy.version,
        assessor=_actor_person(actor),
    )
    audit.record(
        actor=actor,
        action="custos.risk.rm2000_recorded",
        obj=offender,
        changes={"scale": scale, "category": str(result.category)},
    )
    return ra


@transaction.atomic
def arms_record(
    *,
    actor: Any,
    offender: Offender,
    assessed_on: date,
    risk_factors: list[str],
    protective_factors: list[str],
    judgement: str,
    significant_change_on: date | None = None,
) -> RiskAssessment:
    _require_change(actor, offender)
    policy = current_policy()
    review = rules.arms_next_review(assessed_on, significant_change_on=significant_change_on, policy=policy)
    ra = RiskAssessment.objects.create(
        offender=offender,
        tool="arms",
        assessed_on=assessed_on,
        risk_factors=risk_factors,
        protective_factors=protective_factors,
        judgement=judgement,
        next_review=review.due,
        basis=review.basis,
        policy_version=policy.version,
        assessor=_actor_person(actor),
    )
    OffenderTask.objects.filter(offender=offender, kind=TaskKind.RISK_REVIEW, status="open").update(
        status="closed",
        closed_at=timezone.now(),
        decision="ARMS assessment recorded",
        rationale=f"ARMS assessed on {assessed_on.isoformat()}; next review {review.due.isoformat()}",
        closed_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    audit.record(
        actor=actor,
        action="custos.risk.arms_recorded",
        obj=offender,
        changes={"next_review": str(review.due)},
    )
    _rerun_ladder(offender, actor)
    return ra
