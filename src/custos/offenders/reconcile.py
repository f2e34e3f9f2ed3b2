"""Reconciling the ladder's evaluations with the task table: a pure plan, then one write.

`plan` decides, from the evaluations and the tasks that exist, which tasks to open and close and which
worklist columns changed; it touches no database, so the nightly sweep can plan slices of the register in
parallel processes (`ladder.run`). `apply` writes a plan inside the caller's transaction: tasks, breach
cases and their audit events in bulk, closures with the system's decision and rationale, and the worklist
columns with one ``executemany``.

Idempotent: a task exists at most once per (offender, kind, episode) and once open per (offender, kind).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from django.db import connection
from django.utils import timezone

from custos.core.bulk_read import as_date, tuples, with_dates_as_text
from custos.core.models import AuditEvent
from custos.core.policy import current_policy
from custos.offenders.models import BreachCase, Offender, OffenderTask, TaskKind, TaskStatus

if TYPE_CHECKING:
    from custos.offenders.ladder import Evaluation

# Tasks the system may close itself when their step no longer applies (the visit clock was reset).
SELF_CLOSING = frozenset(
    {TaskKind.VISIT_DUE, TaskKind.OVERDUE_ALERT, TaskKind.DI_PLAN_REQUIRED, TaskKind.NOTIFICATION_DUE}
)
ESCALATION_TYPES = (
    TaskKind.VISIT_DUE,
    TaskKind.OVERDUE_ALERT,
    TaskKind.DI_PLAN_REQUIRED,
    TaskKind.S96B_CONSIDERATION,
    TaskKind.BREACH_CASE,
    TaskKind.NOTIFICATION_DUE,
    TaskKind.RISK_REVIEW,
)
SYSTEM_DECISION = "resolved: step no longer applies"
# The worklist columns the sweep keeps (sort keys and what the lists show without re-evaluating).
STATE_COLUMNS = (
    "last_successful_visit_on",
    "next_visit_due",
    "next_notification_due",
    "ladder_rank",
    "ladder_steps",
)
# Above this many offenders the task table is read whole (one scan) rather than by an IN list.
READ_ALL_TASKS_FROM = 500


@dataclass(frozen=True)
class ExistingTasks:
    episodes: frozenset[tuple[int, str, date]]  # every (offender, kind, episode) ever opened
    open: dict[tuple[int, str], int]  # (offender, kind) -> the open task's id


def task_rows(offender_ids: Sequence[int] | None) -> list[tuple[Any, ...]]:
    """(id, offender, kind, status, episode) of the tasks of these offenders (None: everyone's), in one
    query; a long list of ids reads the whole table instead (tasks of others are never looked up)."""
    scope = OffenderTask.objects.all()
    if offender_ids is not None and len(offender_ids) <= READ_ALL_TASKS_FROM:
        scope = scope.filter(offender_id__in=list(offender_ids))
    return list(tuples(with_dates_as_text(scope, ("id", "offender_id", "kind", "status"), ("episode",))))


def existing_from(rows: Iterable[tuple[Any, ...]], part: int = 0, parts: int = 1) -> ExistingTasks:
    """The tasks in ``rows`` of the offenders in one part of the register (offender id % parts == part)."""
    episodes: set[tuple[int, str, date]] = set()
    open_tasks: dict[tuple[int, str], int] = {}
    for pk, oid, kind, status, episode in rows:
        if parts > 1 and oid % parts != part:
            continue
        episode = as_date(episode)
        episodes.add((oid, kind, episode))
        if status == TaskStatus.OPEN:
            open_tasks[(oid, kind)] = pk
    return ExistingTasks(frozenset(episodes), open_tasks)


def existing_tasks(offender_ids: Sequence[int]) -> ExistingTasks:
    return existing_from(task_rows(offender_ids))


@dataclass
class Plan:
    new: list[OffenderTask] = field(default_factory=list)  # unsaved, detail built
    created: dict[str, int] = field(default_factory=lambda: {k.value: 0 for k in ESCALATION_TYPES})
    to_close: list[int] = field(default_factory=list)
    state_rows: list[tuple[Any, ...]] = field(default_factory=list)  # (*STATE_COLUMNS, offender id)

    def merge(self, other: Plan) -> Plan:
        self.new += other.new
        for kind, n in other.created.items():
            self.created[kind] = self.created.get(kind, 0) + n
        self.to_close += other.to_close
        self.state_rows += other.state_rows
        return self


def plan(evaluations: Iterable[Evaluation], existing: ExistingTasks) -> Plan:
    """What to write for these evaluations (pure): open what applies and is not open for this episode,
    close self-closing tasks of these offenders that no longer apply, and the changed worklist columns."""
    out = Plan()
    for ev in evaluations:
        oid = ev.facts.id
        wanted_kinds = set()
        for w in ev.wanted:
            wanted_kinds.add(w.kind)
            if (oid, w.kind) in existing.open or (oid, w.kind, w.episode) in existing.episodes:
                continue
            out.new.append(
                OffenderTask(
                    offender_id=oid,
                    kind=w.kind,
                    owner_id=w.owner_id,
                    watcher_id=w.watcher_id,
                    episode=w.episode,
                    due=w.due,
                    reason=w.reason,
                    basis=w.basis,
                    policy_version=w.policy_version,
                    detail=w.detail,
                )
            )
            out.created[w.kind] = out.created.get(w.kind, 0) + 1
        for kind in SELF_CLOSING - wanted_kinds:
            pk = existing.open.get((oid, kind))
            if pk is not None:
                out.to_close.append(pk)
        steps = ",".join(s.step.value for s in ev.ladder.steps)[:120]
        state = (ev.facts.last_successful, ev.ladder.due, ev.next_notification_due, ev.rank, steps)
        if ev.facts.stored != state:
            out.state_rows.append((*state, oid))
    return out


def _audit(
    action: str, task_or_case: Any, object_type: str, changes: dict[str, Any], actor: Any
) -> AuditEvent:
    user = actor if getattr(actor, "is_authenticated", False) else None
    return AuditEvent(
        actor=user,
        actor_username=getattr(user, "username", "") if user else "",
        client="sweep" if user is None else "",
        action=action,
        object_type=object_type,
        object_id=str(task_or_case.pk),
        object_repr=str(task_or_case)[:200],
        changes=changes,
    )


def apply(plan: Plan, *, today: date, actor: Any = None) -> dict[str, int]:
    """Write a plan (inside the caller's transaction); returns the tasks created per escalation type."""
    new_tasks = plan.new
    OffenderTask.objects.bulk_create(new_tasks, batch_size=2000)
    if new_tasks and new_tasks[0].pk is None:  # backends without RETURNING: fetch the ids back
        keys = {(t.offender_id, t.kind, t.episode) for t in new_tasks}
        by_key = {
            (o, k, e): pk
            for pk, o, k, e in OffenderTask.objects.filter(status="open").values_list(
                "id", "offender_id", "kind", "episode"
            )
            if (o, k, e) in keys
        }
        for t in new_tasks:
            t.pk = by_key[(t.offender_id, t.kind, t.episode)]
    events = [
        _audit(
            "custos.offender_task.opened",
            t,
            "offenders.offendertask",
            {
                "kind": t.kind,
                "offender": t.offender_id,
                "owner": t.owner_id,
                "due": str(t.due),
                "basis": t.basis,
                "policy_version": t.policy_version,
            },
            actor,
        )
        for t in new_tasks
    ]
    cases = _open_breach_cases([t for t in new_tasks if t.kind == TaskKind.BREACH_CASE], today=today)
    events += [
        _audit("custos.breach_case.opened", c, "offenders.breachcase", {"reason": c.reason}, actor)
        for c in cases
    ]
    if plan.to_close:
        rationale = (
            f"The ladder no longer applies this step on {today.isoformat()} (visit or notification recorded)."
        )
        OffenderTask.objects.filter(pk__in=plan.to_close, status=TaskStatus.OPEN).update(
            status=TaskStatus.CLOSED,
            closed_at=timezone.now(),
            decision=SYSTEM_DECISION,
            rationale=rationale,
            closed_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        for pk in plan.to_close:
            events.append(
                AuditEvent(
                    actor=actor if getattr(actor, "is_authenticated", False) else None,
                    client="sweep",
                    action="custos.offender_task.closed",
                    object_type="offenders.offendertask",
                    object_id=str(pk),
                    changes={"decision": SYSTEM_DECISION, "rationale": rationale},
                )
            )
    AuditEvent.objects.bulk_create(events, batch_size=2000)
    _store_state(plan.state_rows, today=today)
    return plan.created


def _open_breach_cases(tasks: list[OffenderTask], *, today: date) -> list[BreachCase]:
    if not tasks:
        return []
    already = set(
        BreachCase.objects.filter(status="open", offender_id__in=[t.offender_id for t in tasks]).values_list(
            "offender_id", flat=True
        )
    )
    policy = current_policy()
    review_days = int(policy.get("offenders.escalation.breach_review_days"))
    cases = []
    for t in tasks:
        if t.offender_id in already:
            continue
        actions = {a["action"]: a for a in t.detail.get("actions", [])}
        dues = [date.fromisoformat(a["due"]) for a in actions.values() if a.get("due")]
        record_by = min(dues) if dues else today + timedelta(days=1)
        cases.append(
            BreachCase(
                offender_id=t.offender_id,
                task=t,
                opened_on=today,
                reason=t.reason,
                basis=t.basis,
                policy_version=t.policy_version,
                record_by=record_by,
                decide_by=max(dues[:3]) if dues else record_by,
                next_review=today + timedelta(days=review_days),
            )
        )
    BreachCase.objects.bulk_create(cases, batch_size=2000)
    if cases and cases[0].pk is None:
        ids = dict(
            BreachCase.objects.filter(
                status="open", offender_id__in=[c.offender_id for c in cases]
            ).values_list("offender_id", "id")
        )
        for c in cases:
            c.pk = ids[c.offender_id]
    return cases


def _store_state(rows: list[tuple[Any, ...]], *, today: date) -> None:
    """Write the worklist sort keys (rank, due dates, steps) where they changed, one executemany."""
    if not rows:
        return
    table = connection.ops.quote_name(Offender._meta.db_table)
    sets = ", ".join(f"{connection.ops.quote_name(c)} = %s" for c in (*STATE_COLUMNS, "ladder_evaluated_on"))
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {table} SET {sets} WHERE id = %s", [(*r[:-1], today, r[-1]) for r in rows]
        )
