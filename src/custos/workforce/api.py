# No `from __future__ import annotations` here: django-ninja resolves parameter types at import time.
"""/api/v1/workforce: people, teams, boroughs, absences and accreditations."""

from datetime import date
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Field, FilterSchema, Query, Router, Schema, Status
from ninja.pagination import paginate

from custos.api import PageNumberPagination, expected_version
from custos.workforce import selectors, services
from custos.workforce.models import Absence, Person

router = Router(tags=["workforce"])


class BoroughOut(Schema):
    id: int
    code: str
    name: str


class TeamOut(Schema):
    id: int
    name: str
    team_type: str
    borough: str = Field(..., alias="borough.code")
    supervisor_id: int | None


class AccreditationOut(Schema):
    specialism: str
    accredited_on: date
    expires_on: date | None


class AbsenceOut(Schema):
    id: int
    kind: str
    starts_on: date
    ends_on: date
    note: str


class PersonOut(Schema):
    id: int
    staff_number: str
    first_name: str
    last_name: str
    rank: str
    job_role: str
    borough: str = Field(..., alias="borough.code")
    team_id: int | None
    line_supervisor_id: int | None
    start_date: date
    probationer: bool
    pip_level: int
    pip_accredited_on: date | None
    visor_authorised: bool
    visor_trained_on: date | None
    visor_training_expires: date | None
    workload_training_on: date | None
    workload_training_expires: date | None
    hours_per_week: float
    active: bool
    version: int


class PersonDetailOut(PersonOut):
    accreditations: list[AccreditationOut]
    absences: list[AbsenceOut]

    @staticmethod
    def resolve_accreditations(obj: Person) -> list[Any]:
        return list(obj.accreditations.all())

    @staticmethod
    def resolve_absences(obj: Person) -> list[Any]:
        return list(obj.absences.all())


class PersonIn(Schema):
    staff_number: str = Field(..., min_length=1, max_length=20)
    first_name: str = Field(..., min_length=1, max_length=80)
    last_name: str = Field(..., min_length=1, max_length=80)
    rank: str
    job_role: str = ""
    borough_id: int
    team_id: int | None = None
    line_supervisor_id: int | None = None
    start_date: date
    probationer: bool = False
    pip_level: int = Field(0, ge=0, le=4)
    pip_accredited_on: date | None = None
    visor_authorised: bool = False
    visor_trained_on: date | None = None
    visor_training_expires: date | None = None
    workload_training_on: date | None = None
    workload_training_expires: date | None = None
    hours_per_week: float = Field(40, gt=0, le=60)


class PersonPatch(Schema):
    version: int | None = None
    first_name: str | None = Field(None, min_length=1, max_length=80)
    last_name: str | None = Field(None, min_length=1, max_length=80)
    rank: str | None = None
    job_role: str | None = None
    team_id: int | None = None
    line_supervisor_id: int | None = None
    probationer: bool | None = None
    pip_level: int | None = Field(None, ge=0, le=4)
    pip_accredited_on: date | None = None
    visor_authorised: bool | None = None
    visor_trained_on: date | None = None
    visor_training_expires: date | None = None
    workload_training_on: date | None = None
    workload_training_expires: date | None = None
    hours_per_week: float | None = Field(None, gt=0, le=60)
    active: bool | None = None


class AbsenceIn(Schema):
    kind: str
    starts_on: date
    ends_on: date
    note: str = Field("", max_length=200)


class PersonFilterSchema(FilterSchema):
    q: str = ""
    borough: str = ""
    team: int | None = None
    rank: str = ""
    pip_level: int | None = Field(None, ge=0, le=4)
    probationer: bool | None = None
    visor_authorised: bool | None = None


def _etag(response: HttpResponse, person: Person) -> None:
    response["ETag"] = f'"{person.version}"'


@router.get("/boroughs", response=list[BoroughOut])
def list_boroughs(request: HttpRequest) -> Any:
    return selectors.borough_list()


@router.get("/teams", response=list[TeamOut])
@paginate(PageNumberPagination)
def list_teams(request: HttpRequest) -> Any:
    return selectors.team_list(actor=request.user)


@router.get("/people", response=list[PersonOut])
@paginate(PageNumberPagination)
def list_people(request: HttpRequest, filters: Query[PersonFilterSchema]) -> Any:
    return selectors.person_list(
        actor=request.user,
        filters=selectors.PersonFilters(
            q=filters.q,
            borough=filters.borough,
            team=filters.team,
            rank=filters.rank,
            pip_level=filters.pip_level,
            probationer=filters.probationer,
            visor_authorised=filters.visor_authorised,
        ),
    )


@router.get("/people/{person_id}", response=PersonDetailOut)
def get_person(request: HttpRequest, person_id: int, response: HttpResponse) -> Any:
    person = selectors.person_get(actor=request.user, pk=person_id)
    _etag(response, person)
    return person


@router.post("/people", response={201: PersonDetailOut})
def create_person(request: HttpRequest, payload: PersonIn, response: HttpResponse) -> Any:
    person = services.person_create(actor=request.user, data=payload.dict())
    _etag(response, person)
    return Status(201, person)


@router.patch("/people/{person_id}", response=PersonDetailOut)
def update_person(request: HttpRequest, person_id: int, payload: PersonPatch, response: HttpResponse) -> Any:
    person = selectors.person_for_change(actor=request.user, pk=person_id)
    data = payload.dict(exclude_unset=True)
    version = expected_version(request, data.pop("version", None))
    person = services.person_update(actor=request.user, person=person, data=data, expected_version=version)
    _etag(response, person)
    return person


@router.get("/people/{person_id}/absences", response=list[AbsenceOut])
def list_absences(request: HttpRequest, person_id: int) -> Any:
    return selectors.person_get(actor=request.user, pk=person_id).absences.all()


@router.post("/people/{person_id}/absences", response={201: AbsenceOut})
def add_absence(request: HttpRequest, person_id: int, payload: AbsenceIn) -> Any:
    person = selectors.person_for_change(actor=request.user, pk=person_id)
    absence: Absence = services.absence_add(actor=request.user, person=person, **payload.dict())
    return Status(201, absence)
