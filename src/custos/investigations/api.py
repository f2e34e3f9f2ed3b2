# No `from __future__ import annotations` here: django-ninja resolves parameter types at import time.
"""/api/v1/investigations: plans, lines of enquiry, tasks, the investigator's worklist, supervision,
supervisory reviews, outcomes and sign-off, NFA rates."""

from datetime import date, datetime
from typing import Any

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Field, Router, Schema, Status

from custos.allocation import services as allocation_services
from custos.api import expected_version
from custos.core.access import not_found
from custos.core.policy import current_policy
from custos.crimes import selectors as crime_selectors
from custos.investigations import selectors, services
from custos.investigations.models import (
    InvestigationPlan,
    LineOfEnquiry,
    OutcomeDecision,
    ReviewEscalation,
    SupervisoryReview,
    Task,
)

router = Router(tags=["investigations"])
ROUTERS = [("/investigations", router)]


class LineOut(Schema):
    id: int
    key: str
    title: str
    status: str | None
    reason: str
    owner_id: int | None
    decided_on: date | None
    version: int

    @staticmethod
    def resolve_status(obj: LineOfEnquiry) -> str | None:
        return obj.status or None


class PlanOut(Schema):
    crime_id: int
    template_basis: str
    policy_version: str
    allocated_on: date
    next_review_due: date
    next_review_basis: str
    lines: list[LineOut]

    @staticmethod
    def resolve_lines(obj: InvestigationPlan) -> list[Any]:
        return list(obj.lines.order_by("id"))


class LinePatch(Schema):
    status: str
    reason: str
    version: int | None = None


class ReviewIn(Schema):
    direction: str
    actions: str = ""
    next_review_on: date | None = None


class ReviewOut(Schema):
    id: int
    reviewer_id: int
    reviewed_on: date
    direction: str
    actions: str
    next_review_on: date
    next_review_basis: str
    policy_version: str


class OutcomeIn(Schema):
    outcome: int
    rationale: str = ""
    victim_informed: bool = False


class SignoffIn(Schema):
    rationale: str


class OutcomeOut(Schema):
    id: int
    crime_id: int
    outcome: int
    status: str
    rationale: str
    signed_off_by_id: int | None
    signoff_rationale: str
    basis: list[str]
    warnings: list[str]
    policy_version: str


class RateOut(Schema):
    group: str
    label: str
    finalised: int  # the denominator
    excluded: int  # outcomes left out of the denominator by policy
    nfa_core: int
    nfa_broad: int
    positive: int
    nfa_core_percent: float | None
    nfa_broad_percent: float | None
    positive_percent: float | None
    basis: list[str]
    policy_version: str


class TaskIn(Schema):
    title: str = Field(max_length=200)
    due_on: date
    owner_id: int | None = None  # default, as on the page: the crime's officer, else the caller


class TaskOut(Schema):
    id: int
    crime_id: int
    crime_reference: str
    title: str
    owner_id: int
    due_on: date
    done_on: date | None
    overdue: bool


class WorklistLineOut(Schema):
    id: int
    crime_id: int
    crime_reference: str
    key: str
    title: str
    version: int


class HeldCrimeOut(Schema):
    id: int
    reference: str
    offence: str
    tier: str
    recorded_on: date
    next_review_due: date | None
    next_review_basis: str
    review_overdue: bool


class WorklistOut(Schema):
    today: date
    tasks: list[TaskOut]
    tasks_count: int
    lines: list[WorklistLineOut]
    lines_count: int
    crimes: list[HeldCrimeOut]
    crimes_count: int


class EscalationOut(Schema):
    id: int
    crime_id: int
    crime_reference: str
    due_on: date
    supervisor_id: int | None
    escalate_to_rank: str
    escalate_to_id: int | None
    escalate_to_name: str
    basis: str
    created_on: date


class ReviewDueOut(Schema):
    crime_id: int
    crime_reference: str
    tier: str
    officer_id: int | None
    officer_name: str
    next_review_due: date
    next_review_basis: str
    overdue: bool
    days_overdue: int
    escalation: EscalationOut | None


class SignoffPendingOut(Schema):
    id: int
    crime_id: int
    crime_reference: str
    outcome: int
    proposed_by_id: int
    proposed_by_name: str
    rationale: str
    proposed_at: datetime
    basis: list[str]
    warnings: list[str]
    policy_version: str


class ReviewsDuePage(Schema):
    items: list[ReviewDueOut]
    count: int
    page: int
    pages: int


class SupervisionOut(Schema):
    today: date
    due_within_days: int
    due: ReviewsDuePage
    escalations: list[EscalationOut]
    escalations_count: int
    signoffs: list[SignoffPendingOut]
    signoffs_count: int


def _plan(request: HttpRequest, crime_id: int) -> InvestigationPlan:
    crime = crime_selectors.crime_get(actor=request.user, pk=crime_id)
    plan = InvestigationPlan.objects.filter(crime=crime).first()
    if plan is None:
        raise not_found()
    return plan


@router.get("/crimes/{crime_id}/plan", response=PlanOut)
def get_plan(request: HttpRequest, crime_id: int) -> Any:
    return _plan(request, crime_id)


@router.patch("/lines/{line_id}", response=LineOut)
def update_line(request: HttpRequest, response: HttpResponse, line_id: int, payload: LinePatch) -> Any:
    line = LineOfEnquiry.objects.select_related("plan__crime").filter(pk=line_id).first()
    if line is None:
        raise not_found()
    crime_selectors.crime_for_change(actor=request.user, pk=line.plan.crime_id)
    version = expected_version(request, payload.version)
    line = services.line_update(
        actor=request.user, line=line, status=payload.status, reason=payload.reason, expected_version=version
    )
    response["ETag"] = f'"{line.version}"'
    return line


@router.get("/crimes/{crime_id}/reviews", response=list[ReviewOut])
def list_reviews(request: HttpRequest, crime_id: int) -> Any:
    crime = crime_selectors.crime_get(actor=request.user, pk=crime_id)
    return list(SupervisoryReview.objects.filter(crime=crime))


@router.post("/crimes/{crime_id}/reviews", response={201: ReviewOut})
def record_review(request: HttpRequest, crime_id: int, payload: ReviewIn) -> Any:
    crime = crime_selectors.crime_get(actor=request.user, pk=crime_id)
    if not services.is_supervisor_of(request.user, crime):
        raise not_found()
    return Status(201, services.review_record(actor=request.user, crime=crime, **payload.dict()))


@router.post("/crimes/{crime_id}/outcome", response={201: OutcomeOut})
def record_outcome(request: HttpRequest, crime_id: int, payload: OutcomeIn) -> Any:
    crime = crime_selectors.crime_for_change(actor=request.user, pk=crime_id)
    return Status(201, services.outcome_propose(actor=request.user, crime=crime, **payload.dict()))


@router.post("/crimes/{crime_id}/sign-off", response=OutcomeOut)
def sign_off_outcome(request: HttpRequest, crime_id: int, payload: SignoffIn) -> Any:
    crime = crime_selectors.crime_get(actor=request.user, pk=crime_id)
    if not services.is_supervisor_of(request.user, crime):
        raise not_found()
    return services.outcome_signoff(actor=request.user, crime=crime, rationale=payload.rationale)


@router.get("/crimes/{crime_id}/outcomes", response=list[OutcomeOut])
def list_outcomes(request: HttpRequest, crime_id: int) -> Any:
    crime = crime_selectors.crime_get(actor=request.user, pk=crime_id)
    return list(OutcomeDecision.objects.filter(crime=crime))


@router.get("/nfa-rates", response=list[RateOut])
def nfa_rates(request: HttpRequest, by: str = "offence", since: date | None = None) -> Any:
    """Rates by crime type (offence), offence group, team or officer; officer falls back to crime type for
    accounts that see aggregates only, as on the page. ``since``: finalised on or after that date."""
    if by not in selectors.GROUPINGS or (by == "officer" and not selectors.names_allowed(request.user)):
        by = "offence"
    return selectors.rates_out(actor=request.user, by=by, policy=current_policy(), since=since)


def _task_out(task: Task, today: date) -> dict[str, Any]:
    return {
        "id": task.pk,
        "crime_id": task.crime_id,
        "crime_reference": task.crime.reference,
        "title": task.title,
        "owner_id": task.owner_id,
        "due_on": task.due_on,
        "done_on": task.done_on,
        "overdue": task.done_on is None and task.due_on < today,
    }


@router.get("/worklist", response=WorklistOut)
def worklist(request: HttpRequest) -> Any:
    """The caller's own open tasks (overdue flagged), open lines of enquiry and open crimes, as the page."""
    person_id = selectors.worklist_owner(actor=request.user)
    today = timezone.localdate()
    limit = selectors.WORKLIST_LIMIT
    tasks = selectors.open_tasks(person_id=person_id)
    lines = selectors.open_lines(person_id=person_id)
    crimes = selectors.held_crimes(person_id=person_id)
    held = []
    for c in crimes[:limit]:
        plan = getattr(c, "plan", None)
        held.append(
            {
                "id": c.pk,
                "reference": c.reference,
                "offence": c.ho_description,
                "tier": c.tier,
                "recorded_on": c.recorded_on,
                "next_review_due": plan.next_review_due if plan else None,
                "next_review_basis": plan.next_review_basis if plan else "",
                "review_overdue": plan is not None and plan.next_review_due < today,
            }
        )
    return {
        "today": today,
        "tasks": [_task_out(t, today) for t in tasks[:limit]],
        "tasks_count": tasks.count(),
        "lines": [
            {
                "id": ln.pk,
                "crime_id": ln.plan.crime_id,
                "crime_reference": ln.plan.crime.reference,
                "key": ln.key,
                "title": ln.title,
                "version": ln.version,
            }
            for ln in lines[:limit]
        ],
        "lines_count": lines.count(),
        "crimes": held,
        "crimes_count": crimes.count(),
    }


def _escalation_out(e: ReviewEscalation, crime_id: int, reference: str) -> dict[str, Any]:
    return {
        "id": e.pk,
        "crime_id": crime_id,
        "crime_reference": reference,
        "due_on": e.due_on,
        "supervisor_id": e.supervisor_id,
        "escalate_to_rank": e.escalate_to_rank,
        "escalate_to_id": e.escalate_to_id,
        "escalate_to_name": e.escalate_to.full_name if e.escalate_to else "",
        "basis": e.basis,
        "created_on": e.created_on,
    }


@router.get("/supervision", response=SupervisionOut)
def supervision(request: HttpRequest, page: int = 1) -> Any:
    """Reviews due within the week or overdue (with any escalation and its basis), escalations and NFA
    sign-offs pending, for the same supervisors as the page; ``page`` pages the reviews due."""
    if not allocation_services.can_allocate(request.user, None):
        raise not_found()
    today = timezone.localdate()
    within = selectors.REVIEWS_DUE_WITHIN_DAYS
    due = selectors.with_open_escalations(
        selectors.reviews_due(actor=request.user, today=today, within_days=within)
    )
    due_page = Paginator(due, selectors.SUPERVISION_PAGE).get_page(page)
    items = []
    for p in due_page:
        crime = p.crime
        current = next((e for e in getattr(p, "open_escalations", ()) if e.due_on == p.next_review_due), None)
        items.append(
            {
                "crime_id": crime.pk,
                "crime_reference": crime.reference,
                "tier": crime.tier,
                "officer_id": crime.officer_id,
                "officer_name": crime.officer.full_name if crime.officer else "",
                "next_review_due": p.next_review_due,
                "next_review_basis": p.next_review_basis,
                "overdue": p.next_review_due < today,
                "days_overdue": max((today - p.next_review_due).days, 0),
                "escalation": _escalation_out(current, crime.pk, crime.reference) if current else None,
            }
        )
    escalations = selectors.escalations(actor=request.user).select_related("escalate_to")
    signoffs = selectors.signoffs_pending(actor=request.user)
    limit = selectors.SUPERVISION_PAGE
    return {
        "today": today,
        "due_within_days": within,
        "due": {
            "items": items,
            "count": due_page.paginator.count,
            "page": due_page.number,
            "pages": due_page.paginator.num_pages,
        },
        "escalations": [
            _escalation_out(e, e.plan.crime_id, e.plan.crime.reference) for e in escalations[:limit]
        ],
        "escalations_count": escalations.count(),
        "signoffs": [
            {
                "id": d.pk,
                "crime_id": d.crime_id,
                "crime_reference": d.crime.reference,
                "outcome": d.outcome,
                "proposed_by_id": d.proposed_by_id,
                "proposed_by_name": d.proposed_by.full_name,
                "rationale": d.rationale,
                "proposed_at": d.created_at,
                "basis": d.basis,
                "warnings": d.warnings,
                "policy_version": d.policy_version,
            }
            for d in signoffs[:limit]
        ],
        "signoffs_count": signoffs.count(),
    }


@router.post("/crimes/{crime_id}/tasks", response={201: TaskOut})
def add_task(request: HttpRequest, crime_id: int, payload: TaskIn) -> Any:
    crime = crime_selectors.crime_for_change(actor=request.user, pk=crime_id)
    owner = services.task_owner(actor=request.user, crime=crime, owner_id=payload.owner_id)
    task = services.task_add(
        actor=request.user, crime=crime, title=payload.title, owner=owner, due_on=payload.due_on
    )
    return Status(201, _task_out(task, timezone.localdate()))


@router.post("/tasks/{task_id}/done", response=TaskOut)
def complete_task(request: HttpRequest, task_id: int) -> Any:
    task = Task.objects.select_related("crime").filter(pk=task_id).first()
    if task is None:
        raise not_found()
    crime_selectors.crime_for_change(actor=request.user, pk=task.crime_id)
    return _task_out(services.task_complete(actor=request.user, task=task), timezone.localdate())
