"""Allocation writes: engine runs (batch or one crime), supervisor overrides, the supervisor queue.

The engine decides on a snapshot; the commit re-checks everything that could have changed since, one
crime at a time, so two runs, or a run and a manual change, can never double-allocate a crime or push an
investigator past a cap:
- the crime: ``UPDATE crime SET officer=… WHERE id=… AND officer IS NULL AND version=…`` (zero rows: someone
  else got there first, and the crime is reported as a conflict, not allocated twice);
- the investigator: their row is locked (``SELECT … FOR UPDATE`` on PostgreSQL; SQLite serialises writers)
  and their caseload and weighted load are re-read under the lock and tested against both caps.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from custos.accounts.roles import Role
from custos.allocation import access as conflict_access
from custos.allocation import inputs
from custos.allocation.engine import (
    ENGINE_VERSION,
    Allocation,
    AllocationRun,
    Investigator,
    Progress,
    Supervisor,
    allocate_batch,
    allocate_single,
    caseload_cap,
    crime_weight,
    validate_override,
    weighted_cap,
)
from custos.allocation.models import Allocation as AllocationRow
from custos.allocation.models import AllocationKind, ConflictKind, ConflictOfInterest, QueueEntry, RunMode
from custos.allocation.models import AllocationRun as RunRow
from custos.core import audit
from custos.core.access import scope_of
from custos.core.concurrency import update_if_version
from custos.core.history import history_snapshot
from custos.core.policy import Policy, current_policy
from custos.crimes.models import Crime, CrimeStatus
from custos.workforce.models import Borough, Person

NOT_A_SUPERVISOR = "Only investigation supervisors and detective inspectors may run or override allocation."
OUTSIDE_BOROUGH = "You supervise another borough."
CONFLICT_TAKEN = "conflict: the crime was allocated or changed by someone else during this run"
CONFLICT_CAP = "conflict: {officer} reached a cap during this run ({detail}); left for the next run"
CRIME_NOT_OPEN = "The crime is finalised; it cannot be allocated."
CRIME_ALREADY_ALLOCATED = "The crime is already allocated; a supervisor override can move it."
OVERRIDE_STALE = "The crime changed since you opened it; reload and try again."
OFFICER_NOT_INVESTIGATOR = "That person is not an active investigator."
CONFLICT_DECLARED = (
    "conflict: {officer} declared a conflict of interest with the crime during this run; "
    "left for the next run"
)
CONFLICT_NOT_ALLOWED = "You cannot record or withdraw conflicts of interest for this officer."
CONFLICT_NEEDS_REASON = "Say why there is a conflict of interest."
CONFLICT_NEEDS_CRIME = "Name the crime the conflict is with."
CONFLICT_NEEDS_NAME = "Give the suspect's or victim's name."
CONFLICT_NEEDS_SERIES = "Give the linked series."
CONFLICT_UNKNOWN_KIND = "A conflict is with a crime, a suspect or victim by name, or a linked series."
CONFLICT_DUPLICATE = "This officer already has an active conflict of interest with {target}."
CONFLICT_WITHDRAWAL_NEEDS_REASON = "Say why the conflict of interest no longer applies."
CONFLICT_ALREADY_WITHDRAWN = "This conflict of interest has already been withdrawn."
EPS = 1e-9

SUPERVISOR_ROLES = (Role.INVESTIGATION_SUPERVISOR, Role.DETECTIVE_INSPECTOR, Role.ADMINISTRATOR)


def can_allocate(user: Any, borough_id: int | None) -> bool:
    s = scope_of(user)
    if s.is_admin:
        return True
    if not s.has(Role.INVESTIGATION_SUPERVISOR, Role.DETECTIVE_INSPECTOR):
        return False
    return borough_id is None or s.borough_id == borough_id


def can_override(user: Any, borough_id: int) -> bool:
    """Overrides are a supervisor's decision: a named supervisor in the crime's borough."""
    s = scope_of(user)
    return (
        s.person_id is not None
        and s.has(Role.INVESTIGATION_SUPERVISOR, Role.DETECTIVE_INSPECTOR)
        and s.borough_id == borough_id
    )


@dataclass
class RunResult:
    policy_version: str
    engine_version: str
    dry_run: bool
    allocations: list[Allocation] = field(default_factory=list)
    unallocated: list[tuple[str, str]] = field(default_factory=list)
    run_id: int | None = None
    solver: dict[str, Any] = field(default_factory=dict)  # how the engine stopped (see solver_record)

    def to_json_dict(self) -> dict[str, Any]:
        """The `custos allocate --json` contract: exactly these keys, in this order."""
        return {
            "policy_version": self.policy_version,
            "allocations": [
                {
                    "crime": a.crime,
                    "officer": a.officer,
                    "required_pip": a.required_pip,
                    "officer_pip": a.officer_pip,
                    "specialism": a.specialism,
                    "officer_specialisms": list(a.officer_specialisms),
                    "load_before": round(a.load_before, 6),
                    "load_after": round(a.load_after, 6),
                    "cap": round(a.cap, 6),
                    "reasons": list(a.reasons),
                }
                for a in self.allocations
            ],
            "unallocated": [{"crime": c, "reason": r} for c, r in self.unallocated],
        }

    def to_record(self) -> dict[str, Any]:
        """The contract plus how it was decided: what a job stores and the API's run endpoint returns."""
        return {
            **self.to_json_dict(),
            "engine_version": self.engine_version,
            "dry_run": self.dry_run,
            "run_id": self.run_id,
            "solver": self.solver,
        }


def solver_record(run: AllocationRun) -> dict[str, Any]:
    """What the run record keeps of how the engine stopped: which limit (the proven gap, the deterministic
    node limit, or the wall-clock safety net), the proven relative gap, whether the same inputs always give
    this answer, and the policy keys that governed it."""
    st = run.stats
    if st is None:
        return {}
    return {
        "method": st.method,
        "status": st.status,
        "stopped_by": st.stopped_by,
        # None when nothing was proven (inf) or nothing was to prove (nan, the greedy baseline).
        "mip_gap": round(st.mip_gap, 8) if math.isfinite(st.mip_gap) else None,
        "deterministic": st.deterministic,
        "basis": list(st.basis),
        "seconds": round(st.seconds, 3),
    }


def allocation_run(
    *,
    actor: Any,
    borough: Borough | None = None,
    crime: Crime | None = None,
    dry_run: bool = False,
    today: date | None = None,
    policy: Policy | None = None,
    progress: Progress | None = None,
) -> RunResult:
    """Allocate every unallocated crime (in a borough, or force-wide), or one crime, and commit safely.

    ``progress(what, done, total)`` hears of the batch's solves and of each allocation committed."""
    if actor is not None and not can_allocate(
        actor, (crime.borough_id if crime else borough.pk if borough else None)
    ):
        raise PermissionError(NOT_A_SUPERVISOR)
    policy = policy or current_policy()
    today = today or timezone.localdate()
    if crime is not None:
        if crime.status != CrimeStatus.OPEN:
            raise ValidationError(CRIME_NOT_OPEN)
        if crime.officer_id is not None:
            raise ValidationError(CRIME_ALREADY_ALLOCATED)
    data = inputs.build_inputs(
        borough=borough, today=today, policy=policy, crime_ids=[crime.pk] if crime is not None else None
    )
    if crime is not None and data.crimes:
        run = allocate_single(data.crimes[0], data.investigators, data.supervisors, policy=policy)
    else:
        run = allocate_batch(
            data.crimes, data.investigators, data.supervisors, policy=policy, progress=progress
        )
    result = RunResult(run.policy_version, run.engine_version, dry_run, solver=solver_record(run))
    if dry_run:
        result.allocations = list(run.allocations)
        result.unallocated = [(u.crime, u.reason) for u in run.unallocated]
        return result
    return _commit(
        actor=actor,
        run=run,
        data=data,
        borough=borough,
        single=crime is not None,
        today=today,
        policy=policy,
        result=result,
        progress=progress,
    )


def _commit(
    *,
    actor: Any,
    run: AllocationRun,
    data: inputs.EngineInputs,
    borough: Borough | None,
    single: bool,
    today: date,
    policy: Policy,
    result: RunResult,
    progress: Progress | None = None,
) -> RunResult:
    user = actor if getattr(actor, "is_authenticated", False) else None
    row = RunRow.objects.create(
        actor=user,
        mode=RunMode.SINGLE if single else RunMode.BATCH,
        borough=borough,
        policy_version=run.policy_version,
        engine_version=run.engine_version,
        crimes_considered=len(data.crimes),
        stats=result.solver,
    )
    officers = {o.id: o for o in data.investigators}
    crimes = {c.id: c for c in data.crimes}
    conflicts = 0
    for n, a in enumerate(run.allocations):
        if progress is not None and n % 50 == 0:
            progress("allocations committed", n, len(run.allocations))
        problem = _commit_one(
            actor=user,
            run=row,
            allocation=a,
            crime_row=data.crime_rows[a.crime],
            officer_pk=data.officer_pk[a.officer],
            snapshot=officers[a.officer],
            weight=crime_weight(
                crimes[a.crime].tier,
                crimes[a.crime].enhanced_victim,
                crimes[a.crime].open_lines_of_enquiry,
                policy=policy,
            ),
            today=today,
            policy=policy,
        )
        if problem is None:
            result.allocations.append(a)
        else:
            conflicts += 1
            result.unallocated.append((a.crime, problem))
    if progress is not None and run.allocations:
        progress("allocations committed", len(run.allocations), len(run.allocations))
    for u in run.unallocated:
        pk, _ = data.crime_rows[u.crime]
        QueueEntry.objects.update_or_create(
            crime_id=pk,
            defaults={"reason": u.reason, "failures": u.failures, "policy_version": run.policy_version},
        )
        result.unallocated.append((u.crime, u.reason))
    result.unallocated.sort()
    RunRow.objects.filter(pk=row.pk).update(
        allocated=len(result.allocations), unallocated=len(result.unallocated), conflicts=conflicts
    )
    audit.record(
        actor=user,
        action="custos.allocation.run",
        obj=row,
        changes={
            "allocated": len(result.allocations),
            "unallocated": len(result.unallocated),
            "conflicts": conflicts,
            "policy_version": run.policy_version,
        },
    )
    result.run_id = row.pk
    return result


def _commit_one(
    *,
    actor: Any,
    run: RunRow,
    allocation: Allocation,
    crime_row: tuple[int, int],
    officer_pk: int,
    snapshot: Investigator,
    weight: float,
    today: date,
    policy: Policy,
) -> str | None:
    crime_pk, version = crime_row
    with transaction.atomic():
        officer = Person.objects.select_for_update().get(pk=officer_pk)
        held, load = inputs.officer_load(officer_pk, today=today, policy=policy)
        n_cap = caseload_cap(snapshot, policy=policy)
        w_cap = weighted_cap(snapshot, policy=policy)
        if held + 1 > n_cap:
            return CONFLICT_CAP.format(officer=allocation.officer, detail=f"{held} open crimes, cap {n_cap}")
        if load + weight > w_cap + EPS:
            return CONFLICT_CAP.format(
                officer=allocation.officer, detail=f"weighted load {load:.2f} + {weight:.2f} over {w_cap:.2f}"
            )
        # A conflict declared after the snapshot binds too (the declaration is not locked by the run).
        if ConflictOfInterest.objects.filter(officer_id=officer_pk, withdrawn_at__isnull=True).exists():
            current = Crime.objects.filter(pk=crime_pk).first()
            if current is not None and inputs.conflicted_officers([current], officer_id=officer_pk):
                return CONFLICT_DECLARED.format(officer=allocation.officer)
        now = timezone.now()
        updated = Crime.objects.filter(
            pk=crime_pk, officer__isnull=True, status=CrimeStatus.OPEN, version=version
        ).update(officer=officer, allocated_at=now, version=F("version") + 1)
        if updated != 1:
            return CONFLICT_TAKEN
        crime = Crime.objects.get(pk=crime_pk)
        history_snapshot(crime, actor)
        AllocationRow.objects.filter(crime_id=crime_pk, current=True).update(current=False)
        row = AllocationRow.objects.create(
            run=run,
            crime=crime,
            officer=officer,
            kind=AllocationKind.ENGINE,
            explanation=allocation.to_json_dict(),
            policy_version=run.policy_version,
            engine_version=run.engine_version,
            actor=actor,
        )
        QueueEntry.objects.filter(crime_id=crime_pk).delete()
        _start_investigation(actor=actor, crime=crime, officer=officer, today=today, policy=policy)
        audit.record(
            actor=actor,
            action="custos.allocation.created",
            obj=row,
            changes={
                "crime": crime.reference,
                "officer": officer.staff_number,
                "policy_version": run.policy_version,
                "engine_version": run.engine_version,
            },
        )
    return None


def _start_investigation(*, actor: Any, crime: Crime, officer: Person, today: date, policy: Policy) -> None:
    from custos.investigations.services import plan_create

    plan_create(actor=actor, crime=crime, owner=officer, allocated_on=today, policy=policy)


@transaction.atomic
def allocation_override(
    *,
    actor: Any,
    crime: Crime,
    officer: Person,
    rationale: str,
    expected_version: int | None = None,
    today: date | None = None,
    policy: Policy | None = None,
) -> AllocationRow:
    """A supervisor places a crime with an investigator, against the engine if need be, with a reason."""
    if not can_override(actor, crime.borough_id):
        raise PermissionError(NOT_A_SUPERVISOR)
    policy = policy or current_policy()
    today = today or timezone.localdate()
    if crime.status != CrimeStatus.OPEN:
        raise ValidationError(CRIME_NOT_OPEN)
    supervisor = Person.objects.get(pk=int(scope_of(actor).person_id or 0))
    # The same people the override page offers: investigators who may hold the crime's borough's crimes.
    if not Person.objects.filter(inputs.investigator_q(crime.borough), pk=officer.pk).exists():
        raise ValidationError({"officer": [OFFICER_NOT_INVESTIGATOR]})
    investigators, _, _ = inputs.build_investigators(
        borough=None, today=today, policy=policy, only=[officer.pk]
    )
    if not investigators or not officer.active:
        raise ValidationError({"officer": [OFFICER_NOT_INVESTIGATOR]})
    target = investigators[0]
    refs = crime.suspects.exclude(offender_reference="").values_list("offender_reference", flat=True)
    # A declared conflict is a hard constraint like any other: the override may set it aside, and the
    # break is recorded with the supervisor's rationale.
    conflicts = inputs.conflicted_officers([crime], officer_id=officer.pk).get(crime.pk, ())
    to_allocate = inputs.crime_to_allocate(crime, refs, today=today, conflicts=conflicts)
    decision = validate_override(
        to_allocate,
        target,
        supervisor_id=supervisor.staff_number,
        rationale=rationale,
        supervisors=[Supervisor(id=supervisor.staff_number, span_of_control=supervisor.supervisees.count())],
        policy=policy,
    )
    if not decision.valid:
        raise ValidationError({"rationale": list(decision.errors)})
    Person.objects.select_for_update().filter(pk=officer.pk).first()
    previous = crime.officer_id
    update_if_version(
        Crime.objects.filter(status=CrimeStatus.OPEN),
        crime.pk,
        crime.version if expected_version is None else expected_version,
        {"officer": officer, "allocated_at": timezone.now()},
        OVERRIDE_STALE,
    )
    crime.refresh_from_db()
    history_snapshot(crime, actor)
    AllocationRow.objects.filter(crime=crime, current=True).update(current=False)
    breaks = [{"code": f.code, "detail": f.detail, "basis": f.basis} for f in decision.breaks]
    row = AllocationRow.objects.create(
        crime=crime,
        officer=officer,
        previous_officer_id=previous,
        kind=AllocationKind.OVERRIDE,
        explanation={
            "reasons": [f"supervisor override by {supervisor}: {decision.rationale}"],
            "binding": [b["detail"] for b in breaks],
            "basis": decision.basis,
        },
        supervisor=supervisor,
        rationale=decision.rationale,
        breaks=breaks,
        policy_version=decision.policy_version,
        engine_version=ENGINE_VERSION,
        actor=actor,
    )
    QueueEntry.objects.filter(crime=crime).delete()
    if not hasattr(crime, "plan"):
        _start_investigation(actor=actor, crime=crime, officer=officer, today=today, policy=policy)
    elif previous is not None and previous != officer.pk:
        from custos.investigations.services import plan_hand_over

        plan_hand_over(actor=actor, crime=crime, previous_id=previous, officer=officer)
    audit.record(
        actor=actor,
        action="custos.allocation.overridden",
        obj=row,
        changes={
            "crime": crime.reference,
            "officer": officer.staff_number,
            "previous_officer_id": previous,
            "rationale": decision.rationale,
            "breaks": breaks,
            "policy_version": decision.policy_version,
        },
    )
    return row


# -- conflicts of interest ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ConflictIn:
    kind: str
    reason: str
    crime: Crime | None = None
    person_name: str = ""
    series_id: str = ""


def _conflict_errors(c: ConflictIn) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if c.kind not in ConflictKind.values:
        errors["kind"] = [CONFLICT_UNKNOWN_KIND]
    elif c.kind == ConflictKind.CRIME and c.crime is None:
        errors["crime"] = [CONFLICT_NEEDS_CRIME]
    elif c.kind == ConflictKind.PERSON and not inputs.name_key(c.person_name):
        errors["person_name"] = [CONFLICT_NEEDS_NAME]
    elif c.kind == ConflictKind.SERIES and not c.series_id.strip():
        errors["series_id"] = [CONFLICT_NEEDS_SERIES]
    if not c.reason.strip():
        errors["reason"] = [CONFLICT_NEEDS_REASON]
    return errors


def _conflict_snapshot(row: ConflictOfInterest) -> dict[str, Any]:
    return {
        "officer": row.officer.staff_number,
        "kind": row.kind,
        "crime": row.crime.reference if row.crime else None,
        "person_name": row.person_name,
        "series_id": row.series_id,
        "reason": row.reason,
    }


@transaction.atomic
def conflict_declare(*, actor: Any, officer: Person, conflict: ConflictIn) -> ConflictOfInterest:
    """Record an officer's conflict of interest; from now on the engine never gives them such a crime."""
    if not conflict_access.can_declare_for(scope_of(actor), officer):
        raise PermissionError(CONFLICT_NOT_ALLOWED)
    errors = _conflict_errors(conflict)
    if errors:
        raise ValidationError(errors)
    kind = ConflictKind(conflict.kind)
    values: dict[str, Any] = {"kind": kind}
    if kind == ConflictKind.CRIME:
        values["crime"] = conflict.crime
    elif kind == ConflictKind.PERSON:
        values["person_name"] = " ".join(conflict.person_name.split())
        values["name_key"] = inputs.name_key(conflict.person_name)
    else:
        values["series_id"] = conflict.series_id.strip()
    # Serialise declarations for one officer so that two identical ones cannot both pass the check.
    Person.objects.select_for_update().filter(pk=officer.pk).first()
    same = {k: v for k, v in values.items() if k != "person_name"}
    if ConflictOfInterest.objects.filter(officer=officer, withdrawn_at__isnull=True, **same).exists():
        probe = ConflictOfInterest(officer=officer, **values)
        raise ValidationError({"__all__": [CONFLICT_DUPLICATE.format(target=probe.target)]})
    row = ConflictOfInterest.objects.create(
        officer=officer,
        reason=conflict.reason.strip(),
        declared_by=actor if getattr(actor, "is_authenticated", False) else None,
        **values,
    )
    audit.record(
        actor=actor, action="custos.conflict_of_interest.declared", obj=row, changes=_conflict_snapshot(row)
    )
    return row


@transaction.atomic
def conflict_withdraw(*, actor: Any, conflict: ConflictOfInterest, reason: str) -> ConflictOfInterest:
    """End a conflict of interest, with the reason; the officer becomes eligible again for such crimes."""
    if not conflict_access.can_withdraw(scope_of(actor), conflict):
        raise PermissionError(CONFLICT_NOT_ALLOWED)
    if not reason.strip():
        raise ValidationError({"reason": [CONFLICT_WITHDRAWAL_NEEDS_REASON]})
    user = actor if getattr(actor, "is_authenticated", False) else None
    now = timezone.now()
    updated = ConflictOfInterest.objects.filter(pk=conflict.pk, withdrawn_at__isnull=True).update(
        withdrawn_at=now, withdrawn_by=user, withdrawal_reason=reason.strip()
    )
    if updated != 1:
        raise ValidationError({"__all__": [CONFLICT_ALREADY_WITHDRAWN]})
    conflict.refresh_from_db()
    history_snapshot(conflict, actor)
    audit.record(
        actor=actor,
        action="custos.conflict_of_interest.withdrawn",
        obj=conflict,
        changes={**_conflict_snapshot(conflict), "withdrawal_reason": conflict.withdrawal_reason},
    )
    return conflict
