"""The escalation ladder applied to the register: facts in bulk, the pure rules, tasks reconciled.

One pass: a constant number of queries loads the plain facts of every offender in scope, the pure rules
(`custos.offenders.rules.evaluate_ladder`, `annual_notification`, `missed_notifications`) decide what applies
today, and the result is reconciled with the task table by (offender, kind, episode). The nightly sweep runs
it over the whole register; every relevant write (visit recorded, notification recorded, risk changed) runs
it for one offender inside the same transaction, so nobody waits for the night to be escalated.

Idempotent: a task exists at most once per (offender, kind, episode) and once open per (offender, kind).
Nothing is closed without a decision and rationale: visit-clock tasks that no longer apply (a successful
visit was recorded) are closed by the system with the reason stated; s.96B and breach tasks never close
here, only by an authorised person through `services.task_close`.
"""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import partial
from typing import Any

from django.db.models import Max, Q
from django.utils import timezone

from custos.core.bulk_read import as_aware, as_date, paused_gc, tuples, with_dates_as_text
from custos.core.forking import forked_map, keep_until_exit
from custos.core.policy import Policy, current_policy
from custos.offenders import reconcile, rules
from custos.offenders.change_duties import (
    ChangeRows,
    add_change_facts,
    change_notifications,
    read_change_rows,
)
from custos.offenders.models import (
    AwayPeriod,
    NotificationEvent,
    Offender,
    RiskAssessment,
    TaskKind,
    Visit,
    VisitStatus,
)
from custos.offenders.reconcile import (  # noqa: F401  (re-exported: tests and callers use ladder.*)
    ESCALATION_TYPES,
    SELF_CLOSING,
    STATE_COLUMNS,
    SYSTEM_DECISION,
)
from custos.offenders.rules.changes import (
    ChangeNotice,
    ChangeObligation,
    ChangeStatus,
    RecordedChange,
)
from custos.offenders.rules.escalation import STEP_RANK
from custos.workforce.models import Person, Team

# Ladder step -> the task it opens.
STEP_TASK = {
    rules.Step.DUE_SOON: TaskKind.VISIT_DUE,
    rules.Step.OVERDUE: TaskKind.OVERDUE_ALERT,
    rules.Step.OVERDUE_BY_INTERVAL: TaskKind.DI_PLAN_REQUIRED,
    rules.Step.CONSIDER_S96B: TaskKind.S96B_CONSIDERATION,
    rules.Step.BREACH_CASE: TaskKind.BREACH_CASE,
}
FAILED = tuple(o.value for o in rules.visits.FAILED_ENTRY)
NOTHING_DUE_RANK = 9
PARALLEL_FROM = 5000  # offenders: below this a fork and the pickled plans cost more than they save
NOTIFICATION_KIND = {k.value: k for k in rules.NotificationKind}  # a dict lookup, not an Enum() call a row


@dataclass
class Facts:
    """Everything the rules need about one offender, as plain values."""

    id: int
    reference: str
    level: str
    mode: str
    managed_since: date
    lead_id: int | None
    ds_id: int | None
    di_id: int | None
    no_fixed_abode: bool
    whereabouts_verified: bool
    unverified_since: date | None
    last_successful: date | None = None
    attempts: list[rules.VisitAttempt] = field(default_factory=list)
    away: list[rules.AwayPeriod] = field(default_factory=list)
    notifications: list[rules.NotificationEvent] = field(default_factory=list)
    arms_next_review: date | None = None
    stored: tuple[Any, ...] = ()  # the worklist columns as stored, to write only what changed
    # s.84: the first s.83 notification, the dated changes on the record and the s.84 notifications given.
    first_notified_on: date | None = None
    changes: list[RecordedChange] = field(default_factory=list)
    details: list[tuple[str, date, str]] = field(default_factory=list)  # (kind, from, label): policy decides
    stays: dict[str, list[rules.Stay]] = field(default_factory=dict)
    home_keys: set[str] = field(default_factory=set)
    change_notices: list[ChangeNotice] = field(default_factory=list)
    non_occurrence_reports: list[date] = field(default_factory=list)


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


def _people_maps() -> tuple[dict[int, Any], dict[int, tuple[Any, str]], dict[int, int]]:
    """team -> supervisor, person -> (line supervisor, rank), borough -> a DI (lowest id, stable)."""
    team_sup = dict(Team.objects.values_list("id", "supervisor_id"))
    people = {
        pk: (sup, rank)
        for pk, sup, rank in Person.objects.filter(
            Q(pk__in=Team.objects.values("supervisor_id")) | Q(rank="detective-inspector")
        ).values_list("id", "line_supervisor_id", "rank")
    }
    borough_di: dict[int, int] = {}
    for pk, borough in (
        Person.objects.filter(rank="detective-inspector", active=True)
        .order_by("pk")
        .values_list("id", "borough_id")
    ):
        borough_di.setdefault(borough, pk)
    return team_sup, people, borough_di


@dataclass(frozen=True)
class Register:
    """The rows a sweep reads, fetched in one process (`read_register`) and turned into `Facts` by
    `build_facts`, which a parallel sweep runs in forked workers, each for its part of the register: the
    database work stays in one process and one transaction, the per-row Python work is shared out."""

    team_sup: dict[int, Any]
    people: dict[int, tuple[Any, str]]
    borough_di: dict[int, int]
    lead_team: dict[int, Any]
    offenders: list[tuple[Any, ...]]
    last_successful: list[tuple[Any, ...]]  # (offender, last seen-and-entered visit)
    failed: list[tuple[Any, ...]]  # (offender, attempted at, outcome, for risk assessment, announced)
    away: list[tuple[Any, ...]]
    arms: list[tuple[Any, ...]]  # (offender, next ARMS review)
    changes: ChangeRows
    tasks: list[tuple[Any, ...]]  # `reconcile.task_rows`


OFFENDER_VALUES = (
    "id",
    "reference",
    "rosh_level",
    "management_mode",
    "lead_manager_id",
    "team_id",
    "borough_id",
    "no_fixed_abode",
    "whereabouts_verified",
    "ladder_rank",
    "ladder_steps",
)
OFFENDER_DATES = (  # read as text on SQLite (`with_dates_as_text`), parsed in `build_facts`
    "managed_since",
    "whereabouts_unverified_since",
    "last_successful_visit_on",
    "next_visit_due",
    "next_notification_due",
    "first_notification_on",
)
# `build_facts` rebuilds the stored worklist columns in this order from the row above.
assert STATE_COLUMNS == (
    "last_successful_visit_on",
    "next_visit_due",
    "next_notification_due",
    "ladder_rank",
    "ladder_steps",
), "build_facts reads the stored worklist columns in STATE_COLUMNS order"


def read_register(offender_ids: Sequence[int] | None = None) -> Register:
    """The rows behind the active offenders' facts (all of them, or those ids): a constant number of
    queries, whatever the size of the register."""
    with paused_gc():
        return _read_register(offender_ids)


def _read_register(offender_ids: Sequence[int] | None) -> Register:
    offenders = Offender.objects.filter(active=True)
    if offender_ids is not None:
        offenders = offenders.filter(pk__in=list(offender_ids))
    team_sup, people, borough_di = _people_maps()
    lead_team = dict(
        Person.objects.filter(pk__in=offenders.values("lead_manager_id")).values_list("id", "team_id")
    )
    rows = list(tuples(with_dates_as_text(offenders, OFFENDER_VALUES, OFFENDER_DATES)))
    ids = [row[0] for row in rows] if offender_ids is not None else None

    def scoped(qs: Any) -> Any:
        return qs.filter(offender_id__in=ids) if ids is not None else qs.filter(offender__active=True)

    visits = scoped(Visit.objects.filter(status=VisitStatus.RECORDED, attempted_at__isnull=False))
    # One read of the notifications serves the periodic duties (the rules take the latest that resets
    # each) and the s.84 ones (every s.83, s.84 and non-occurrence notification).
    notifications = list(
        tuples(
            with_dates_as_text(
                scoped(NotificationEvent.objects.all()), ("offender_id", "kind"), ("on", "expected_on")
            )
        )
    )
    return Register(
        team_sup=team_sup,
        people=people,
        borough_di=borough_di,
        lead_team=lead_team,
        offenders=rows,
        last_successful=list(
            tuples(
                visits.filter(outcome="seen-and-entered")
                .values("offender_id")
                .annotate(last=Max("attempted_at"))
                .values_list("offender_id", "last")
            )
        ),
        failed=list(
            tuples(
                visits.filter(outcome__in=FAILED).values_list(
                    "offender_id", "attempted_at", "outcome", "for_risk_assessment", "announced"
                )
            )
        ),
        away=list(
            tuples(scoped(AwayPeriod.objects.all()).values_list("offender_id", "kind", "start", "end"))
        ),
        arms=list(
            tuples(
                scoped(RiskAssessment.objects.filter(tool="arms", next_review__isnull=False))
                .values("offender_id")
                .annotate(n=Max("next_review"))
                .values_list("offender_id", "n")
            )
        ),
        changes=read_change_rows(scoped, notifications),
        tasks=reconcile.task_rows(ids),
    )


def build_facts(reg: Register, part: int = 0, parts: int = 1) -> list[Facts]:
    """`Facts` for the offenders in one part of the register (offender id % parts == part; all when
    ``parts`` is 1). Pure: no database access, so forked workers can build their parts side by side."""
    people, team_sup = reg.people, reg.team_sup
    facts: dict[int, Facts] = {}
    for row in reg.offenders:
        pk = row[0]
        if parts > 1 and pk % parts != part:
            continue
        _, ref, level, mode, lead, team, borough, nfa, verified, rank, steps = row[:11]
        since, unverified, last_seen, visit_due, notification_due, first = map(as_date, row[11:])
        stored = (last_seen, visit_due, notification_due, rank, steps)  # STATE_COLUMNS order
        ds = team_sup.get(reg.lead_team.get(lead)) if lead else None  # type: ignore[arg-type]
        ds = ds or (team_sup.get(team) if team else None)
        di = None
        if ds is not None:
            line, _ = people.get(ds, (None, ""))
            if line is not None and people.get(line, (None, ""))[1] == "detective-inspector":
                di = line
        di = di or reg.borough_di.get(borough)
        facts[pk] = Facts(pk, ref, level, mode, since, lead, ds, di, nfa, verified, unverified, stored=stored)
        facts[pk].first_notified_on = first
    local = timezone.get_current_timezone()
    for oid, last in reg.last_successful:
        if oid in facts:
            facts[oid].last_successful = as_aware(last).astimezone(local).date()
    for oid, at, outcome, ra, announced in reg.failed:
        f = facts.get(oid)
        if f is None:
            continue
        at = as_aware(at).astimezone(local)
        if f.last_successful is None or at.date() > f.last_successful:
            f.attempts.append(rules.VisitAttempt(at, rules.VisitOutcome(outcome), ra, announced))
    for oid, kind, start, end in reg.away:
        if oid in facts:
            facts[oid].away.append(rules.AwayPeriod(rules.AwayKind(kind), start, end))
    for oid, kind, on, _ in reg.changes.notices:
        f = facts.get(oid)
        if f is not None:
            f.notifications.append(rules.NotificationEvent(NOTIFICATION_KIND[kind], as_date(on)))
    for oid, nxt in reg.arms:
        if oid in facts:
            facts[oid].arms_next_review = as_date(nxt)
    add_change_facts(facts, reg.changes)
    return list(facts.values())


def load_facts(offender_ids: Sequence[int] | None = None) -> list[Facts]:
    """Plain facts for the active offenders (all of them, or those ids) in a constant number of queries."""
    return build_facts(read_register(offender_ids))


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
