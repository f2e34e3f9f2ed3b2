"""Victims' Right to Review (police decisions): eligibility, time limits and reviewer independence.

Reference §4 [S VRR-WILTS, VRR-SUSSEX, VRR-NORTHANTS, VRR-CLEVE, VRR-HANTS]: the NPCC scheme for police
decisions from 1 April 2015. Requests within 3 months of notification (later at the force's discretion);
for summary-only offences also within 6 months of the incident (Magistrates' Courts Act 1980 s.127);
acknowledged within 10 working days, decided within 30. The numbers and outcome sets are policy.
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from custos.core.policy import Policy
from custos.core.workingdays import add_working_days

SCHEME = "NPCC Victims' Right to Review scheme (police decisions, from 1 April 2015)"

REQUESTED_BEFORE_NOTIFIED = "the request ({requested}) cannot be before the notification ({notified})"
SUMMARY_ONLY_NEEDS_INCIDENT = "a summary-only offence needs the incident date"
INCIDENT_AFTER_NOTIFIED = "the incident ({incident}) cannot be after the notification ({notified})"
NOT_FINALISED = "outcome 0: no decision has been made yet"
NO_SUSPECT = "no suspect identified or interviewed"
NOT_INTERVIEWED = "the suspect was not interviewed under caution"
OUT_OF_COURT = "an out-of-court disposal was given"
CPS_DECISION = "a CPS decision: the CPS Victims' Right to Review scheme applies instead"
CHARGED = "the suspect was charged"
PARTIAL = "some, but not all, charges or suspects were proceeded against"
DIFFERENT_OFFENCE = "a different offence was charged from the one recorded"
WITHDRAWN = "the victim withdrew support or would not cooperate"
NOT_NCRS = "not a National Crime Recording Standard offence"
NOT_A_DECISION_NOT_TO_CHARGE = "outcome {outcome} is not a police decision not to charge"
SAME_PERSON = "the reviewer made the original decision"
NOT_HIGHER_RANK = "the reviewer ({reviewer}) must hold a higher rank than the decision-maker ({maker})"
UNKNOWN_RANK = "rank {rank!r} is not in the rank order: {order}"


def add_months(start: date, months: int) -> date:
    """The same day ``months`` calendar months later, or the last day of a shorter month."""
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class VrrWindow:
    in_time: bool
    window_closes: date
    acknowledge_by: date
    decide_by: date
    basis: tuple[str, ...]
    policy_version: str


@dataclass(frozen=True)
class VrrEligibility:
    eligible: bool
    reasons: tuple[str, ...]  # the exclusions that apply, or why the decision is reviewable
    policy_version: str


@dataclass(frozen=True)
class IndependenceCheck:
    independent: bool
    errors: tuple[str, ...]
    basis: str


def vrr_window(
    notified: date,
    requested: date,
    *,
    summary_only: bool = False,
    incident: date | None = None,
    policy: Policy,
) -> VrrWindow:
    """Whether a review request is in time, and when it must be acknowledged and decided."""
    if requested < notified:
        raise ValueError(REQUESTED_BEFORE_NOTIFIED.format(requested=requested, notified=notified))
    months_key = "victims.vrr_request_months"
    months = int(policy.get(months_key))
    closes = add_months(notified, months)
    basis = [
        f"{SCHEME}: request within {months} months of notification on {notified} [{policy.basis(months_key)}]"
    ]
    if summary_only:
        if incident is None:
            raise ValueError(SUMMARY_ONLY_NEEDS_INCIDENT)
        if incident > notified:
            raise ValueError(INCIDENT_AFTER_NOTIFIED.format(incident=incident, notified=notified))
        limit_key = "victims.vrr_summary_only_incident_months"
        limit = int(policy.get(limit_key))
        statutory = add_months(incident, limit)
        basis.append(
            f"summary-only offence: also within {limit} months of the incident on {incident}, "
            f"Magistrates' Courts Act 1980 s.127 [{policy.basis(limit_key)}]"
        )
        closes = min(closes, statutory)
    in_time = requested <= closes
    if not in_time:
        basis.append(
            f"request on {requested} is after the window closed on {closes}: late requests are at "
            "the force's discretion"
        )
    ack_key, decide_key = "victims.vrr_acknowledge_working_days", "victims.vrr_decide_working_days"
    ack_n, decide_n = int(policy.get(ack_key)), int(policy.get(decide_key))
    basis.append(f"acknowledge within {ack_n} working days of the request [{policy.basis(ack_key)}]")
    basis.append(f"decide within {decide_n} working days of the request [{policy.basis(decide_key)}]")
    return VrrWindow(
        in_time=in_time,
        window_closes=closes,
        acknowledge_by=add_working_days(requested, ack_n),
        decide_by=add_working_days(requested, decide_n),
        basis=tuple(basis),
        policy_version=policy.version,
    )


def vrr_eligibility(
    *,
    outcome: int,
    suspect_interviewed: bool,
    ncrs_offence: bool = True,
    victim_withdrawn: bool = False,
    victim_reinstated: bool = False,
    partial_proceedings: bool = False,
    different_offence_charged: bool = False,
    policy: Policy,
) -> VrrEligibility:
    """Whether a victim may ask for a police review of the decision that finalised their crime.

    Every exclusion that applies is listed, not only the first, so the victim can be told all of them.
    """
    police = set(policy.get("victims.vrr_police_decision_outcomes"))
    out_of_court = set(policy.get("victims.vrr_out_of_court_outcomes"))
    cps = set(policy.get("victims.vrr_cps_outcomes"))
    exclusions: list[str] = []
    if not ncrs_offence:
        exclusions.append(NOT_NCRS)
    if outcome == 0:
        exclusions.append(NOT_FINALISED)
    elif outcome in (14, 18):
        exclusions.append(NO_SUSPECT)
    elif outcome in out_of_court:
        exclusions.append(OUT_OF_COURT)
    elif outcome in cps:
        exclusions.append(CPS_DECISION)
    elif outcome == 1:
        exclusions.append(PARTIAL if partial_proceedings else CHARGED)
        if different_offence_charged:
            exclusions.append(DIFFERENT_OFFENCE)
    elif outcome not in police:
        exclusions.append(NOT_A_DECISION_NOT_TO_CHARGE.format(outcome=outcome))
    if outcome not in (0, 14, 18) and not suspect_interviewed:
        exclusions.append(NOT_INTERVIEWED)
    # Outcome 16 records that the victim does not support action: withdrawn unless they have reinstated.
    withdrawn = victim_withdrawn or outcome == 16
    reinstated_counts = victim_reinstated and bool(policy.get("victims.vrr_withdrawn_eligible_if_reinstated"))
    if withdrawn and not reinstated_counts:
        exclusions.append(WITHDRAWN)
    if exclusions:
        return VrrEligibility(False, tuple(f"excluded: {e} ({SCHEME})" for e in exclusions), policy.version)
    cite = policy.basis("victims.vrr_police_decision_outcomes")
    return VrrEligibility(
        True,
        (
            f"a suspect was interviewed under caution and outcome {outcome} is a police decision not to "
            f"charge ({SCHEME}) [{cite}]",
        ),
        policy.version,
    )


def reviewer_independence(
    *,
    reviewer_id: str,
    reviewer_rank: str,
    decision_maker_id: str,
    decision_maker_rank: str,
    rank_order: Sequence[str],
) -> IndependenceCheck:
    """The reviewer must not be the original decision-maker and must hold a higher rank.

    ``rank_order`` runs from the most junior rank to the most senior, as the workforce app supplies it.
    """
    order = list(rank_order)
    errors = []
    for rank in (reviewer_rank, decision_maker_rank):
        if rank not in order:
            errors.append(UNKNOWN_RANK.format(rank=rank, order=", ".join(order)))
    if reviewer_id == decision_maker_id:
        errors.append(SAME_PERSON)
    if not errors and order.index(reviewer_rank) <= order.index(decision_maker_rank):
        errors.append(NOT_HIGHER_RANK.format(reviewer=reviewer_rank, maker=decision_maker_rank))
    return IndependenceCheck(
        not errors, tuple(errors), f"{SCHEME}: review by an independent officer of higher rank"
    )
