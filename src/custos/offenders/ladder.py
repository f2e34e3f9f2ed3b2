"""The escalation ladder applied to the register: facts in bulk, the pure rules, tasks reconciled.

One pass: a constant number of queries loads the plain facts of every offender in scope, the pure rules
(`custos.offenders.rules.evaluate_ladder`, `annual_notification`, `missed_notifications`) decide what applies
today, and the result is reconciled with the task table by (offender, kind, episode). The nightly sweep runs
it over the whole register; every relevant write (visit recorded, notification recorded, risk changed) runs
it for one offender inside the same transaction, so nobody waits for the night to be escalated.

The read and the facts live in `register_facts`: the read is the sweep's one database pass, in the parent
process, and building the facts is pure work the forked workers share. This module is what follows, also
pure until the write: `evaluate` (the rules for one offender), `run` (read, fork, plan, write) and the plan
of each part. It re-exports the register names so callers of `ladder.read_register` and the rest still work.

Idempotent: a task exists at most once per (offender, kind, episode) and once open per (offender, kind).
Nothing is closed without a decision and rationale: visit-clock tasks that no longer apply (a successful
visit was recorded) are closed by the system with the reason stated; s.96B and breach tasks never close
here, only by an authorised person through `services.task_close`.
"""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import partial
from typing import Any

from custos.core.bulk_read import paused_gc
from custos.core.forking import forked_map, keep_until_exit
from custos.core.policy import Policy, current_policy
from custos.offenders import reconcile, rules
from custos.offenders.change_duties import change_notifications
from custos.offenders.models import TaskKind
from custos.offenders.reconcile import (  # noqa: F401  (re-exported: tests and callers use ladder.*)
    ESCALATION_TYPES,
    SELF_CLOSING,
    STATE_COLUMNS,
    SYSTEM_DECISION,
)
from custos.offenders.register_facts import (  # noqa: F401  (re-exported: callers use ladder.* too)
    FAILED,
    NOTIFICATION_KIND,
    OFFENDER_DATES,
    OFFENDER_VALUES,
    Facts,
    Register,
    build_facts,
    load_facts,
    read_register,
)
from custos.offenders.rules.changes import ChangeObligation, ChangeStatus
from custos.offenders.rules.escalation import STEP_RANK

# Ladder step -> the task it opens.
STEP_TASK = {
    rules.Step.DUE_SOON: TaskKind.VISIT_DUE,
    rules.Step.OVERDUE: TaskKind.OVERDUE_ALERT,
    rules.Step.OVERDUE_BY_INTERVAL: TaskKind.DI_PLAN_REQUIRED,
    rules.Step.CONSIDER_S96B: TaskKind.S96B_CONSIDERATION,
    rules.Step.BREACH_CASE: TaskKind.BREACH_CASE,
}
NOTHING_DUE_RANK = 9
PARALLEL_FROM = 5000  # offenders: below this a fork and the pickled plans cost more than they save


@dataclass(frozen=True)
class WantedTask:
    offender_id: int
    kind: str
    episode: date
    owner_id: int | None
    watcher_id: int | None
    due: date | None
    reason: str
    basis: str
    policy_version: str
    detail_of: Any  # () -> dict: built only when the task is opened (most nights it already exists)

    @property
    def detail(self) -> dict[str, Any]:
        return self.detail_of() if callable(self.detail_of) else dict(self.detail_of)


@dataclass
class Evaluation:
    facts: Facts
    ladder: rules.LadderResult
    notification: rules.Deadline | None
    wanted: list[WantedTask]
    changes: tuple[ChangeObligation, ...] = ()

    @property
    def rank(self) -> int:
        return min((STEP_RANK[s.step] for s in self.ladder.steps), default=NOTHING_DUE_RANK)

    @property
    def changes_due(self) -> tuple[ChangeObligation, ...]:
        """The s.84 changes still to be notified: outstanding, or missed and not yet notified."""
        return tuple(c for c in self.changes if c.status in (ChangeStatus.OUTSTANDING, ChangeStatus.MISSED))

    @property
    def next_notification_due(self) -> date | None:
        """The worklist's "notification due": the earliest of the periodic and unnotified s.84 deadlines."""
        dues = [c.deadline.due for c in self.changes_due if c.deadline.due is not None]
        if self.notification is not None and self.notification.due is not None:
            dues.append(self.notification.due)
        return min(dues, default=None)


def notification_deadline(
    f: Facts, *, policy: Policy, memo: dict[tuple[Any, ...], Any] | None = None
) -> rules.Deadline | None:
    """The next periodic notification (weekly when of no fixed abode, else annual); None if never notified.

    The annual deadline of someone never away depends only on the last resetting notification, so a run
    shares one result per (kind, date) through ``memo``."""
    resetting = [e for e in f.notifications if e.kind in rules.common.RESETS_ANNUAL]
    if f.no_fixed_abode and (resetting or any(e.kind == "weekly" for e in f.notifications)):
        return rules.weekly_notification(f.notifications, away=f.away, policy=policy)
    if not resetting:
        return None
    if memo is None or f.away:
        return rules.annual_notification(f.notifications, away=f.away, policy=policy)
    last = max(resetting, key=lambda e: e.on)  # the event `annual_notification` counts from
    key = ("annual", last.kind, last.on)
    if key not in memo:
        memo[key] = rules.annual_notification(resetting, policy=policy)
    return memo[key]


_OWNER_ROLE = {"offender-manager": "lead", "ds": "ds", "di": "di", "superintendent": "di"}


def _owner(f: Facts, role: str) -> int | None:
    who = _OWNER_ROLE.get(role, "lead")
    return {"lead": f.lead_id, "ds": f.ds_id, "di": f.di_id}[who] or f.lead_id


def _quiet_ladder(
    f: Facts, *, today: date, missed: bool, policy: Policy, memo: dict[tuple[Any, ...], Any] | None = None
) -> rules.LadderResult | None:
    """The ladder of an offender on whom no step can apply today, from the rules' own timeline; else None.

    Most of the register is in date on any night. For them the full ladder would return no step: visited
    and not yet within the due-soon window, no failed attempt since, never away, whereabouts verified and no
    missed notification. Taking the due date from `escalation_timeline` keeps the nightly sweep to one cheap
    rule call for them; anyone else gets the full `evaluate_ladder`.
    """
    if f.attempts or f.away or missed or not f.whereabouts_verified or f.mode != "active":
        return None
    clock = f.last_successful or f.managed_since
    key = ("timeline", f.level, clock)
    timeline = memo.get(key) if memo is not None else None
    if timeline is None:
        timeline = rules.escalation_timeline(f.level, last_successful=clock, policy=policy)
        if memo is not None:
            memo[key] = timeline
    if today >= timeline.due_soon_from:
        return None
    return rules.LadderResult(
        today=today,
        due=timeline.due,
        steps=(),
        s96b=None,
        basis=timeline.basis,
        policy_version=policy.version,
    )


def _step_detail(step: rules.LadderStep, s96b: rules.S96BCheck | None) -> dict[str, Any]:
    detail: dict[str, Any] = {
        "step": step.step.value,
        "actions": [
            {
                "action": a.action,
                "owner": a.owner,
                "due": a.due.isoformat() if a.due else None,
                "basis": a.basis,
            }
            for a in step.actions
        ],
    }
    if s96b is not None:
        detail["conditions"] = [
            {"code": c.code, "met": c.met, "basis": c.basis, "explanation": c.explanation}
            for c in s96b.conditions
        ]
        detail["failed_attempts"] = [d.isoformat() for d in s96b.failed_attempts]
    return detail


def _full_ladder(
    f: Facts,
    *,
    today: date,
    missed: Sequence[rules.BreachConsideration],
    policy: Policy,
    memo: dict[tuple[Any, ...], Any] | None,
) -> rules.LadderResult:
    """`evaluate_ladder` for one offender. It is pure, so within one run offenders with the same inputs
    (level, last successful visit, whereabouts, missed notifications; no attempts or time away) share one
    result."""
    # managed_since only starts the clock of someone never visited.
    since = None if f.last_successful else f.managed_since
    unverified = None if f.whereabouts_verified else (f.unverified_since or f.managed_since)
    key = None
    if memo is not None and not f.attempts and not f.away:
        key = (
            "ladder",
            f.level,
            f.mode,
            f.last_successful,
            since,
            f.whereabouts_verified,
            unverified,
            tuple(missed),
        )
        hit = memo.get(key)
        if hit is not None:
            return hit
    result = rules.evaluate_ladder(
        today=today,
        level=f.level,
        mode=rules.ManagementMode(f.mode),
        last_successful=f.last_successful,
        managed_since=since,
        attempts=f.attempts,
        away=f.away,
        whereabouts_verified=f.whereabouts_verified,
        whereabouts_unverified_since=unverified,
        missed=missed,
        policy=policy,
    )
    if key is not None and memo is not None:
        memo[key] = result
    return result


def evaluate(
    f: Facts, *, today: date, policy: Policy, memo: dict[tuple[Any, ...], Any] | None = None
) -> Evaluation:
    """What applies to one offender today. ``memo`` (one dict per run) shares the results of the pure
    rules between offenders with the same inputs; each entry is keyed by everything its rule reads."""
    deadline = notification_deadline(f, policy=policy, memo=memo)
    missed = (
        rules.missed_notifications([deadline], f.notifications, as_of=today) if deadline is not None else ()
    )
    changes = change_notifications(f, today=today, policy=policy)
    # As with a missed annual notification: a s.84 deadline passed with nothing notified is a continuing
    # failure that opens the breach step; once notified (even late) the step no longer applies.
    missed = (
        *missed,
        *(c.consideration for c in changes if c.status is ChangeStatus.MISSED and c.consideration),
    )
    ladder = _quiet_ladder(f, today=today, missed=bool(missed), policy=policy, memo=memo) or _full_ladder(
        f, today=today, missed=missed, policy=policy, memo=memo
    )
    wanted: list[WantedTask] = []
    for step in ladder.steps:
        kind = STEP_TASK.get(step.step)
        if kind is None:
            continue
        owner = _owner(f, step.owners[0])
        watcher = None
        if kind == TaskKind.OVERDUE_ALERT:
            watcher = f.ds_id
        elif kind in (TaskKind.BREACH_CASE, TaskKind.S96B_CONSIDERATION):
            watcher = f.di_id if owner != f.di_id else f.ds_id
        first_due = min((a.due for a in step.actions if a.due is not None), default=None)
        detail = partial(_step_detail, step, ladder.s96b if kind == TaskKind.S96B_CONSIDERATION else None)
        wanted.append(
            WantedTask(
                f.id,
                kind,
                step.since,
                owner,
                watcher,
                first_due,
                step.reason[:300],
                step.basis,
                step.policy_version or policy.version,
                detail,
            )
        )
    due_now: list[WantedTask] = []
    if deadline is not None and deadline.due is not None and not missed:
        alert_from = deadline.alert_from or deadline.due - timedelta(days=7)
        if today >= alert_from:
            due_now.append(
                WantedTask(
                    f.id,
                    TaskKind.NOTIFICATION_DUE,
                    deadline.due,
                    f.lead_id,
                    None,
                    deadline.due,
                    f"{deadline.kind} notification due {deadline.due.isoformat()}",
                    deadline.basis,
                    deadline.policy_version or policy.version,
                    {"kind": deadline.kind.value},
                )
            )
    for c in changes:
        if c.status is ChangeStatus.OUTSTANDING and c.deadline.due is not None:
            due_now.append(
                WantedTask(
                    f.id,
                    TaskKind.NOTIFICATION_DUE,
                    c.deadline.due,
                    f.lead_id,
                    None,
                    c.deadline.due,
                    f"s.84 change notification due {c.deadline.due.isoformat()} ({c.label})",
                    c.basis,
                    c.policy_version or policy.version,
                    {
                        "kind": c.deadline.kind.value,
                        "change": c.label,
                        "event": c.event_date.isoformat(),
                    },
                )
            )
    if due_now:  # one open "notification due" task per offender: the earliest deadline
        wanted.append(min(due_now, key=lambda w: (w.due or date.max, w.kind)))
    review_soon = int(policy.get("offenders.visits.due_soon_days"))
    if f.arms_next_review is not None and today >= f.arms_next_review - timedelta(days=review_soon):
        key = "offenders.risk.arms_review_max_months"
        wanted.append(
            WantedTask(
                f.id,
                TaskKind.RISK_REVIEW,
                f.arms_next_review,
                f.lead_id,
                None,
                f.arms_next_review,
                f"ARMS review due {f.arms_next_review.isoformat()}",
                f"APP ARMS: review annually or on significant change; {policy.basis(key)}",
                policy.version,
                {},
            )
        )
    return Evaluation(f, ladder, deadline, wanted, changes)


def run(
    *, today: date, offender_ids: Sequence[int] | None = None, actor: Any = None, workers: int | None = None
) -> tuple[dict[str, int], int]:
    """Evaluate and reconcile; returns (created per escalation type, offenders checked).

    The register's rows are read once, here; building the facts, evaluating and planning (all pure) is
    split over ``workers`` forked processes, each taking the offenders whose id falls in its part, when
    there are enough offenders to repay the fork (default: every core, see `sweep_workers`); the writes
    happen here, in the caller's transaction.
    """
    policy = current_policy()
    reg = read_register(offender_ids)
    n = sweep_workers(len(reg.offenders)) if workers is None else max(1, workers)
    if n == 1:
        out = _plan_part(reg, 0, 1, today, policy)
    else:
        out = reconcile.Plan()
        for part in forked_map(_plan_part, [(reg, i, n, today, policy) for i in range(n)]):
            out.merge(part)
    return reconcile.apply(out, today=today, actor=actor), len(reg.offenders)


def sweep_workers(offenders: int) -> int:
    """Processes for a sweep of this many offenders: one below `PARALLEL_FROM`, else the usable cores
    (``CUSTOS_SWEEP_WORKERS`` overrides: 1 turns the parallel sweep off)."""
    configured = int(os.environ.get("CUSTOS_SWEEP_WORKERS", "0") or 0)
    if configured:
        return max(1, configured)
    if offenders < PARALLEL_FROM or not hasattr(os, "fork"):
        return 1
    return max(1, min(len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1, 8))


def _plan_part(reg: Register, part: int, parts: int, today: date, policy: Policy) -> reconcile.Plan:
    """Build, evaluate and plan one part of the register (run in a forked worker when parts > 1)."""
    memo: dict[tuple[Any, ...], Any] = {}
    with paused_gc():  # hundreds of thousands of short-lived objects, none in a cycle
        existing = reconcile.existing_from(reg.tasks, part, parts)
        facts = build_facts(reg, part, parts)
        out = reconcile.plan((evaluate(f, today=today, policy=policy, memo=memo) for f in facts), existing)
    keep_until_exit(facts, existing, memo)  # a forked worker exits next: no need to free them one by one
    return out


def group_by_offender(rows: Iterable[tuple[int, Any]]) -> dict[int, list[Any]]:
    out: dict[int, list[Any]] = defaultdict(list)
    for oid, value in rows:
        out[oid].append(value)
    return out
