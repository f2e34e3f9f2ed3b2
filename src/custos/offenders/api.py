# No `from __future__ import annotations` here: django-ninja resolves parameter types at import time.
"""/api/v1/offenders: nominals (list, get), visits (list, create), tasks (list, close). Reads are audited."""

from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from custos.api import PageNumberPagination
from custos.core import audit
from custos.core.access import not_found, scope_of
from custos.offenders import access, selectors, services
from custos.offenders.computed import record_dates
from custos.workforce.models import Person

router = Router(tags=["offenders"])


class ComputedDateOut(Schema):
    label: str
    value: str
    basis: str
    policy_version: str | None


class NominalOut(Schema):
    id: int
    reference: str
    first_name: str
    last_name: str
    date_of_birth: date
    sex: str
    borough: str = Field(..., alias="borough.code")
    mappa_category: int
    mappa_level: int
    management_mode: str
    rosh_level: str
    lead_manager_id: int | None
    deputy_manager_id: int | None
    last_successful_visit_on: date | None
    next_visit_due: date | None
    next_notification_due: date | None
    ladder_steps: str
    version: int


class LinkOut(Schema):
    """A crime, investigation or device link. The ids are null when the caller may not see the target."""

    id: int
    kind: str
    reference: str
    note: str
    crime_id: int | None
    device_id: int | None


class ChangeNotificationOut(Schema):
    """One s.84 change the record shows, its deadline and whether a s.84 notification covered it."""

    what: str
    change: str
    event_date: date
    due: date | None
    status: str
    notified_on: date | None
    days_overdue: int | None
    basis: str
    policy_version: str | None


def _record_dates(obj: Any) -> Any:
    """record_dates once per response (computed dates and change notifications come from one evaluation)."""
    cached = getattr(obj, "_record_dates", None)
    if cached is None:
        cached = record_dates(obj, today=timezone.localdate())
        obj._record_dates = cached
    return cached


class NominalDetailOut(NominalOut):
    rosh_reason: str
    whereabouts_verified: bool
    aliases: list[str]
    computed: list[ComputedDateOut]
    change_notifications: list[ChangeNotificationOut]
    links: list[LinkOut]

    @staticmethod
    def resolve_change_notifications(obj: Any) -> list[dict[str, Any]]:
        _, evaluation = _record_dates(obj)
        changes = evaluation.changes if evaluation is not None else ()
        return [
            {
                "what": c.what,
                "change": c.label,
                "event_date": c.event_date,
                "due": c.deadline.due,
                "status": c.status.value,
                "notified_on": c.notified_on,
                "days_overdue": c.consideration.days_overdue if c.consideration else None,
                "basis": c.basis if c.consideration is None else f"{c.consideration.basis}; {c.basis}",
                "policy_version": c.policy_version,
            }
            for c in changes
        ]

    @staticmethod
    def resolve_links(obj: Any) -> list[dict[str, Any]]:
        return [
            {k: v for k, v in link.__dict__.items() if k != "url"} for link in getattr(obj, "link_views", [])
        ]

    @staticmethod
    def resolve_aliases(obj: Any) -> list[str]:
        return [str(a) for a in obj.aliases.all()]

    @staticmethod
    def resolve_computed(obj: Any) -> list[dict[str, Any]]:
        dates, _ = _record_dates(obj)
        return [d.__dict__ for d in dates]


class NominalFilters(Schema):
    q: str = ""
    level: str = ""
    step: str = ""
    scope: str = "all"


class VisitOut(Schema):
    id: int
    offender_id: int
    status: str
    planned_for: datetime | None
    attempted_at: datetime | None
    outcome: str
    officer_id: int | None
    second_officer_id: int | None
    announced: bool
    announce_reason: str
    for_risk_assessment: bool
    policy_version: str


class VisitIn(Schema):
    offender_id: int
    attempted_at: datetime
    outcome: str
    officer_id: int | None = None
    second_officer_id: int | None = None
    announced: bool = False
    announce_reason: str = ""
    for_risk_assessment: bool = True
    observations: str = ""
    devices_seen: str = ""
    risk_indicators: str = ""


class VisitCreatedOut(VisitOut):
    escalations_created: dict[str, int]


class TaskOut(Schema):
    id: int
    offender_id: int
    kind: str
    status: str
    owner_id: int | None
    watcher_id: int | None
    episode: date
    due: date | None
    reason: str
    basis: str
    policy_version: str
    detail: dict[str, Any]
    decision: str
    rationale: str


class TaskFilters(Schema):
    kind: str = ""
    status: str = "open"
    offender_id: int | None = None
    mine: bool = False


class TaskCloseIn(Schema):
    decision: str = Field(..., min_length=1, max_length=120)
    rationale: str = Field(..., min_length=1)


@router.get("/nominals", response=list[NominalOut])
@paginate(PageNumberPagination)
def list_nominals(request: HttpRequest, filters: Query[NominalFilters]) -> Any:
    qs = selectors.visible_offenders(request.user).filter(active=True).select_related("borough")
    if filters.q:
        for term in filters.q.split():  # as the worklist's "Name or reference" filter reads it
            qs = qs.filter(
                Q(last_name__icontains=term) | Q(first_name__icontains=term) | Q(reference__iexact=term)
            )
    if filters.level:
        qs = qs.filter(rosh_level=filters.level)
    if filters.step:
        qs = qs.filter(ladder_steps__contains=filters.step)
    qs = qs.order_by("ladder_rank", "next_visit_due", "pk")
    audit.record_search(
        actor=request.user, action=selectors.SEARCHED, query=filters.dict(), result_count=qs.count()
    )
    return qs


@router.get("/nominals/{offender_id}", response=NominalDetailOut)
def get_nominal(request: HttpRequest, offender_id: int) -> Any:
    offender = selectors.offender_get(actor=request.user, pk=offender_id, purpose="api")
    offender.link_views = selectors.offender_links(actor=request.user, offender=offender)  # type: ignore[attr-defined]
    return offender


@router.get("/visits", response=list[VisitOut])
@paginate(PageNumberPagination)
def list_offender_visits(request: HttpRequest, offender_id: int | None = None) -> Any:
    if offender_id is not None:
        selectors.offender_get(actor=request.user, pk=offender_id, purpose="api visits")
    qs = selectors.visit_list(actor=request.user, offender_id=offender_id)
    if offender_id is None:
        audit.record_search(
            actor=request.user, action="custos.visit.listed", query={}, result_count=qs.count()
        )
    return qs


@router.post("/visits", response={201: VisitCreatedOut})
def create_offender_visit(request: HttpRequest, payload: VisitIn) -> Any:
    offender = selectors.offender_for_change(actor=request.user, pk=payload.offender_id, purpose="api visit")
    officers = {
        p.pk: p for p in Person.objects.filter(pk__in=[payload.officer_id, payload.second_officer_id])
    }
    for name in ("officer_id", "second_officer_id"):
        wanted = getattr(payload, name)
        if wanted is not None and wanted not in officers:
            raise ValidationError({name: [services.UNKNOWN_OFFICER.format(id=wanted)]})
    data = payload.dict(exclude={"offender_id", "officer_id", "second_officer_id"})
    visit, created = services.visit_record(
        actor=request.user,
        offender=offender,
        officer=officers.get(payload.officer_id) if payload.officer_id else None,
        second_officer=officers.get(payload.second_officer_id) if payload.second_officer_id else None,
        **data,
    )
    out = VisitOut.from_orm(visit).dict()
    return Status(201, {**out, "escalations_created": created})


@router.get("/tasks", response=list[TaskOut])
@paginate(PageNumberPagination)
def list_offender_tasks(request: HttpRequest, filters: Query[TaskFilters]) -> Any:
    s = scope_of(request.user)
    from custos.offenders.models import OffenderTask

    qs = OffenderTask.objects.filter(access.offender_view_q(s, "offender__"))
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.offender_id is not None:
        qs = qs.filter(offender_id=filters.offender_id)
    if filters.mine:
        qs = qs.filter(owner_id=s.person_id)
    qs = qs.order_by("offender__ladder_rank", "due", "pk")
    audit.record_search(
        actor=request.user,
        action="custos.offender_task.listed",
        query=filters.dict(),
        result_count=qs.count(),
    )
    return qs


@router.post("/tasks/{task_id}/close", response=TaskOut)
def close_offender_task(request: HttpRequest, task_id: int, payload: TaskCloseIn) -> Any:
    task = selectors.task_get(actor=request.user, pk=task_id)
    if not access.can_change_offender(scope_of(request.user), task.offender):
        raise not_found()
    return services.task_close(
        actor=request.user, task=task, decision=payload.decision, rationale=payload.rationale
    )
