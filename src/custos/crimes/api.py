# No `from __future__ import annotations` here: django-ninja resolves parameter types at import time.
"""/api/v1/crimes: list, get, intake (create) and patch (If-Match) of crime records and their suspects."""

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from custos.api import PageNumberPagination, expected_version, refuse_nulls
from custos.crimes import selectors, services
from custos.crimes.models import Crime
from custos.workforce.models import Borough, Team

router = Router(tags=["crimes"])
ROUTERS = [("/crimes", router)]


class SuspectOut(Schema):
    id: int
    status: str
    name: str
    description: str
    offender_reference: str
    version: int


class CrimeOut(Schema):
    id: int
    reference: str
    offence_key: str
    ho_code: str
    ho_description: str
    police_uk_category: str
    recorded_on: date
    occurred_on: date | None
    reported_on: date | None
    borough: str = Field(..., alias="borough.code")
    team_id: int | None
    location: str
    status: str
    tier: str
    required_pip: int | None
    specialism: str
    tier_basis: list[str]
    policy_version: str
    flags: list[str]
    harm_days: float | None
    series_id: str
    officer_id: int | None
    outcome: int | None
    version: int


class CrimeDetailOut(CrimeOut):
    suspects: list[SuspectOut]
    solvability_model: str
    solvability_factors: list[str]
    solvability_count: int | None
    screened_in: bool | None

    @staticmethod
    def resolve_suspects(obj: Crime) -> list[Any]:
        return list(obj.suspects.all())


class ThriveIn(Schema):
    threat: str = ""
    harm: str = ""
    risk: str = ""
    investigation: str = ""
    vulnerability: str = ""
    engagement: str = ""
    response_grade: str = ""
    assessed_by: str = ""
    repeat_victim: bool = False


class SuspectIn(Schema):
    status: str = "not-identified"
    name: str = ""
    description: str = ""
    offender_reference: str = ""


class CrimeIn(Schema):
    reference: str = Field("", max_length=40)
    offence_key: str
    borough: str = Field(..., description="borough code")
    team_id: int | None = None
    recorded_on: date
    occurred_on: date | None = None
    reported_on: date | None = None
    location: str = Field("", max_length=200)
    summary: str = ""
    thrive: ThriveIn | None = None
    vulnerable_victim: bool = False
    domestic_abuse: bool = False
    hate: bool = False
    child_victim: bool = False
    weapon: bool = False
    serious_injury: bool = False
    commercial_victim: bool = False
    high_risk: bool = False
    threat_to_life: bool = False
    critical_incident: bool = False
    expected_lines_of_enquiry: int = Field(0, ge=0, le=200)
    solvability_factors: list[str] = []
    series_id: str = Field("", max_length=40)
    suspects: list[SuspectIn] = []


class ThrivePatch(Schema):
    threat: str | None = Field(None, max_length=200)
    harm: str | None = Field(None, max_length=200)
    risk: str | None = Field(None, max_length=200)
    investigation: str | None = Field(None, max_length=200)
    vulnerability: str | None = Field(None, max_length=200)
    engagement: str | None = Field(None, max_length=200)
    response_grade: str | None = Field(None, max_length=30)
    assessed_by: str | None = Field(None, max_length=120)
    repeat_victim: bool | None = None


class CrimePatch(Schema):
    version: int | None = None
    offence_key: str | None = None
    occurred_on: date | None = None
    reported_on: date | None = None
    location: str | None = Field(None, max_length=200)
    summary: str | None = None
    vulnerable_victim: bool | None = None
    domestic_abuse: bool | None = None
    hate: bool | None = None
    child_victim: bool | None = None
    weapon: bool | None = None
    serious_injury: bool | None = None
    commercial_victim: bool | None = None
    high_risk: bool | None = None
    threat_to_life: bool | None = None
    expected_lines_of_enquiry: int | None = Field(None, ge=0, le=200)
    solvability_factors: list[str] | None = None
    series_id: str | None = Field(None, max_length=40)
    thrive: ThrivePatch | None = Field(None, description="only the elements sent are changed")


class SuspectPatch(Schema):
    version: int | None = None
    status: str | None = Field(None, description="not-identified, identified or named")
    name: str | None = Field(None, max_length=160)
    description: str | None = Field(None, max_length=300)
    offender_reference: str | None = Field(None, max_length=40)


class CrimeQuery(Schema):
    q: str = ""
    borough: str = ""
    status: str = ""
    tier: str = ""
    offence: str = ""
    unallocated: bool = False
    series: str = ""


@router.get("", response=list[CrimeOut])
@paginate(PageNumberPagination, page_size=50)
def list_crimes(request: HttpRequest, filters: Query[CrimeQuery]) -> Any:
    return selectors.crime_list(actor=request.user, filters=selectors.CrimeFilters(**filters.dict()))


@router.get("/{crime_id}", response=CrimeDetailOut)
def get_crime(request: HttpRequest, response: HttpResponse, crime_id: int) -> Any:
    crime = selectors.crime_get(actor=request.user, pk=crime_id)
    response["ETag"] = f'"{crime.version}"'
    return crime


@router.post("", response={201: CrimeDetailOut})
def create_crime(request: HttpRequest, payload: CrimeIn) -> Any:
    borough = Borough.objects.filter(code=payload.borough).first()
    if borough is None:
        raise ValidationError({"borough": [services.UNKNOWN_BOROUGH.format(code=payload.borough)]})
    team = Team.objects.filter(pk=payload.team_id).first() if payload.team_id else None
    data = payload.dict(exclude={"reference", "borough", "team_id", "suspects", "thrive"})
    data["thrive"] = payload.thrive.dict() if payload.thrive else {}
    crime = services.crime_create(
        actor=request.user,
        borough=borough,
        team=team,
        reference=payload.reference,
        data=data,
        suspects=[services.SuspectIn(**s.dict()) for s in payload.suspects],
    )
    return Status(201, selectors.crime_get(actor=request.user, pk=crime.pk))


@router.patch("/{crime_id}", response=CrimeDetailOut)
def patch_crime(request: HttpRequest, response: HttpResponse, crime_id: int, payload: CrimePatch) -> Any:
    crime = selectors.crime_for_change(actor=request.user, pk=crime_id)
    version = expected_version(request, payload.version)
    data = payload.dict(exclude_unset=True, exclude={"version"})
    refuse_nulls(data, Crime)
    crime = services.crime_update(actor=request.user, crime=crime, data=data, expected_version=version)
    response["ETag"] = f'"{crime.version}"'
    return selectors.crime_get(actor=request.user, pk=crime.pk)


@router.patch("/{crime_id}/suspects/{suspect_id}", response=SuspectOut)
def patch_suspect(
    request: HttpRequest, response: HttpResponse, crime_id: int, suspect_id: int, payload: SuspectPatch
) -> Any:
    """Change a suspect's status (and name, description, offender register link); If-Match its ETag."""
    crime = selectors.crime_for_change(actor=request.user, pk=crime_id)
    suspect = crime.suspects.filter(pk=suspect_id).first()
    if suspect is None:
        raise Http404
    version = expected_version(request, payload.version)
    data = payload.dict(exclude_unset=True, exclude={"version"})
    suspect = services.suspect_update(
        actor=request.user, suspect=suspect, data=data, expected_version=version
    )
    response["ETag"] = f'"{suspect.version}"'
    return suspect
