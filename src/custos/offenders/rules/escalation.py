"""The escalation ladder: no one can silently go unvisited again (issue 3; reference rules R1-R3).

One pure function, :func:`evaluate_ladder`, returns every step that applies on a given day with its owner,
the date it began and its basis, so the nightly sweep and every relevant write can reconcile tasks with it.

Time in custody, in hospital or abroad (recorded :class:`AwayPeriod`) does not move the visit due date:
on return the offender is simply overdue, so a visit follows promptly. While away, routine visit steps and
s.96B are suspended (nobody can be visited at home, s.96B(4)), and that time is not counted towards the
"no successful visit for more than two intervals" breach trigger, because his whereabouts were known.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from math import ceil

from custos.core.policy import Policy

from .breach import BreachConsideration
from .common import per_policy
from .dates import AwayPeriod, Duration, away_on
from .risk import RiskLevel
from .visits import (
    FAILED_ENTRY,
    NO_CLOCK_START,
    REACTIVE_BASIS,
    ManagementMode,
    VisitAttempt,
    interval_table,
    visit_interval,
)

APP_BREACH = "APP Managing sexual offenders and violent offenders: notification requirements (breach)"


class Step(StrEnum):
    DUE_SOON = "due-soon"
    OVERDUE = "overdue"
    OVERDUE_BY_INTERVAL = "overdue-by-interval"
    CONSIDER_S96B = "consider-s96b"
    BREACH_CASE = "breach-case"
    AWAY = "away"


# Highest first: the order worklists sort by.
STEP_RANK = {
    Step.BREACH_CASE: 0,
    Step.CONSIDER_S96B: 1,
    Step.OVERDUE_BY_INTERVAL: 2,
    Step.OVERDUE: 3,
    Step.DUE_SOON: 4,
    Step.AWAY: 5,
}


# The words worklists, tags and the home page show for each step (the codes are for filters and the API).
STEP_LABELS = {
    Step.BREACH_CASE: "Breach case",
    Step.CONSIDER_S96B: "Consider s.96B",
    Step.OVERDUE_BY_INTERVAL: "DI: plan required",
    Step.OVERDUE: "Overdue",
    Step.DUE_SOON: "Due soon",
    Step.AWAY: "Away",
}


def step_labels(codes: str) -> str:
    """``"breach-case,overdue"`` (the stored worklist column) in words: ``"Breach case, Overdue"``."""
    by_code = {step.value: label for step, label in STEP_LABELS.items()}
    return ", ".join(by_code.get(c, c) for c in codes.split(",") if c)


@dataclass(frozen=True)
class RequiredAction:
    action: str
    owner: str
    due: date | None
    basis: str


@dataclass(frozen=True)
class LadderStep:
    step: Step
    since: date
    owners: tuple[str, ...]
    reason: str
    basis: str
    actions: tuple[RequiredAction, ...] = ()
    policy_version: str | None = None

    @property
    def label(self) -> str:
        return STEP_LABELS[self.step]


@dataclass(frozen=True)
class S96BCondition:
    code: str
    met: bool | None  # None: a judgement the applying officer must make and record
    basis: str
    explanation: str


@dataclass(frozen=True)
class S96BCheck:
    """The statutory conditions for a s.96B warrant, pre-checked. ``consider`` opens the task."""

    conditions: tuple[S96BCondition, ...]
    failed_attempts: tuple[date, ...]
    consider: bool
    basis: str
    policy_version: str


@dataclass(frozen=True)
class EscalationTimeline:
    """When each time-based step begins for a visit clock, ignoring time away."""

    due: date
    due_soon_from: date
    overdue_from: date
    overdue_by_interval_from: date
    breach_from: date
    basis: str
    policy_version: str


@dataclass(frozen=True)
class LadderResult:
    today: date
    due: date | None
    steps: tuple[LadderStep, ...]
    s96b: S96BCheck | None  # None when there is no failed entry attempt since the last successful visit
    basis: str
    policy_version: str

    def has(self, step: Step) -> bool:
        return any(s.step is step for s in self.steps)

    def get(self, step: Step) -> LadderStep | None:
        return next((s for s in self.steps if s.step is step), None)

    @property
    def step_names(self) -> frozenset[str]:
        return frozenset(s.step.value for s in self.steps)


@dataclass(frozen=True)
class _LadderPolicy:
    """The ladder's numbers and basis texts, derived once per policy."""

    version: str
    due_soon_days: int
    di_after: int
    breach_after: int
    min_failed: int
    closers: tuple[str, ...]
    record_days: int
    decide_days: int
    review_days: int
    di_plan_days: int
    s96b_decision_days: int
    due_soon: timedelta
    intervals: dict[RiskLevel, tuple[Duration, str]]
    timeline_basis: dict[RiskLevel, str]
    ladder_basis: dict[RiskLevel, str]
    s96b_d_basis: str
    breach_basis: str
    record_basis: str
    mapp_basis: str
    arrest_basis: str
    review_basis: str
    di_plan_basis: str
    s96b_decision_basis: str


def _build_ladder_policy(policy: Policy) -> _LadderPolicy:
    esc = "offenders.escalation."
    soon_key = "offenders.visits.due_soon_days"
    common = (
        f"{policy.basis(soon_key)}; {policy.basis(esc + 'di_alert_after_intervals')}; "
        f"{policy.basis(esc + 'breach_after_intervals')}"
    )
    return _LadderPolicy(
        version=policy.version,
        due_soon_days=int(policy.get(soon_key)),
        di_after=int(policy.get(esc + "di_alert_after_intervals")),
        breach_after=int(policy.get(esc + "breach_after_intervals")),
        min_failed=int(policy.get("offenders.visits.min_failed_attempts_for_s96b")),
        closers=tuple(policy.get(esc + "s96b_closers")),
        record_days=ceil(int(policy.get(esc + "breach_record_hours")) / 24),
        decide_days=ceil(int(policy.get(esc + "breach_decision_hours")) / 24),
        review_days=int(policy.get(esc + "breach_review_days")),
        di_plan_days=int(policy.get(esc + "di_plan_days")),
        s96b_decision_days=int(policy.get(esc + "s96b_decision_days")),
        due_soon=timedelta(days=int(policy.get(soon_key))),
        intervals=interval_table(policy),
        timeline_basis={level: f"{basis}; {common}" for level, (_, basis) in interval_table(policy).items()},
        ladder_basis={
            level: f"issue 3 escalation ladder; reference rules R1-R3; {basis}; next due = last successful "
            "visit + interval, failed attempts never reset"
            for level, (_, basis) in interval_table(policy).items()
        },
        s96b_d_basis=f"SOA 2003 s.96B(2)(d); {policy.basis('offenders.visits.min_failed_attempts_for_s96b')}",
        breach_basis=f"reference rule R3; {APP_BREACH}; {policy.basis(esc + 'breach_after_intervals')}",
        record_basis=f"{APP_BREACH}; {policy.basis(esc + 'breach_record_hours')}",
        mapp_basis=f"{APP_BREACH}: the DI or Senior Probation Officer decides; "
        f"{policy.basis(esc + 'breach_decision_hours')}",
        arrest_basis=f"SOA 2003 s.91; PACE s.24; {APP_BREACH}; {policy.basis(esc + 'breach_decision_hours')}",
        review_basis=f"reference rule R3; {policy.basis(esc + 'breach_review_days')} (repeat until resolved)",
        di_plan_basis=policy.basis(esc + "di_plan_days"),
        s96b_decision_basis=policy.basis(esc + "s96b_decision_days"),
    )


_ladder_policy = per_policy(_build_ladder_policy)


def escalation_timeline(
    level: RiskLevel | str, *, last_successful: date, policy: Policy
) -> EscalationTimeline:
    """When each time-based step begins for a visit clock (worklists, the sweep, "when will he escalate")."""
    cfg = _ladder_policy(policy)
    level = RiskLevel(level)
    interval, _ = visit_interval(level, policy=policy)
    due = interval.after(last_successful)
    return EscalationTimeline(
        due=due,
        due_soon_from=due - timedelta(days=cfg.due_soon_days),
        overdue_from=due + timedelta(days=1),
        overdue_by_interval_from=interval.after(last_successful, 1 + cfg.di_after) + timedelta(days=1),
        breach_from=interval.after(last_successful, cfg.breach_after) + timedelta(days=1),
        basis=cfg.timeline_basis[level],
        policy_version=policy.version,
    )


def _away_days(after: date, through: date, away: Sequence[AwayPeriod]) -> int:
    """Days in (after, through] covered by an away period."""
    total = 0
    for p in away:
        start = max(p.start, after + timedelta(days=1))
        end = min(p.end or through + timedelta(days=1), through + timedelta(days=1))
        total += max((end - start).days, 0)
    return total


def s96b_check(
    *,
    today: date,
    attempts: Sequence[VisitAttempt],
    last_successful: date | None,
    away: Sequence[AwayPeriod] = (),
    address_notified_or_believed: bool = True,
    policy: Policy,
) -> S96BCheck:
    """Pre-check s.96B(2)(a)-(d) for the failed entry attempts since the last successful visit.

    Attempts made while the offender was in custody, in hospital or abroad do not count: entry was not
    "sought for that purpose" from someone who could be there. Necessity (c) is always left to the officer.
    """
    cfg = _ladder_policy(policy)
    failed = tuple(
        sorted(
            a.on
            for a in attempts
            if a.outcome in FAILED_ENTRY
            and a.for_risk_assessment
            and (last_successful is None or a.on > last_successful)
            and away_on(a.on, away) is None
        )
    )
    now_away = away_on(today, away)
    conditions = (
        S96BCondition(
            "a",
            address_notified_or_believed,
            "SOA 2003 s.96B(2)(a), (3)",
            "the last notified home address, or reasonable grounds to believe the offender resides or may "
            "regularly be found there",
        ),
        S96BCondition(
            "b",
            now_away is None,
            "SOA 2003 s.96B(2)(b), (4)",
            "not remanded or committed to custody, serving a sentence, detained in hospital or outside the UK"
            + (f" (now: {now_away.kind})" if now_away else ""),
        ),
        S96BCondition(
            "c",
            None,
            "SOA 2003 s.96B(2)(c)",
            "entry and search are necessary to assess the risks the offender poses: the applying officer's "
            "judgement",
        ),
        S96BCondition(
            "d",
            len(failed) >= cfg.min_failed,
            cfg.s96b_d_basis,
            f"{len(failed)} occasion(s) on which a constable sought entry to assess risk and could not "
            "obtain it",
        ),
    )
    return S96BCheck(
        conditions=conditions,
        failed_attempts=failed,
        consider=all(c.met is not False for c in conditions),
        basis="SOA 2003 s.96B (inserted by VCRA 2006 s.58): application by a superintendent or above to a "
        "justice of the peace; reference rule R2",
        policy_version=policy.version,
    )


def _breach_actions(established: date, cfg: _LadderPolicy) -> tuple[RequiredAction, ...]:
    decide_by = established + timedelta(days=cfg.decide_days)
    return (
        RequiredAction(
            "record the breach on PNC and ViSOR and inform the partner agencies",
            "offender-manager",
            established + timedelta(days=cfg.record_days),
            cfg.record_basis,
        ),
        RequiredAction("decide whether an urgent MAPP meeting is needed", "di", decide_by, cfg.mapp_basis),
        RequiredAction(
            "decide on arrest (s.91), PNC wanted circulation or licence recall",
            "di",
            decide_by,
            cfg.arrest_basis,
        ),
        RequiredAction(
            "review the breach case", "di", established + timedelta(days=cfg.review_days), cfg.review_basis
        ),
    )


def _breach_step(
    *,
    today: date,
    time_breach_from: date | None,
    whereabouts_unverified_since: date | None,
    missed: Sequence[BreachConsideration],
    established_on: date | None,
    cfg: _LadderPolicy,
) -> LadderStep | None:
    triggers: list[tuple[date, str]] = []
    if time_breach_from is not None and today >= time_breach_from:
        triggers.append((time_breach_from, f"no successful visit for more than {cfg.breach_after} intervals"))
    if whereabouts_unverified_since is not None:
        triggers.append((whereabouts_unverified_since, "whereabouts unverified"))
    for m in missed:
        assert m.deadline.due is not None
        triggers.append(
            (
                m.deadline.due + timedelta(days=1),
                f"missed {m.deadline.kind} notification due {m.deadline.due.isoformat()}",
            )
        )
    if not triggers:
        return None
    since = min(d for d, _ in triggers)
    return LadderStep(
        step=Step.BREACH_CASE,
        since=since,
        owners=("offender-manager", "di"),
        reason="; ".join(r for _, r in triggers),
        basis=cfg.breach_basis,
        actions=_breach_actions(established_on or today, cfg),
        policy_version=cfg.version,
    )


def _visit_steps(
    *, today: date, timeline: EscalationTimeline, interval: Duration, cfg: _LadderPolicy
) -> list[LadderStep]:
    steps: list[LadderStep] = []
    if timeline.due_soon_from <= today <= timeline.due:
        steps.append(
            LadderStep(
                Step.DUE_SOON,
                timeline.due_soon_from,
                ("offender-manager",),
                f"visit due {timeline.due.isoformat()}",
                timeline.basis,
                (RequiredAction("visit", "offender-manager", timeline.due, timeline.basis),),
                timeline.policy_version,
            )
        )
    if today >= timeline.overdue_from:
        steps.append(
            LadderStep(
                Step.OVERDUE,
                timeline.overdue_from,
                ("offender-manager", "ds"),
                # No day count: the sweep stores this reason on the task, where a count would go stale.
                f"visit overdue since {timeline.due.isoformat()}",
                f"reference rule R1: overdue alerts the offender manager and DS; {timeline.basis}",
                (RequiredAction("visit now", "offender-manager", today, timeline.basis),),
                timeline.policy_version,
            )
        )
    if today >= timeline.overdue_by_interval_from:
        steps.append(
            LadderStep(
                Step.OVERDUE_BY_INTERVAL,
                timeline.overdue_by_interval_from,
                ("di",),
                f"overdue by more than {interval.describe()}",
                f"reference rule R1: overdue by more than one interval alerts the DI; {timeline.basis}",
                (
                    RequiredAction(
                        "record a plan to see the offender",
                        "di",
                        timeline.overdue_by_interval_from + timedelta(days=cfg.di_plan_days),
                        f"{timeline.basis}; {cfg.di_plan_basis}",
                    ),
                ),
                timeline.policy_version,
            )
        )
    return steps


def evaluate_ladder(
    *,
    today: date,
    level: RiskLevel | str,
    mode: ManagementMode = ManagementMode.ACTIVE,
    last_successful: date | None,
    managed_since: date | None = None,
    attempts: Sequence[VisitAttempt] = (),
    away: Sequence[AwayPeriod] = (),
    whereabouts_verified: bool = True,
    whereabouts_unverified_since: date | None = None,
    missed: Sequence[BreachConsideration] = (),
    address_notified_or_believed: bool = True,
    breach_established_on: date | None = None,
    policy: Policy,
) -> LadderResult:
    """Every ladder step that applies on ``today`` (issue 3 "Escalation ladder", steps 1-5)."""
    cfg = _ladder_policy(policy)
    level = RiskLevel(level)
    steps: list[LadderStep] = []
    due: date | None = None
    start = last_successful or managed_since
    if ManagementMode(mode) is ManagementMode.ACTIVE:
        if start is None:
            raise ValueError(NO_CLOCK_START)
        interval, _ = cfg.intervals[level]
        due = interval.after(start)
    now_away = away_on(today, away) if away else None
    time_breach_from: date | None = None
    # Most offenders in a sweep are nowhere near due: decide that from one date before doing more.
    if due is not None and start is not None and now_away is None and today >= due - cfg.due_soon:
        timeline = escalation_timeline(level, last_successful=start, policy=policy)
        steps.extend(_visit_steps(today=today, timeline=timeline, interval=interval, cfg=cfg))
        time_breach_from = timeline.breach_from + timedelta(days=_away_days(start, today, away))
    if now_away is not None:
        steps.append(_away_step(now_away))
    check = None
    if any(
        a.outcome in FAILED_ENTRY and (last_successful is None or a.on > last_successful) for a in attempts
    ):
        check = s96b_check(
            today=today,
            attempts=attempts,
            last_successful=last_successful,
            away=away,
            address_notified_or_believed=address_notified_or_believed,
            policy=policy,
        )
        if check.consider:
            steps.append(_s96b_step(check, cfg))
    breach = _breach_step(
        today=today,
        time_breach_from=time_breach_from,
        whereabouts_unverified_since=None
        if whereabouts_verified
        else (whereabouts_unverified_since or today),
        missed=missed,
        established_on=breach_established_on,
        cfg=cfg,
    )
    if breach is not None:
        steps.append(breach)
    steps.sort(key=lambda s: STEP_RANK[s.step])
    return LadderResult(
        today=today,
        due=due,
        steps=tuple(steps),
        s96b=check,
        basis=cfg.ladder_basis[level] if due is not None else f"issue 3 escalation ladder; {REACTIVE_BASIS}",
        policy_version=policy.version,
    )


def _away_step(period: AwayPeriod) -> LadderStep:
    return LadderStep(
        Step.AWAY,
        period.start,
        ("offender-manager",),
        f"in {period.kind} since {period.start.isoformat()}: home visits suspended",
        "SOA 2003 s.96B(4); reference rule R2",
    )


def _s96b_step(check: S96BCheck, cfg: _LadderPolicy) -> LadderStep:
    since = check.failed_attempts[cfg.min_failed - 1]  # the attempt that met s.96B(2)(d)
    return LadderStep(
        Step.CONSIDER_S96B,
        since,
        cfg.closers,
        f"{len(check.failed_attempts)} failed entry attempts since the last successful visit",
        check.basis,
        (
            RequiredAction(
                "record a decision and rationale on a s.96B application",
                "superintendent",
                since + timedelta(days=cfg.s96b_decision_days),
                f"{check.basis}; {cfg.s96b_decision_basis}",
            ),
        ),
        cfg.version,
    )
