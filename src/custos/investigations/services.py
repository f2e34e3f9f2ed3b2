"""Investigation writes: the plan at allocation, lines of enquiry, tasks, supervisory reviews, outcomes
and the supervisor's NFA sign-off. Every decision goes through the pure rules and is audited."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from custos.accounts.roles import Role
from custos.core import audit
from custos.core.access import scope_of
from custos.core.concurrency import update_if_version
from custos.core.history import history_snapshot
from custos.core.policy import Policy, current_policy
from custos.crimes import access as crime_access
from custos.crimes.models import Crime, CrimeStatus, SuspectStatus
from custos.investigations.models import (
    InvestigationPlan,
    LineOfEnquiry,
    OutcomeDecision,
    OutcomeStatus,
    ReviewEscalation,
    SupervisoryReview,
    Task,
)
from custos.investigations.rules import (
    LINE_STATUSES,
    Signoff,
    finalisation_check,
    first_review_due,
    next_review_due,
    plan_template,
)
from custos.investigations.rules import (
    LineOfEnquiry as LineFact,
)
from custos.workforce.models import Person

NOT_ALLOWED = "You cannot change this investigation."
NOT_A_SUPERVISOR = "Only an investigation supervisor or detective inspector may do this."
NO_PERSON = "Your account is not linked to a person in the workforce."
NO_PLAN = "The crime has no investigation plan yet: it is created when the crime is allocated."
LINE_STATUS_UNKNOWN = "status must be one of pursued, not-applicable, not-available"
LINE_REASON_NEEDED = "give the reason"
LINE_STALE = "Someone else changed this line of enquiry since you opened it; reload and try again."
FINALISED = "The crime is already finalised."
DIRECTION_NEEDED = "record the direction given"
TASK_DUE_IN_PAST = "the due date is in the past"
TASK_TITLE_NEEDED = "give the task a title"
TASK_OWNER_NEEDED = "choose who owns the task: the crime has no officer and your account has no person"
TASK_OWNER_UNKNOWN = "the owner must be an active person in the crime's borough"
NOTHING_TO_SIGN = "There is no outcome awaiting sign-off."
SUPERVISOR_ROLES = (Role.INVESTIGATION_SUPERVISOR, Role.DETECTIVE_INSPECTOR)

SUSPECT_STATE = {
    SuspectStatus.NAMED: "named",
    SuspectStatus.IDENTIFIED: "identified",
    SuspectStatus.NOT_IDENTIFIED: "none",
}


def _person(actor: Any) -> Person:
    pid = scope_of(actor).person_id
    if pid is None:
        raise PermissionError(NO_PERSON)
    return Person.objects.get(pk=pid)


def _check_change(actor: Any, crime: Crime) -> None:
    if not crime_access.can_change_crime(scope_of(actor), crime):
        raise PermissionError(NOT_ALLOWED)


def is_supervisor_of(actor: Any, crime: Crime) -> bool:
    s = scope_of(actor)
    return s.person_id is not None and s.has(*SUPERVISOR_ROLES) and s.borough_id == crime.borough_id


def may_sign_off(actor: Any, crime: Crime, decision: OutcomeDecision) -> bool:
    """Whether this supervisor may sign off the decision: not one they proposed, nor on a crime they hold."""
    person_id = scope_of(actor).person_id
    return is_supervisor_of(actor, crime) and person_id not in (decision.proposed_by_id, crime.officer_id)


def plan_create(
    *, actor: Any, crime: Crime, owner: Person, allocated_on: date, policy: Policy | None = None
) -> InvestigationPlan:
    """The plan from the lines-of-enquiry template for the offence, and the first review date."""
    policy = policy or current_policy()
    existing = InvestigationPlan.objects.filter(crime=crime).first()
    if existing is not None:
        return existing
    template = plan_template(crime.offence_key, policy=policy)
    first = first_review_due(allocated_on, policy=policy)
    plan = InvestigationPlan.objects.create(
        crime=crime,
        template_basis=template.basis[:300],
        policy_version=template.policy_version,
        allocated_on=allocated_on,
        next_review_due=first.due,
        next_review_basis=first.basis[:300],
    )
    LineOfEnquiry.objects.bulk_create(
        [LineOfEnquiry(plan=plan, key=t.key, title=t.title, owner=owner) for t in template.lines]
    )
    audit.record(
        actor=actor,
        action="custos.plan.created",
        obj=plan,
        changes={
            "crime": crime.reference,
            "lines": [t.key for t in template.lines],
            "first_review_due": first.due,
            "policy_version": plan.policy_version,
        },
    )
    return plan


def plan_hand_over(*, actor: Any, crime: Crime, previous_id: int, officer: Person) -> int:
    """When a crime moves to another investigator, the open lines of enquiry and open tasks the previous
    holder owned move with it, so they are on the new investigator's worklist and off the old one's."""
    lines = LineOfEnquiry.objects.filter(plan__crime=crime, status="", owner_id=previous_id)
    tasks = Task.objects.filter(crime=crime, done_on__isnull=True, owner_id=previous_id)
    moved_lines = lines.update(owner=officer, version=F("version") + 1)
    moved_tasks = tasks.update(owner=officer)
    if moved_lines or moved_tasks:
        audit.record(
            actor=actor,
            action="custos.plan.handed_over",
            obj=crime,
            changes={
                "crime": crime.reference,
                "from_person_id": previous_id,
                "to_person_id": officer.pk,
                "open_lines": moved_lines,
                "open_tasks": moved_tasks,
            },
        )
    return moved_lines + moved_tasks


def _bump(crime: Crime) -> None:
    Crime.objects.filter(pk=crime.pk).update(version=F("version") + 1)


@transaction.atomic
def line_update(
    *,
    actor: Any,
    line: LineOfEnquiry,
    status: str,
    reason: str,
    owner: Person | None = None,
    decided_on: date | None = None,
    expected_version: int | None = None,
) -> LineOfEnquiry:
    crime = line.plan.crime
    _check_change(actor, crime)
    if crime.status == CrimeStatus.FINALISED:
        raise ValidationError(FINALISED)
    errors: dict[str, list[str]] = {}
    if status not in LINE_STATUSES:
        errors["status"] = [LINE_STATUS_UNKNOWN]
    if not reason.strip():
        errors["reason"] = [LINE_REASON_NEEDED]
    if errors:
        raise ValidationError(errors)
    before = audit.snapshot(line, ["status", "reason", "owner_id", "decided_on"])
    update_if_version(
        LineOfEnquiry,
        line.pk,
        line.version if expected_version is None else expected_version,
        {
            "status": status,
            "reason": reason.strip(),
            "owner": owner or line.owner or _person(actor),
            "decided_on": decided_on or timezone.localdate(),
        },
        LINE_STALE,
    )
    line.refresh_from_db()
    _bump(crime)
    audit.record(
        actor=actor,
        action="custos.line_of_enquiry.updated",
        obj=line,
        changes=audit.diff(before, audit.snapshot(line, ["status", "reason", "owner_id", "decided_on"])),
    )
    return line


def task_owner(*, actor: Any, crime: Crime, owner_id: int | None) -> Person:
    """Who a new task belongs to: the person named (active, in the crime's borough), else as the page does,
    the crime's officer or the person adding it."""
    if owner_id is not None:
        owner = Person.objects.filter(pk=owner_id, active=True, borough_id=crime.borough_id).first()
        if owner is None:
            raise ValidationError({"owner_id": [TASK_OWNER_UNKNOWN]})
        return owner
    default = crime.officer or Person.objects.filter(pk=scope_of(actor).person_id or 0).first()
    if default is None:
        raise ValidationError({"owner_id": [TASK_OWNER_NEEDED]})
    return default


@transaction.atomic
def task_add(*, actor: Any, crime: Crime, title: str, owner: Person, due_on: date) -> Task:
    _check_change(actor, crime)
    if not title.strip():
        raise ValidationError({"title": [TASK_TITLE_NEEDED]})
    if due_on < timezone.localdate():
        raise ValidationError({"due_on": [TASK_DUE_IN_PAST]})
    task = Task.objects.create(crime=crime, title=title.strip(), owner=owner, due_on=due_on)
    audit.record(
        actor=actor,
        action="custos.task.created",
        obj=task,
        changes={"crime": crime.reference, "title": task.title, "owner_id": owner.pk, "due_on": due_on},
    )
    return task


@transaction.atomic
def task_complete(*, actor: Any, task: Task) -> Task:
    _check_change(actor, task.crime)
    Task.objects.filter(pk=task.pk, done_on__isnull=True).update(done_on=timezone.localdate())
    task.refresh_from_db()
    audit.record(actor=actor, action="custos.task.completed", obj=task, changes={"done_on": task.done_on})
    return task


@transaction.atomic
def review_record(
    *,
    actor: Any,
    crime: Crime,
    direction: str,
    actions: str = "",
    next_review_on: date | None = None,
    reviewed_on: date | None = None,
    policy: Policy | None = None,
) -> SupervisoryReview:
    """A supervisory review: direction, actions, and the next review (never later than the tier allows)."""
    if not is_supervisor_of(actor, crime):
        raise PermissionError(NOT_A_SUPERVISOR)
    policy = policy or current_policy()
    plan = InvestigationPlan.objects.select_for_update().filter(crime=crime).first()
    if plan is None:
        raise ValidationError(NO_PLAN)
    if not direction.strip():
        raise ValidationError({"direction": [DIRECTION_NEEDED]})
    reviewed_on = reviewed_on or timezone.localdate()
    try:
        due = next_review_due(reviewed_on, crime.tier or "T1", requested=next_review_on, policy=policy)
    except ValueError as exc:
        raise ValidationError({"next_review_on": [str(exc)]}) from None
    review = SupervisoryReview.objects.create(
        crime=crime,
        reviewer=_person(actor),
        reviewed_on=reviewed_on,
        direction=direction.strip(),
        actions=actions.strip(),
        next_review_on=due.due,
        next_review_basis=due.basis[:300],
        policy_version=due.policy_version,
    )
    InvestigationPlan.objects.filter(pk=plan.pk).update(
        next_review_due=due.due, next_review_basis=due.basis[:300]
    )
    ReviewEscalation.objects.filter(plan=plan, resolved_on__isnull=True).update(resolved_on=reviewed_on)
    _bump(crime)
    audit.record(
        actor=actor,
        action="custos.review.recorded",
        obj=review,
        changes={
            "crime": crime.reference,
            "next_review_on": due.due,
            "basis": due.basis,
            "policy_version": due.policy_version,
        },
    )
    return review


def suspect_state(crime: Crime) -> str:
    states = {s.status for s in crime.suspects.all()}
    for status in (SuspectStatus.NAMED, SuspectStatus.IDENTIFIED):
        if status in states:
            return SUSPECT_STATE[status]
    return "none"


def line_facts(crime: Crime) -> list[LineFact]:
    return [
        LineFact(key=ln.key, title=ln.title, status=ln.status or None, reason=ln.reason)
        for ln in LineOfEnquiry.objects.filter(plan__crime=crime).order_by("id")
    ]


def _finalise(*, actor: Any, crime: Crime, decision: OutcomeDecision) -> None:
    today = timezone.localdate()
    updated = Crime.objects.filter(pk=crime.pk, status=CrimeStatus.OPEN).update(
        status=CrimeStatus.FINALISED,
        outcome=decision.outcome,
        outcome_on=today,
        finalised_on=today,
        version=F("version") + 1,
    )
    if updated != 1:
        raise ValidationError(FINALISED, code="stale")
    crime.refresh_from_db()
    history_snapshot(crime, actor)
    from custos.allocation.models import QueueEntry

    QueueEntry.objects.filter(crime=crime).delete()
    _tell_victims(crime=crime, outcome=decision.outcome, on=today)


# Home Office outcome → the Victims' Code event it is for the victim (the decision that starts their clock).
CHARGE_OUTCOMES = frozenset({1})
OUT_OF_COURT_OUTCOMES = frozenset({2, 3, 6, 7, 8, 22})


def _tell_victims(*, crime: Crime, outcome: int, on: date) -> None:
    """Finalising a crime starts every victim's update clock (Victims' Code Right 6), same transaction."""
    from custos.victims.services import investigation_event_recorded

    if outcome in CHARGE_OUTCOMES:
        event = "charge"
    elif outcome in OUT_OF_COURT_OUTCOMES:
        event = "out-of-court"
    elif outcome in set(current_policy().get("investigations.nfa_broad_outcomes")):
        event = "nfa"
    else:
        return  # outcomes 19 and 20 hand the case to another body, which then informs the victim
    # actor=None: the finalisation itself is audited with its actor; this is its automatic consequence.
    investigation_event_recorded(crime=crime, event=event, occurred_on=on, actor=None)


@transaction.atomic
def outcome_propose(
    *,
    actor: Any,
    crime: Crime,
    outcome: int,
    rationale: str = "",
    victim_informed: bool = False,
    policy: Policy | None = None,
) -> OutcomeDecision:
    """Record an outcome. Valid non-NFA outcomes finalise at once; NFA-type ones wait for sign-off."""
    _check_change(actor, crime)
    if crime.status == CrimeStatus.FINALISED:
        raise ValidationError(FINALISED)
    policy = policy or current_policy()
    proposer = _person(actor)
    check = finalisation_check(
        outcome=outcome,
        suspect=suspect_state(crime),
        lines=line_facts(crime),
        flags=crime.flags,
        rationale=rationale,
        victim_informed=victim_informed,
        signoff=Signoff(supervisor_id="pending", rationale="pending"),  # sign-off is the next step
        investigator_id=str(crime.officer_id or ""),
        policy=policy,
    )
    if not check.can_finalise:
        raise ValidationError({"outcome": list(check.errors)})
    OutcomeDecision.objects.filter(crime=crime, status=OutcomeStatus.AWAITING_SIGNOFF).update(
        status=OutcomeStatus.WITHDRAWN
    )
    decision = OutcomeDecision.objects.create(
        crime=crime,
        outcome=outcome,
        proposed_by=proposer,
        rationale=rationale.strip(),
        victim_informed=victim_informed,
        status=OutcomeStatus.AWAITING_SIGNOFF if check.requires_signoff else OutcomeStatus.FINALISED,
        basis=list(check.basis),
        warnings=list(check.warnings),
        policy_version=check.policy_version,
    )
    if not check.requires_signoff:
        _finalise(actor=actor, crime=crime, decision=decision)
    else:
        _bump(crime)
    audit.record(
        actor=actor,
        action="custos.outcome.proposed",
        obj=decision,
        changes={
            "crime": crime.reference,
            "outcome": outcome,
            "status": decision.status,
            "policy_version": check.policy_version,
        },
    )
    return decision


@transaction.atomic
def outcome_signoff(
    *, actor: Any, crime: Crime, rationale: str, policy: Policy | None = None
) -> OutcomeDecision:
    """A supervisor signs off an NFA-type outcome with a rationale; the crime is then finalised."""
    if not is_supervisor_of(actor, crime):
        raise PermissionError(NOT_A_SUPERVISOR)
    policy = policy or current_policy()
    decision = (
        OutcomeDecision.objects.select_for_update()
        .filter(crime=crime, status=OutcomeStatus.AWAITING_SIGNOFF)
        .first()
    )
    if decision is None:
        raise ValidationError(NOTHING_TO_SIGN)
    supervisor = _person(actor)
    check = finalisation_check(
        outcome=decision.outcome,
        suspect=suspect_state(crime),
        lines=line_facts(crime),
        flags=crime.flags,
        rationale=decision.rationale,
        victim_informed=decision.victim_informed,
        signoff=Signoff(supervisor_id=str(supervisor.pk), rationale=rationale),
        investigator_id=str(crime.officer_id or decision.proposed_by_id),
        proposer_id=str(decision.proposed_by_id),
        policy=policy,
    )
    if not check.can_finalise:
        raise ValidationError({"rationale": list(check.errors)})
    decision.status = OutcomeStatus.FINALISED
    decision.signed_off_by = supervisor
    decision.signoff_rationale = rationale.strip()
    decision.signed_off_at = timezone.now()
    decision.basis = list(check.basis)
    decision.policy_version = check.policy_version
    decision.save()
    _finalise(actor=actor, crime=crime, decision=decision)
    audit.record(
        actor=actor,
        action="custos.outcome.signed_off",
        obj=decision,
        changes={
            "crime": crime.reference,
            "outcome": decision.outcome,
            "rationale": rationale.strip(),
            "policy_version": check.policy_version,
        },
    )
    return decision
