"""Victims' Right to Review (police decisions): the request and its clocks, acknowledgement, the independent
reviewer's decision, and reopening the investigation when a review is upheld. Writes, each audited."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from custos.core import audit
from custos.core.access import scope_of
from custos.core.models import AuditEvent
from custos.core.policy import Policy, current_policy
from custos.core.workingdays import add_working_days
from custos.crimes.models import Crime, CrimeStatus
from custos.crimes.offences import offence
from custos.victims import access
from custos.victims.models import (
    InvestigationEvent,
    ReviewClock,
    ReviewEscalation,
    ReviewOutcome,
    ReviewStatus,
    RightToReview,
    VictimCrime,
)
from custos.victims.rules import reviewer_independence, vrr_eligibility, vrr_window
from custos.victims.rules.vrr import SCHEME
from custos.workforce import ranks
from custos.workforce.models import Person

NOT_ALLOWED = "You cannot record or decide Right to Review requests for this victim."
NOT_A_REVIEWER = "Only an investigation supervisor or detective inspector can decide a review."
NO_REVIEWER_RECORD = "Your account has no workforce record, so your rank cannot be checked."
REASONS_NEEDED = "give the reasons for the decision; the victim is told them"
BAD_OUTCOME = "outcome must be upheld, not-upheld or not-eligible"
INELIGIBLE_NOT_DECIDED_ON_MERITS = (
    "this request was assessed as not eligible for the Right to Review: close it as not eligible and tell "
    "the victim why; it is not decided on its merits (upheld or not upheld)"
)
ELIGIBLE_DECIDED_ON_MERITS = (
    "this request was assessed as eligible for the Right to Review: decide it on its merits (upheld or "
    "not upheld), not as not eligible"
)
ALREADY_DECIDED = "this review was already decided on {on}"
ALREADY_ACKNOWLEDGED = "this review was already acknowledged on {on}"
NOTIFIED_IN_FUTURE = "the date the victim was told of the decision cannot be in the future"
REQUESTED_IN_FUTURE = "the date of the request cannot be in the future"
REOPENED_BY_REVIEW = "reopened: Victims' Right to Review upheld on {on} (review {review})"

# Seniority, not rank names, decides "higher rank": a DS and a PS are the same rank (custos.workforce.ranks).
SENIORITY_ORDER = tuple(str(s) for s in sorted({ranks.seniority(r) for r, _ in ranks.RANK_CHOICES}))


def decision_maker_of(crime: Crime) -> Person | None:
    """Who made the decision under review: the supervisor who signed it off, else who proposed it."""
    from custos.investigations.models import OutcomeDecision, OutcomeStatus

    decision = (
        OutcomeDecision.objects.filter(crime=crime, status=OutcomeStatus.FINALISED)
        .select_related("signed_off_by", "proposed_by")
        .order_by("-created_at")
        .first()
    )
    if decision is not None:
        return decision.signed_off_by or decision.proposed_by
    return crime.officer


def review_assess(
    link: VictimCrime,
    *,
    notified_on: date,
    requested_on: date,
    suspect_interviewed: bool | None = None,
    partial_proceedings: bool = False,
    different_offence_charged: bool = False,
    policy: Policy,
) -> RightToReview:
    """A request as the rules judge it, not yet saved: whether it is in time and eligible (with every
    reason), and its two clocks. The demo force builds its requests with this too."""
    crime = link.crime
    summary_only = offence(crime.offence_key).summary_only
    incident = crime.occurred_on or crime.reported_on or crime.recorded_on
    try:
        window = vrr_window(
            notified_on, requested_on, summary_only=summary_only, incident=incident, policy=policy
        )
    except ValueError as exc:
        raise ValidationError({"requested_on": [str(exc)]}) from exc
    if suspect_interviewed is None:
        suspect_interviewed = InvestigationEvent.objects.filter(crime=crime, event="interview").exists()
    eligibility = vrr_eligibility(
        outcome=crime.outcome or 0,
        suspect_interviewed=suspect_interviewed,
        victim_withdrawn=link.support_withdrawn_on is not None,
        partial_proceedings=partial_proceedings,
        different_offence_charged=different_offence_charged,
        policy=policy,
    )
    return RightToReview(
        link=link,
        notified_on=notified_on,
        requested_on=requested_on,
        summary_only=summary_only,
        incident_on=incident if summary_only else None,
        in_time=window.in_time,
        window_closes=window.window_closes,
        acknowledge_by=window.acknowledge_by,
        decide_by=window.decide_by,
        basis=list(window.basis),
        eligible=eligibility.eligible,
        eligibility_reasons=list(eligibility.reasons),
        policy_version=policy.version,
        decision_maker=decision_maker_of(crime),
    )


@transaction.atomic
def review_request(
    *,
    actor: Any,
    link: VictimCrime,
    notified_on: date,
    requested_on: date | None = None,
    suspect_interviewed: bool | None = None,
    partial_proceedings: bool = False,
    different_offence_charged: bool = False,
    policy: Policy | None = None,
) -> RightToReview:
    """Record a request: whether it is in time and eligible (with every reason), and its two clocks."""
    if not access.can_change_link(scope_of(actor), link):
        raise PermissionError(NOT_ALLOWED)
    policy = policy or current_policy()
    crime = link.crime
    today = timezone.localdate()
    requested_on = requested_on or today
    future = {}
    if notified_on > today:
        future["notified_on"] = [NOTIFIED_IN_FUTURE]
    if requested_on > today:
        future["requested_on"] = [REQUESTED_IN_FUTURE]
    if future:
        raise ValidationError(future)
    review = review_assess(
        link,
        notified_on=notified_on,
        requested_on=requested_on,
        suspect_interviewed=suspect_interviewed,
        partial_proceedings=partial_proceedings,
        different_offence_charged=different_offence_charged,
        policy=policy,
    )
    review.save()
    audit.record(
        actor=actor,
        action="custos.victim_review.requested",
        obj=review,
        changes={
            "crime": crime.reference,
            "victim": link.victim_id,
            "in_time": review.in_time,
            "eligible": review.eligible,
            "acknowledge_by": str(review.acknowledge_by),
            "decide_by": str(review.decide_by),
            "reasons": list(review.eligibility_reasons),
            "policy_version": policy.version,
        },
    )
    return review


@transaction.atomic
def review_acknowledge(*, actor: Any, review: RightToReview, on: date | None = None) -> RightToReview:
    if not access.can_change_link(scope_of(actor), review.link):
        raise PermissionError(NOT_ALLOWED)
    if review.acknowledged_on is not None:
        raise ValidationError({"on": [ALREADY_ACKNOWLEDGED.format(on=review.acknowledged_on)]})
    on = on or timezone.localdate()
    review.acknowledged_on = on
    if review.status == ReviewStatus.REQUESTED:
        review.status = ReviewStatus.ACKNOWLEDGED
    review.version += 1
    review.save()
    ReviewEscalation.objects.filter(
        review=review, clock=ReviewClock.ACKNOWLEDGE, resolved_on__isnull=True
    ).update(resolved_on=on)
    audit.record(
        actor=actor,
        action="custos.victim_review.acknowledged",
        obj=review,
        changes={
            "on": str(on),
            "acknowledge_by": str(review.acknowledge_by),
            "on_time": on <= review.acknowledge_by,
        },
    )
    return review


@transaction.atomic
def review_decide(
    *, actor: Any, review: RightToReview, outcome: str, reasons: str, on: date | None = None
) -> RightToReview:
    """The independent reviewer's decision. Upheld: the investigation is reopened. A request assessed as not
    eligible is only closed as not eligible (the reasons are what the victim is told), never decided on its
    merits."""
    s = scope_of(actor)
    if not access.can_view_link(s, review.link):
        raise PermissionError(NOT_ALLOWED)
    if not access.can_review(s):
        raise PermissionError(NOT_A_REVIEWER)
    reviewer = Person.objects.filter(pk=s.person_id).first() if s.person_id else None
    if reviewer is None:
        raise ValidationError({"reviewer": [NO_REVIEWER_RECORD]})
    if review.status == ReviewStatus.DECIDED:
        raise ValidationError({"outcome": [ALREADY_DECIDED.format(on=review.decided_on)]})
    errors: dict[str, list[str]] = {}
    if outcome not in ReviewOutcome.values:
        errors["outcome"] = [BAD_OUTCOME]
    elif not review.eligible and outcome != ReviewOutcome.NOT_ELIGIBLE:
        # The scheme does not cover it: no review of the police decision, so it can never reopen the case.
        errors["outcome"] = [INELIGIBLE_NOT_DECIDED_ON_MERITS]
    elif review.eligible and outcome == ReviewOutcome.NOT_ELIGIBLE:
        errors["outcome"] = [ELIGIBLE_DECIDED_ON_MERITS]
    if not reasons.strip():
        errors["reasons"] = [REASONS_NEEDED]
    maker = review.decision_maker
    if maker is not None:
        check = reviewer_independence(
            reviewer_id=str(reviewer.pk),
            reviewer_rank=str(ranks.seniority(reviewer.rank)),
            decision_maker_id=str(maker.pk),
            decision_maker_rank=str(ranks.seniority(maker.rank)),
            rank_order=SENIORITY_ORDER,
        )
        if not check.independent:
            # Say it in rank names, not seniority numbers.
            words = [
                e
                if not e.startswith("the reviewer (")
                else f"the reviewer ({ranks.label(reviewer.rank)}) must hold a higher rank than the "
                f"decision-maker ({ranks.label(maker.rank)})"
                for e in check.errors
            ]
            errors.setdefault("reviewer", []).extend(f"{w} ({check.basis})" for w in words)
    if errors:
        raise ValidationError(errors)
    on = on or timezone.localdate()
    review.reviewer = reviewer
    review.decided_on = on
    review.outcome = outcome
    review.outcome_reasons = reasons.strip()
    review.acknowledged_on = review.acknowledged_on or on
    review.status = ReviewStatus.DECIDED
    review.version += 1
    review.save()
    review.escalations.filter(resolved_on__isnull=True).update(resolved_on=on)
    audit.record(
        actor=actor,
        action="custos.victim_review.decided",
        obj=review,
        changes={
            "outcome": outcome,
            "reasons": review.outcome_reasons,
            "decide_by": str(review.decide_by),
            "on_time": on <= review.decide_by,
            "reviewer": reviewer.pk,
            "decision_maker": getattr(maker, "pk", None),
        },
    )
    if outcome == ReviewOutcome.UPHELD:
        crime_reopen_for_review(actor=actor, crime=review.link.crime, review=review)
    return review


@transaction.atomic
def crime_reopen_for_review(*, actor: Any, crime: Crime, review: RightToReview) -> Crime:
    """Reopen a finalised crime after an upheld review (neither crimes nor investigations offer this yet).

    The outcome is cleared so that a fresh decision must be made and signed off; the earlier outcome stays
    in the crime's history and the investigations app's OutcomeDecision rows.
    """
    from custos.core.history import history_snapshot

    before = {"status": crime.status, "outcome": crime.outcome, "finalised_on": str(crime.finalised_on)}
    if crime.status == CrimeStatus.OPEN:
        return crime
    Crime.objects.filter(pk=crime.pk).update(
        status=CrimeStatus.OPEN, outcome=None, outcome_on=None, finalised_on=None, version=F("version") + 1
    )
    crime.refresh_from_db()
    history_snapshot(crime, actor)
    audit.record(
        actor=actor,
        action="custos.crime.reopened",
        obj=crime,
        purpose=REOPENED_BY_REVIEW.format(on=review.decided_on, review=review.pk),
        changes={"before": before, "status": crime.status, "review": review.pk},
    )
    return crime


# --------------------------------------------------------------------------------------------------
# The nightly escalation of missed review clocks

ESCALATION_BATCH = 2000
# Each clock: the date it falls due on the request, and the policy key that set it.
REVIEW_CLOCKS = {
    ReviewClock.ACKNOWLEDGE: ("acknowledge_by", "victims.vrr_acknowledge_working_days"),
    ReviewClock.DECIDE: ("decide_by", "victims.vrr_decide_working_days"),
}
GRACE_KEY = "victims.vrr_escalate_after_working_days"
ROLE_KEY = "victims.vrr_escalation_role"


def _last_escalated_due(today: date, grace: int) -> date:
    """The latest due date whose clock, with ``grace`` working days more, has passed by ``today``."""
    due = today - timedelta(days=1)
    while grace and add_working_days(due, grace) >= today:
        due -= timedelta(days=1)
    return due


def escalation_basis(clock: str, due: date, *, supervisor: Any, role: str, policy: Policy) -> str:
    days_key = REVIEW_CLOCKS[ReviewClock(clock)][1]
    days, grace = int(policy.get(days_key)), int(policy.get(GRACE_KEY))
    to = "the reviewer's line supervisor" if supervisor is not None else f"the {role} of the crime's borough"
    return (
        f"{SCHEME}: {ReviewClock(clock).label.lower()} within {days} working days of the request, by {due} "
        f"[{policy.basis(days_key)}]; missed, escalated after {grace} working days "
        f"[{policy.basis(GRACE_KEY)}] to {to} [{policy.basis(ROLE_KEY)}]"
    )[:500]


def escalate_overdue_reviews(today: date, *, policy: Policy | None = None) -> tuple[int, int]:
    """Right to Review requests not decided whose acknowledge-by or decide-by date has passed: each missed
    clock escalated once, to the reviewer's line supervisor when a reviewer is known, else to the
    policy-named role in the crime's borough. Returns (missed clocks, escalations made).

    Set-based like the obligations' escalation: the missed clocks not yet escalated are found by one query
    per clock, and each batch's escalations and audit events are written in one insert.
    """
    policy = policy or current_policy()
    role = str(policy.get(ROLE_KEY))
    last_due = _last_escalated_due(today, int(policy.get(GRACE_KEY)))
    undecided = RightToReview.objects.exclude(status=ReviewStatus.DECIDED)
    missed = {
        ReviewClock.ACKNOWLEDGE: undecided.filter(acknowledged_on__isnull=True, acknowledge_by__lte=last_due),
        ReviewClock.DECIDE: undecided.filter(decide_by__lte=last_due),
    }
    checked = created = 0
    for clock, qs in missed.items():
        checked += qs.count()
        due_field = REVIEW_CLOCKS[clock][0]
        fresh = list(qs.exclude(escalations__clock=clock).order_by("pk").values_list("pk", flat=True))
        for start in range(0, len(fresh), ESCALATION_BATCH):
            batch = RightToReview.objects.filter(
                pk__in=fresh[start : start + ESCALATION_BATCH]
            ).select_related("reviewer__line_supervisor", "link__crime")
            escalations, events = [], []
            for review in batch.order_by("pk"):
                supervisor = review.reviewer.line_supervisor if review.reviewer is not None else None
                due = getattr(review, due_field)
                basis = escalation_basis(clock, due, supervisor=supervisor, role=role, policy=policy)
                escalations.append(
                    ReviewEscalation(
                        review=review,
                        clock=clock,
                        due_on=due,
                        supervisor=supervisor,
                        role="" if supervisor is not None else role,
                        basis=basis,
                        policy_version=policy.version,
                        created_on=today,
                    )
                )
                events.append(
                    audit.unsaved_event(
                        actor=None,
                        action="custos.victim_review.escalated",
                        obj=review,
                        changes={
                            "crime": review.link.crime.reference,
                            "clock": str(clock),
                            "due_on": str(due),
                            "supervisor": getattr(supervisor, "pk", None),
                            "role": "" if supervisor is not None else role,
                            "basis": basis,
                            "policy_version": policy.version,
                        },
                    )
                )
            with transaction.atomic():
                ReviewEscalation.objects.bulk_create(escalations)
                AuditEvent.objects.bulk_create(events)
            created += len(escalations)
    return checked, created
