# No `from __future__ import annotations` here: django-ninja resolves parameter types at import time.
"""/api/v1/victims: victims (need-to-know, every read audited), obligations, contact clocks, investigation
events, Victims' Right to Review, and the compliance aggregates."""

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import PageNumberPagination as NinjaPageNumberPagination
from ninja.pagination import paginate

from custos.api import PageNumberPagination, expected_version
from custos.core.access import not_found, scope_of
from custos.victims import access, compliance, selectors, services
from custos.victims.models import Obligation, Victim

router = Router(tags=["victims"])


class LinkOut(Schema):
    id: int
    crime_id: int
    crime_reference: str = Field(..., alias="crime.reference")
    age_at_crime: int | None
    services: bool
    enhanced: bool
    categories: list[str]
    reasons: list[str]
    policy_version: str
    recognised_enhanced: bool
    support_withdrawn_on: date | None
    withdrawal_reason: str


class VictimOut(Schema):
    id: int
    kind: str
    display_name: str
    first_name: str
    last_name: str
    business_name: str
    named_contact: str
    date_of_birth: date | None
    representative: str
    representative_name: str
    bereaved_relative: bool
    mental_disorder: bool
    impairment: bool
    physical_disability: bool
    fear_or_distress: bool
    contact_method: str
    contact_details: str
    update_frequency_days: int | None
    safe_contact_route: str
    language: str
    interpreter_needed: bool
    version: int
    links: list[LinkOut]

    @staticmethod
    def resolve_links(obj: Victim, context: dict[str, Any]) -> list[Any]:
        # Only the crimes in the reader's need-to-know, as on the victim's page.
        return selectors.visible_links(actor=context["request"].user, victim=obj)


class VictimSummaryOut(Schema):
    id: int
    kind: str
    display_name: str
    enhanced: bool

    @staticmethod
    def resolve_enhanced(obj: Victim) -> bool:
        return any(lk.enhanced for lk in obj.links.all())


class VictimIn(Schema):
    crime_id: int
    kind: str = "person"
    first_name: str = ""
    last_name: str = ""
    business_name: str = ""
    named_contact: str = ""
    date_of_birth: date | None = None
    representative: str = ""
    representative_name: str = ""
    bereaved_relative: bool = False
    mental_disorder: bool = False
    impairment: bool = False
    physical_disability: bool = False
    fear_or_distress: bool = False
    contact_method: str = "phone"
    contact_details: str = ""
    update_frequency_days: int | None = None
    safe_contact_route: str = ""
    language: str = "English"
    interpreter_needed: bool = False


class VictimPatch(Schema):
    kind: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    business_name: str | None = None
    named_contact: str | None = None
    date_of_birth: date | None = None
    representative: str | None = None
    representative_name: str | None = None
    bereaved_relative: bool | None = None
    mental_disorder: bool | None = None
    impairment: bool | None = None
    physical_disability: bool | None = None
    fear_or_distress: bool | None = None
    contact_method: str | None = None
    contact_details: str | None = None
    update_frequency_days: int | None = None
    safe_contact_route: str | None = None
    language: str | None = None
    interpreter_needed: bool | None = None
    version: int | None = None


class ObligationOut(Schema):
    id: int
    link_id: int
    crime_reference: str = Field(..., alias="link.crime.reference")
    victim_id: int = Field(..., alias="link.victim_id")
    enhanced: bool = Field(..., alias="link.enhanced")
    key: str
    right: int
    title: str
    trigger: str
    trigger_on: date
    status: str
    due_on: date | None
    due_basis: str
    policy_version: str
    evidence: str
    met_by_id: int | None
    met_on: date | None
    version: int


class ObligationMetIn(Schema):
    status: str = "met"
    evidence: str
    on: date | None = None
    safe_route_confirmed: bool = False


class ObligationStartIn(Schema):
    key: str
    on: date | None = None


class EventIn(Schema):
    event: str
    occurred_on: date


class EventOut(Schema):
    id: int
    crime_id: int
    event: str
    occurred_on: date
    obligations: list[ObligationOut]


class ReviewIn(Schema):
    notified_on: date
    requested_on: date | None = None
    suspect_interviewed: bool | None = None


class DecideIn(Schema):
    outcome: str
    reasons: str


class ReviewOut(Schema):
    id: int
    link_id: int
    notified_on: date
    requested_on: date
    summary_only: bool
    in_time: bool
    window_closes: date
    acknowledge_by: date
    decide_by: date
    basis: list[str]
    eligible: bool
    eligibility_reasons: list[str]
    policy_version: str
    decision_maker_id: int | None
    status: str
    acknowledged_on: date | None
    reviewer_id: int | None
    decided_on: date | None
    outcome: str
    outcome_reasons: str


class ShareOut(Schema):
    label: str
    total: int
    on_time: int
    percent: float | None


class ComplianceOut(Schema):
    today: date
    as_at: datetime | None = Field(
        None, description="when the nightly snapshot these figures come from was taken; null: counted now"
    )
    overall: ShareOut
    by_right: list[ShareOut]
    by_team: list[ShareOut]
    by_borough: list[ShareOut]
    enhanced_entitled: int
    enhanced_recognised: int
    identification_percent: float | None
    overdue_total: int
    oldest_overdue_days: int
    overdue_bands: list[tuple[str, int]]


class VictimQuery(Schema):
    q: str = ""
    crime: str = ""
    enhanced: bool | None = None
    recognised: bool | None = Field(
        None, description="entitled to enhanced rights and recognised (false: not yet recognised)"
    )


class ClockQuery(Schema):
    status: str = ""
    borough: str = ""
    right: int | None = None
    enhanced: bool | None = None
    due_before: date | None = None
    sort: str = "due"


def _etag(response: HttpResponse, victim: Victim) -> None:
    response["ETag"] = f'"{victim.version}"'


def _personal(request: HttpRequest) -> None:
    if not scope_of(request.user).sees_personal_data:
        raise not_found()


@router.get("", response=list[VictimSummaryOut])
@paginate(PageNumberPagination, page_size=50)
def list_victims(request: HttpRequest, filters: Query[VictimQuery]) -> Any:
    _personal(request)
    return selectors.victim_list(
        actor=request.user,
        filters=selectors.VictimFilters(
            q=filters.q, crime=filters.crime, enhanced=filters.enhanced, recognised=filters.recognised
        ),
    )


def _clock_filters(query: ClockQuery) -> selectors.ClockFilters:
    return selectors.ClockFilters(
        status=query.status,
        borough=query.borough,
        right=query.right,
        enhanced=query.enhanced,
        due_before=query.due_before,
    )


class ClockPagination(PageNumberPagination):
    """Clocks paged as the worklist pages them: counted once (the count the search is audited with), and only
    the page's own rows joined to their victim, crime and officer."""

    def paginate_queryset(
        self, queryset: Any, pagination: NinjaPageNumberPagination.Input, request: HttpRequest, **params: Any
    ) -> Any:
        size = self._get_page_size(pagination.page_size)
        offset = (pagination.page - 1) * size
        count = queryset.count()
        query: ClockQuery = params["filters"]
        selectors.clocks_searched(
            actor=request.user, filters=_clock_filters(query), sort=query.sort, result_count=count
        )
        return {self.items_attribute: selectors.clock_rows(queryset[offset : offset + size]), "count": count}


@router.get("/clocks", response=list[ObligationOut])
@paginate(ClockPagination, page_size=100)
def list_victim_clocks(request: HttpRequest, filters: Query[ClockQuery]) -> Any:
    _personal(request)
    return selectors.clock_list(
        actor=request.user,
        filters=_clock_filters(filters),
        sort=filters.sort,
        today=timezone.localdate(),
        audit_search=False,
    )


@router.get("/compliance", response=ComplianceOut)
def victims_compliance(request: HttpRequest) -> Any:
    return compliance.compliance_report(actor=request.user, today=timezone.localdate())


@router.get("/{victim_id}", response=VictimOut)
def get_victim(request: HttpRequest, victim_id: int, response: HttpResponse) -> Any:
    victim = selectors.victim_get(actor=request.user, pk=victim_id, purpose="api")
    _etag(response, victim)
    return victim


@router.post("", response={201: VictimOut})
def create_victim(request: HttpRequest, payload: VictimIn, response: HttpResponse) -> Any:
    data = payload.dict()
    crime = selectors.crime_for_victims(actor=request.user, pk=data.pop("crime_id"))
    if not services.can_add_victim(request.user, crime):
        raise not_found()
    victim = services.victim_create(actor=request.user, crime=crime, data=data)
    victim = Victim.objects.prefetch_related(selectors.LINKS).get(pk=victim.pk)
    _etag(response, victim)
    return Status(201, victim)


@router.patch("/{victim_id}", response=VictimOut)
def update_victim(request: HttpRequest, victim_id: int, payload: VictimPatch, response: HttpResponse) -> Any:
    victim = selectors.victim_for_change(actor=request.user, pk=victim_id)
    data = payload.dict(exclude_unset=True)
    version = expected_version(request, data.pop("version", None))
    victim = services.victim_update(actor=request.user, victim=victim, data=data, expected_version=version)
    victim = Victim.objects.prefetch_related(selectors.LINKS).get(pk=victim.pk)
    _etag(response, victim)
    return victim


@router.get("/{victim_id}/obligations", response=list[ObligationOut])
def list_victim_obligations(request: HttpRequest, victim_id: int) -> Any:
    victim = selectors.victim_get(actor=request.user, pk=victim_id, purpose="api obligations")
    s = scope_of(request.user)
    visible = [lk.pk for lk in victim.links.all() if access.can_view_link(s, lk)] or [
        lk.pk for lk in victim.links.all()
    ]
    return list(selectors.obligations_of(victim).filter(link_id__in=visible).select_related("link__crime"))


@router.post("/obligations/{obligation_id}/met", response=ObligationOut)
def mark_obligation_met(request: HttpRequest, obligation_id: int, payload: ObligationMetIn) -> Any:
    ob = selectors.obligation_for_change(actor=request.user, pk=obligation_id)
    services.obligation_update(actor=request.user, obligation=ob, **payload.dict())
    return Obligation.objects.select_related("link__crime").get(pk=ob.pk)


@router.post("/links/{link_id}/obligations", response={201: ObligationOut})
def start_victim_obligation(request: HttpRequest, link_id: int, payload: ObligationStartIn) -> Any:
    """Start an obligation whose trigger Custos does not record itself: the VPS offer after the witness
    statement, the case outcome, property returned, the Victim Contact Scheme after a conviction."""
    link = selectors.link_get(actor=request.user, pk=link_id, change=True)
    ob = services.obligation_start(actor=request.user, link=link, key=payload.key, on=payload.on)
    return Status(201, Obligation.objects.select_related("link__crime").get(pk=ob.pk))


@router.post("/crimes/{crime_id}/events", response={201: EventOut})
def record_investigation_event(request: HttpRequest, crime_id: int, payload: EventIn) -> Any:
    crime = selectors.crime_for_victims(actor=request.user, pk=crime_id)
    if not services.can_add_victim(request.user, crime):
        raise not_found()
    result = services.investigation_event_recorded(
        crime=crime, event=payload.event, occurred_on=payload.occurred_on, actor=request.user
    )
    return Status(
        201,
        {
            "id": result.event.pk,
            "crime_id": crime.pk,
            "event": result.event.event,
            "occurred_on": result.event.occurred_on,
            "obligations": list(
                Obligation.objects.filter(event=result.event).select_related("link__crime").order_by("id")
            ),
        },
    )


@router.post("/links/{link_id}/reviews", response={201: ReviewOut})
def request_victim_review(request: HttpRequest, link_id: int, payload: ReviewIn) -> Any:
    link = selectors.link_get(actor=request.user, pk=link_id, change=True)
    review = services.review_request(
        actor=request.user,
        link=link,
        notified_on=payload.notified_on,
        requested_on=payload.requested_on,
        suspect_interviewed=payload.suspect_interviewed,
    )
    return Status(201, review)


@router.post("/reviews/{review_id}/acknowledge", response=ReviewOut)
def acknowledge_victim_review(request: HttpRequest, review_id: int) -> Any:
    review = selectors.review_get(actor=request.user, pk=review_id)
    if not access.can_change_link(scope_of(request.user), review.link):
        raise not_found()
    return services.review_acknowledge(actor=request.user, review=review)


@router.post("/reviews/{review_id}/decide", response=ReviewOut)
def decide_victim_review(request: HttpRequest, review_id: int, payload: DecideIn) -> Any:
    review = selectors.review_get(actor=request.user, pk=review_id)
    if not access.can_review(scope_of(request.user)):
        raise not_found()
    return services.review_decide(
        actor=request.user, review=review, outcome=payload.outcome, reasons=payload.reasons
    )
