"""Crime routes in the permission matrix (see tests/routecases.py)."""

from __future__ import annotations

from typing import Any

from tests.crimes.factories import make_crime, shared
from tests.routecases import RouteCase

NO_PERSONAL = {"inspector": 404, "performance-analyst": 404}
SEE_ALL = ("administrator", "professional-standards")
RECORDERS = (
    "investigator",
    "ocsae-investigator",
    "investigation-supervisor",
    "detective-inspector",
    "administrator",
)
OTHERS = (
    "offender-manager",
    "mosovo-supervisor",
    "digital-forensic-examiner",
    "victim-care-officer",
    "performance-analyst",
    "inspector",
    "professional-standards",
)


def recorders(ok: int, others: int = 404) -> dict[str, int]:
    return {**dict.fromkeys(OTHERS, others), **dict.fromkeys(RECORDERS, ok)}


def _crime(force: Any) -> Any:
    return shared(force, "crime", lambda: make_crime(borough=force.boroughs["A"], team=force.teams["cid@A"]))


def crime_kwargs(force: Any) -> dict[str, Any]:
    return {"pk": _crime(force).pk}


def crime_api_kwargs(force: Any) -> dict[str, Any]:
    return {"crime_id": _crime(force).pk}


def _patch_body(force: Any) -> dict[str, Any]:
    from custos.crimes.models import Crime

    crime = Crime.objects.get(pk=_crime(force).pk)
    return {"version": crime.version, "location": "High Street"}


def _suspect(force: Any) -> Any:
    from custos.crimes.models import Suspect

    return shared(
        force, "suspect", lambda: Suspect.objects.create(crime=_crime(force), status="not-identified")
    )


def suspect_kwargs(force: Any) -> dict[str, Any]:
    return {"pk": _crime(force).pk, "suspect_pk": _suspect(force).pk}


def suspect_api_kwargs(force: Any) -> dict[str, Any]:
    return {"crime_id": _crime(force).pk, "suspect_id": _suspect(force).pk}


def _suspect_patch(force: Any) -> dict[str, Any]:
    from custos.crimes.models import Suspect

    suspect = Suspect.objects.get(pk=_suspect(force).pk)
    return {"version": suspect.version, "status": "identified", "description": "tall"}


def _new_crime(force: Any) -> dict[str, Any]:
    return {"offence_key": "theft-other", "borough": force.boroughs["A"].code, "recorded_on": "2025-01-02"}


ROUTES = [
    RouteCase("crimes:list", expect=NO_PERSONAL),
    RouteCase(
        "crimes:detail",
        kwargs=crime_kwargs,
        expect=NO_PERSONAL,
        outsider=404,
        outsider_exempt=SEE_ALL,
        sensitive=True,
    ),
    RouteCase("crimes:create", expect=recorders(200)),
    RouteCase("crimes:import", expect=recorders(200)),
    RouteCase(
        "crimes:edit",
        kwargs=crime_kwargs,
        sensitive=True,
        expect=recorders(200),
        outsider=404,
        outsider_exempt=("administrator",),
    ),
    RouteCase(
        "crimes:suspect_add",
        kwargs=crime_kwargs,
        method="post",
        expect=recorders(302),
        outsider=404,
        outsider_exempt=("administrator",),
        data=lambda f: {"status": "identified", "description": "tall"},
    ),
    RouteCase(
        "crimes:suspect_edit",
        kwargs=suspect_kwargs,
        sensitive=True,
        expect=recorders(200),
        outsider=404,
        outsider_exempt=("administrator",),
    ),
    RouteCase("api-1:list_crimes"),
    RouteCase(
        "api-1:get_crime",
        kwargs=crime_api_kwargs,
        expect=NO_PERSONAL,
        outsider=404,
        outsider_exempt=SEE_ALL,
        sensitive=True,
    ),
    RouteCase(
        "api-1:create_crime",
        method="post",
        data=_new_crime,
        expect=recorders(201, 403),
        outsider=403,
        outsider_exempt=("administrator",),
    ),
    RouteCase(
        "api-1:patch_crime",
        kwargs=crime_api_kwargs,
        method="patch",
        data=_patch_body,
        expect=recorders(200),
        outsider=404,
        outsider_exempt=("administrator",),
    ),
    RouteCase(
        "api-1:patch_suspect",
        kwargs=suspect_api_kwargs,
        method="patch",
        data=_suspect_patch,
        expect=recorders(200),
        outsider=404,
        outsider_exempt=("administrator",),
    ),
]
