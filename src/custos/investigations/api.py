# No `from __future__ import annotations` here: django-ninja resolves parameter types at import time.
"""/api/v1/investigations: plans, lines of enquiry, supervisory reviews, outcomes and sign-off, NFA rates."""

from datetime import date
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Router, Schema, Status

from custos.api import expected_version
from custos.core.access import not_found
from custos.core.policy import current_policy
from custos.crimes import selectors as crime_selectors
from custos.investigations import selectors, services
from custos.investigations.models import InvestigationPlan, LineOfEnquiry, OutcomeDecision, SupervisoryReview

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
    finalised: int
    nfa_core: int
    nfa_broad: int
    positive: int
    nfa_core_percent: float | None
    nfa_broad_percent: float | None
    basis: list[str]
    policy_version: str


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
def nfa_rates(request: HttpRequest, by: str = "offence") -> Any:
    from custos.core.access import scope_of

    s = scope_of(request.user)
    if by not in selectors.GROUPINGS or (by == "officer" and not (s.sees_personal_data or s.is_admin)):
        by = "offence"
    rows = selectors.rates(actor=request.user, by=by, policy=current_policy())
    return [
        {
            "group": str(r.key),
            "label": r.label,
            "finalised": r.rate.finalised,
            "nfa_core": r.rate.nfa_core,
            "nfa_broad": r.rate.nfa_broad,
            "positive": r.rate.positive,
            "nfa_core_percent": r.core_percent,
            "nfa_broad_percent": r.broad_percent,
            "basis": list(r.rate.basis),
            "policy_version": r.rate.policy_version,
        }
        for r in rows
    ]
