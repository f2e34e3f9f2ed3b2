# No `from __future__ import annotations` here: django-ninja resolves parameter types at import time.
"""/api/v1/allocations: run (one crime or a batch, optionally dry), list, get, override, the queue, and
conflicts of interest (list, declare, get, withdraw), and workload (investigators, teams, boroughs,
supervisors, one officer)."""

from datetime import date, datetime
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from custos.allocation import access, jobs, selectors, services
from custos.allocation import workload_records as records
from custos.allocation.forms import WhatIfForm
from custos.allocation.models import AllocationJob
from custos.api import PageNumberPagination
from custos.core.access import not_found, scope_of
from custos.core.policy import current_policy
from custos.crimes import selectors as crime_selectors
from custos.workforce.models import Borough, Person

WHATIF_NEEDS_NUMBERS = "A what-if needs the numbers to simulate."

router = Router(tags=["allocations"])
ROUTERS = [("/allocations", router)]


class RunIn(Schema):
    crime_id: int | None = None
    borough: str = ""
    dry_run: bool = False


class AllocationItem(Schema):
    crime: str
    officer: str
    required_pip: int
    officer_pip: int
    specialism: str | None
    officer_specialisms: list[str]
    load_before: float
    load_after: float
    cap: float
    reasons: list[str]


class UnallocatedItem(Schema):
    crime: str
    reason: str


class RunOut(Schema):
    policy_version: str
    engine_version: str
    dry_run: bool
    run_id: int | None
    solver: dict[str, Any]
    allocations: list[AllocationItem]
    unallocated: list[UnallocatedItem]


class AllocationOut(Schema):
    id: int
    crime_id: int
    crime: str = Field(..., alias="crime.reference")
    officer_id: int
    kind: str
    current: bool
    explanation: dict[str, Any]
    supervisor_id: int | None
    rationale: str
    breaks: list[dict[str, Any]]
    policy_version: str
    engine_version: str
    created_at: datetime

    @staticmethod
    def resolve_explanation(obj: Any, context: Any) -> dict[str, Any]:
        # Linked crimes the caller may not open are counted, never named (as on the pages).
        reasons = selectors.reasons_for_reader(
            obj.explanation.get("reasons") or (), actor=context["request"].user
        )
        return {**obj.explanation, "reasons": reasons}


class OverrideIn(Schema):
    crime_id: int
    officer_id: int
    rationale: str
    version: int | None = None


class QueueOut(Schema):
    crime_id: int
    crime: str = Field(..., alias="crime.reference")
    tier: str = Field(..., alias="crime.tier")
    reason: str
    failures: dict[str, int]
    policy_version: str
    first_queued_at: datetime


def _batch_borough(request: HttpRequest, code: str) -> Borough | None:
    """The borough a batch is for: the named one, else the supervisor's own (only administrators run
    force-wide). A borough the caller may not allocate in is 404, as for any record outside their view."""
    borough = None
    if code:
        borough = Borough.objects.filter(code=code).first()
        if borough is None:
            raise ValidationError({"borough": [f"unknown borough {code!r}"]})
    scope = scope_of(request.user)
    if borough is None and not scope.is_admin:
        borough = Borough.objects.filter(pk=scope.borough_id or 0).first()
        if borough is None:
            raise not_found()
    if not services.can_allocate(request.user, borough.pk if borough else None):
        raise not_found()
    return borough


@router.post("/run", response=RunOut)
def run_allocation(request: HttpRequest, payload: RunIn) -> Any:
    """One crime now, or a batch in this request (a borough's batch can take minutes: use /jobs)."""
    if payload.crime_id:
        crime = crime_selectors.crime_get(actor=request.user, pk=payload.crime_id)
        if not services.can_allocate(request.user, crime.borough_id):
            raise not_found()
        result = services.allocation_run(actor=request.user, crime=crime, dry_run=payload.dry_run)
    else:
        borough = _batch_borough(request, payload.borough)
        result = services.allocation_run(actor=request.user, borough=borough, dry_run=payload.dry_run)
    return result.to_record()


class WhatIfIn(Schema):
    caseload_red: int
    probationer_caseload_red: int
    weighted_load_cap: float
    tier_weight_t1: float
    tier_weight_t2: float
    tier_weight_t3: float
    enhanced_victim_factor: float


class JobIn(Schema):
    kind: Literal["run", "whatif"] = "run"
    borough: str = ""
    dry_run: bool = False
    what_if: WhatIfIn | None = None


class JobOut(Schema):
    id: int
    kind: str
    status: str
    borough: str | None = Field(None, alias="borough.code")
    dry_run: bool
    parameters: dict[str, Any]
    run_id: int | None
    error: str
    result: dict[str, Any] | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None


@router.post("/jobs", response={202: JobOut})
def request_job(request: HttpRequest, payload: JobIn) -> Any:
    """Queue a batch run or a what-if for the worker; poll GET /jobs/{id} until it is done or failed."""
    borough = _batch_borough(request, payload.borough)
    if payload.kind == "run":
        job = jobs.request_run(actor=request.user, borough=borough, dry_run=payload.dry_run)
    else:
        if payload.what_if is None:
            raise ValidationError({"what_if": [WHATIF_NEEDS_NUMBERS]})
        form = WhatIfForm(data=payload.what_if.dict())
        if not form.is_valid():
            raise ValidationError({f"what_if.{k}": v for k, v in form.errors.items()})
        job = jobs.request_whatif(actor=request.user, borough=borough, changes=form.changes(current_policy()))
    return Status(202, job)


@router.get("/jobs", response=list[JobOut])
@paginate(PageNumberPagination)
def list_jobs(request: HttpRequest) -> Any:
    """The caller's own jobs, newest first."""
    if not services.can_allocate(request.user, None):
        raise not_found()
    return AllocationJob.objects.filter(requested_by_id=request.user.pk).select_related("borough")


@router.get("/jobs/{job_id}", response=JobOut)
def get_job(request: HttpRequest, job_id: int) -> Any:
    job = AllocationJob.objects.select_related("borough").filter(pk=job_id).first()
    if job is None or not jobs.can_view(request.user, job):
        raise not_found()
    return job


@router.get("", response=list[AllocationOut])
@paginate(PageNumberPagination, page_size=50)
def list_allocations(request: HttpRequest, kind: str = "", crime_id: int | None = None) -> Any:
    if not services.can_allocate(request.user, None):
        raise not_found()
    return selectors.allocations(actor=request.user, kind=kind, crime_id=crime_id)


@router.get("/queue", response=list[QueueOut])
@paginate(PageNumberPagination, page_size=50)
def allocation_queue(request: HttpRequest, borough: str = "") -> Any:
    if not services.can_allocate(request.user, None):
        raise not_found()
    return selectors.queue(actor=request.user, borough=borough)


@router.post("/override", response={201: AllocationOut})
def override_allocation(request: HttpRequest, payload: OverrideIn) -> Any:
    crime = crime_selectors.crime_get(actor=request.user, pk=payload.crime_id)
    if not services.can_override(request.user, crime.borough_id):
        raise not_found()
    officer = Person.objects.filter(pk=payload.officer_id).first()
    if officer is None:
        raise ValidationError({"officer_id": [services.OFFICER_NOT_INVESTIGATOR]})
    row = services.allocation_override(
        actor=request.user,
        crime=crime,
        officer=officer,
        rationale=payload.rationale,
        expected_version=payload.version,
    )
    return Status(201, selectors.allocation_get(actor=request.user, pk=row.pk))


class ConflictOut(Schema):
    id: int
    officer_id: int
    officer: str = Field(..., alias="officer.staff_number")
    kind: str
    crime_id: int | None
    crime: str | None
    person_name: str
    series_id: str
    reason: str
    declared_by: str | None
    declared_at: datetime
    active: bool
    withdrawn_at: datetime | None
    withdrawn_by: str | None
    withdrawal_reason: str

    @staticmethod
    def resolve_crime(obj: Any) -> str | None:
        return obj.crime.reference if obj.crime else None

    @staticmethod
    def resolve_declared_by(obj: Any) -> str | None:
        return obj.declared_by.username if obj.declared_by else None

    @staticmethod
    def resolve_withdrawn_by(obj: Any) -> str | None:
        return obj.withdrawn_by.username if obj.withdrawn_by else None


class ConflictIn(Schema):
    officer_id: int
    kind: str = Field(..., description="crime, person or series")
    crime_id: int | None = None
    person_name: str = Field("", max_length=160)
    series_id: str = Field("", max_length=40)
    reason: str = Field(..., max_length=2000)


class WithdrawIn(Schema):
    reason: str = Field(..., max_length=2000)


def _require_personal(request: HttpRequest) -> None:
    if not scope_of(request.user).sees_personal_data:
        raise not_found()


@router.get("/conflicts", response=list[ConflictOut])
@paginate(PageNumberPagination, page_size=50)
def list_conflicts(
    request: HttpRequest,
    officer_id: int | None = None,
    crime_id: int | None = None,
    status: str = "active",
) -> Any:
    _require_personal(request)
    active = {"active": True, "withdrawn": False}.get(status)
    rows = selectors.conflicts(actor=request.user, officer_id=officer_id, crime_id=crime_id, active=active)
    selectors.conflicts_searched(
        actor=request.user,
        query={"officer_id": officer_id, "crime_id": crime_id, "status": status},
        result_count=rows.count(),
    )
    return rows


@router.post("/conflicts", response={201: ConflictOut})
def declare_conflict(request: HttpRequest, payload: ConflictIn) -> Any:
    _require_personal(request)
    s = scope_of(request.user)
    officer = Person.objects.filter(pk=payload.officer_id).first()
    if officer is None or not access.can_declare_for(s, officer):
        raise not_found()
    crime = crime_selectors.crime_get(actor=request.user, pk=payload.crime_id) if payload.crime_id else None
    row = services.conflict_declare(
        actor=request.user,
        officer=officer,
        conflict=services.ConflictIn(
            kind=payload.kind,
            reason=payload.reason,
            crime=crime,
            person_name=payload.person_name,
            series_id=payload.series_id,
        ),
    )
    return Status(201, selectors.conflicts(actor=request.user, active=None).get(pk=row.pk))


@router.get("/conflicts/{conflict_id}", response=ConflictOut)
def get_conflict(request: HttpRequest, conflict_id: int) -> Any:
    return selectors.conflict_get(actor=request.user, pk=conflict_id)


@router.post("/conflicts/{conflict_id}/withdraw", response=ConflictOut)
def withdraw_conflict(request: HttpRequest, conflict_id: int, payload: WithdrawIn) -> Any:
    row = selectors.conflicts(actor=request.user, active=None).filter(pk=conflict_id).first()
    if row is None or not access.can_withdraw(scope_of(request.user), row):
        raise not_found()
    services.conflict_withdraw(actor=request.user, conflict=row, reason=payload.reason)
    return selectors.conflicts(actor=request.user, active=None).get(pk=row.pk)


# -- workload (the /allocation/workload/ pages as data) ----------------------------------------------


class WorkloadInvestigatorOut(Schema):
    person_id: int
    name: str
    staff_number: str
    borough: str
    borough_name: str
    team_id: int | None
    team: str
    pip_level: int
    probationer: bool
    open_crimes: int
    weighted_load: float
    caseload_amber: int = Field(..., description="amber above this many open crimes (probationers' own)")
    caseload_red: int = Field(..., description="red above this many open crimes (probationers' own)")
    weighted_load_cap: float
    rag: Literal["green", "amber", "red"]
    rag_basis: str = Field(..., description="the policy threshold that decided the RAG status")
    over_25: bool = Field(..., description="holds more crimes than the red threshold, probationer or not")
    over_25_basis: str
    oldest_days: int
    ages: dict[str, int] = Field(..., description="open crimes per age band, youngest band first")
    policy_version: str


class WorkloadGroupOut(Schema):
    view: Literal["team", "borough"]
    id: int | None = Field(..., description="team or borough id (null: investigators in no team)")
    name: str
    investigators: int
    open_crimes: int
    mean_open_crimes: float
    weighted_load: float
    red: int
    amber: int
    over_25: int
    oldest_days: int
    policy_version: str


class WorkloadCrimeOut(Schema):
    id: int
    reference: str
    offence: str
    tier: str
    recorded_on: date


class OfficerWorkloadOut(WorkloadInvestigatorOut):
    line_supervisor_id: int | None
    crimes: list[WorkloadCrimeOut] = Field(..., description="open crimes held, oldest first (at most 500)")


class WorkloadSupervisorOut(Schema):
    person_id: int
    name: str
    staff_number: str
    borough: str
    team: str
    span: int = Field(..., description="active direct reports")
    span_limit: int
    over_span: bool
    span_basis: str
    training_on: date | None
    training_expires: date | None
    training_current: bool
    untrained: bool
    training_note: str
    policy_version: str


def _workload_borough(code: str) -> str:
    """An unknown code is the caller's mistake (422); a known one outside their view lists nothing, as on
    the page."""
    if code and not Borough.objects.filter(code=code).exists():
        raise ValidationError({"borough": [f"unknown borough {code!r}"]})
    return code


def _require_workload_reader(request: HttpRequest) -> None:
    # The workload page's rule (views._require_supervisor): allocators and administrators only.
    if not services.can_allocate(request.user, None):
        raise not_found()


@router.get("/workload", response=list[WorkloadInvestigatorOut | WorkloadGroupOut])
@paginate(PageNumberPagination, page_size=50)
def list_workload(
    request: HttpRequest,
    view: Literal["investigator", "team", "borough"] = "investigator",
    borough: str = "",
    team: int | None = None,
    sort: Literal["load", "oldest", "name"] = "load",
) -> Any:
    """RAG per investigator (heaviest first), or totals per team or borough, as on the workload page."""
    _require_workload_reader(request)
    policy = current_policy()
    rows = selectors.investigator_loads(
        actor=request.user,
        today=timezone.localdate(),
        policy=policy,
        borough=_workload_borough(borough),
        team=team,
    )
    if view == "investigator":
        return [records.investigator_record(r, policy=policy) for r in records.sort_loads(rows, sort)]
    return [records.group_record(g, view=view, policy=policy) for g in selectors.group_loads(rows, view)]


@router.get("/workload/supervisors", response=list[WorkloadSupervisorOut])
@paginate(PageNumberPagination, page_size=50)
def list_workload_supervisors(request: HttpRequest, borough: str = "") -> Any:
    """Supervisors of investigators: span of control against policy and workload-management training."""
    _require_workload_reader(request)
    policy = current_policy()
    rows = selectors.supervisors(
        actor=request.user, today=timezone.localdate(), policy=policy, borough=_workload_borough(borough)
    )
    return [records.supervisor_record(s, policy=policy) for s in rows]


@router.get("/workload/{person_id}", response=OfficerWorkloadOut)
def get_officer_workload(request: HttpRequest, person_id: int) -> Any:
    """One officer's workload: the officer, their line supervisor, allocators in their borough."""
    policy = current_policy()
    data = selectors.officer_workload(
        actor=request.user, person_id=person_id, today=timezone.localdate(), policy=policy
    )
    return records.officer_record(data, policy=policy)


@router.get("/{allocation_id}", response=AllocationOut)
def get_allocation(request: HttpRequest, allocation_id: int) -> Any:
    return selectors.allocation_get(actor=request.user, pk=allocation_id)
