# No `from __future__ import annotations` here: django-ninja resolves parameter types at import time.
"""/api/v1/triage: devices, triage results (upload the scanner's JSON report), the ranked queue, hash sets.

Device and result reads are audited as sensitive reads; lists are audited as searches.
"""

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from custos.api import PageNumberPagination
from custos.core import audit
from custos.core.access import not_found, scope_of
from custos.triage import access, selectors, services
from custos.triage.models import CustodyEvent, Device, TriageResult

router = Router(tags=["triage"])


class CustodyOut(Schema):
    sequence: int
    handed_over_at: datetime
    from_holder: str
    to_holder: str
    location: str
    purpose: str
    seal_number: str
    seal_intact: bool


class DeviceOut(Schema):
    id: int
    exhibit_reference: str
    device_type: str
    make_model: str
    capacity_bytes: int | None
    seal_number: str
    seized_from: str
    seized_at: datetime
    premises: str
    crime_reference: str
    suspect_name: str
    offender_id: int | None
    borough: str = Field(..., alias="borough.code")
    lab_id: int
    suspect_access_to_children: bool
    suspect_is_rso: bool
    contact_offending_indicators: bool
    kirat_level: str
    referral_grade: str
    referral_received_on: date | None
    submitted_on: date
    status: str
    examiner_id: int | None
    verdict: str
    most_severe_category: str
    matched_files: int
    latest_result_id: int | None
    offender_link: str
    version: int


class DeviceDetailOut(DeviceOut):
    custody: list[CustodyOut]

    @staticmethod
    def resolve_custody(obj: Device) -> list[CustodyEvent]:
        return list(obj.custody.all())


class DeviceIn(Schema):
    exhibit_reference: str = Field(..., min_length=1, max_length=40)
    device_type: str
    make_model: str = ""
    capacity_bytes: int | None = Field(None, ge=0)
    seal_number: str = Field(..., min_length=1, max_length=40)
    seized_from: str
    seized_at: datetime | None = None
    premises: str = ""
    crime_reference: str = ""
    suspect_name: str = ""
    offender_id: int | None = None
    borough_id: int | None = None
    lab_id: int
    suspect_access_to_children: bool = False
    suspect_is_rso: bool = False
    contact_offending_indicators: bool = False
    kirat_level: str = "unknown"
    referral_grade: str = "unknown"
    referral_received_on: date | None = None
    submitted_on: date | None = None


class CustodyIn(Schema):
    to_holder: str = Field(..., min_length=1, max_length=160)
    location: str = Field(..., min_length=1, max_length=160)
    purpose: str = Field(..., min_length=1, max_length=200)
    seal_number: str = Field(..., min_length=1, max_length=40)
    seal_intact: bool = True


class MatchOut(Schema):
    path: str
    size: int
    deleted: bool
    md5: str
    sha1: str
    sha256: str
    pdq: str
    category: str
    kind: str
    distance: int
    matches: list[dict[str, Any]]


class ResultOut(Schema):
    id: int
    device_id: int
    verdict: str
    likely_iioc: bool
    likely_iioc_reason: str
    most_severe_category: str
    lab_priority: str
    files_total: int
    matched_files: int
    known_good_files: int
    deleted_files: int
    error_files: int
    by_category: dict[str, Any]
    by_kind: dict[str, Any]
    by_category_and_kind: dict[str, Any]
    verification: dict[str, Any] | None
    hashsets: list[dict[str, Any]]
    schema_version: str
    report_sha256: str
    report_policy_version: str
    policy_version: str
    uploaded_at: datetime


class ResultDetailOut(ResultOut):
    matches: list[MatchOut]

    @staticmethod
    def resolve_matches(obj: TriageResult) -> list[Any]:
        return list(obj.matches.all())


class UploadOut(ResultOut):
    created: bool


class ReasonOut(Schema):
    label: str
    points: float
    basis: str


class QueueOut(Schema):
    position: int
    device: DeviceOut
    score: float
    reasons: list[ReasonOut]
    sla_due: date
    sla_basis: str
    expected_start: date | None
    misses_sla: bool
    full_examination_required: bool
    policy_version: str


class HashSetOut(Schema):
    id: int
    name: str
    kind: str
    source: str
    version: str
    set_date: date | None
    format: str
    enabled: bool
    is_local: bool
    in_place: bool
    exact_count: int
    pdq_count: int
    category_map: dict[str, Any]

    @staticmethod
    def resolve_in_place(obj: Any) -> bool:
        return bool(obj.in_place_path)


@router.get("/devices", response=list[DeviceOut])
@paginate(PageNumberPagination)
def list_devices(request: HttpRequest, status: str = "", verdict: str = "") -> Any:
    if not access.sees_devices(scope_of(request.user)):
        raise not_found()
    qs = selectors.device_list(actor=request.user)
    if status:
        qs = qs.filter(status=status)
    if verdict:
        qs = qs.filter(verdict=verdict)
    audit.record_search(
        actor=request.user,
        action="custos.device.searched",
        query={"status": status, "verdict": verdict, "via": "api"},
        result_count=qs.count(),
    )
    return qs.order_by("submitted_on", "pk")


@router.get("/devices/{device_id}", response=DeviceDetailOut)
def get_device(request: HttpRequest, device_id: int) -> Any:
    return selectors.device_get(actor=request.user, pk=device_id)


@router.post("/devices", response={201: DeviceDetailOut})
def create_device(request: HttpRequest, payload: DeviceIn) -> Any:
    if not access.can_create_device(scope_of(request.user)):
        raise not_found()
    data = payload.dict(exclude_none=True)
    return Status(201, services.device_create(actor=request.user, data=data))


@router.post("/devices/{device_id}/custody", response={201: CustodyOut})
def record_device_custody(request: HttpRequest, device_id: int, payload: CustodyIn) -> Any:
    device = selectors.device_for_handling(actor=request.user, pk=device_id)
    return Status(201, services.custody_record(actor=request.user, device=device, **payload.dict()))


@router.post(
    "/devices/{device_id}/results",
    response={200: UploadOut, 201: UploadOut},
    openapi_extra={
        "requestBody": {
            "required": True,
            "description": "The JSON report written by `custos triage scan` (docs/triage-report-schema.md).",
            "content": {"application/json": {"schema": {"type": "object"}}},
        }
    },
)
def upload_triage_result(request: HttpRequest, device_id: int) -> Any:
    device = selectors.device_for_handling(actor=request.user, pk=device_id)
    report = services.parse_report(request.body)
    result, created = services.result_upload(actor=request.user, device=device, report=report)
    result.created = created  # type: ignore[attr-defined]
    return Status(201 if created else 200, result)


@router.get("/devices/{device_id}/results", response=list[ResultOut])
def list_triage_results(request: HttpRequest, device_id: int) -> Any:
    device = selectors.device_get(actor=request.user, pk=device_id)
    return selectors.results_of(device, actor=request.user, via="api")


@router.get("/results/{result_id}", response=ResultDetailOut)
def get_triage_result(request: HttpRequest, result_id: int) -> Any:
    return selectors.result_get(actor=request.user, pk=result_id)


@router.get("/queue", response=list[QueueOut])
@paginate(PageNumberPagination)
def lab_queue(request: HttpRequest) -> Any:
    if not access.sees_devices(scope_of(request.user)):
        raise not_found()
    view = selectors.lab_queue(actor=request.user, today=timezone.localdate())
    return [
        {
            "position": e.ranked.position,
            "device": e.device,
            "score": e.ranked.rank.score,
            "reasons": [r.__dict__ for r in e.ranked.rank.reasons],
            "sla_due": e.ranked.rank.sla.due,
            "sla_basis": e.ranked.rank.sla.basis,
            "expected_start": e.ranked.expected_start,
            "misses_sla": e.ranked.misses_sla,
            "full_examination_required": e.full_examination.required,
            "policy_version": e.ranked.rank.policy_version,
        }
        for e in view.entries
    ]


@router.get("/hashsets", response=list[HashSetOut])
def list_hashsets(request: HttpRequest) -> Any:
    if not access.is_lab(scope_of(request.user)):
        raise not_found()
    return list(selectors.hashset_list(actor=request.user))
