"""Investigation routes in the permission matrix (see tests/routecases.py)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from tests.allocation.routes import only
from tests.crimes.factories import allocated_crime, shared
from tests.crimes.routes import recorders
from tests.routecases import RouteCase

NO_PERSONAL = {"inspector": 404, "performance-analyst": 404}
SEE_ALL = ("administrator", "professional-standards")
SUPERVISORS = ("investigation-supervisor", "detective-inspector", "administrator")
REVIEWERS = ("investigation-supervisor", "detective-inspector")
ADMIN_ONLY = ("administrator",)


def _crime(force: Any) -> Any:
    return shared(force, "investigated", lambda: allocated_crime(force))


def _kw(force: Any) -> dict[str, Any]:
    return {"pk": _crime(force).pk}


def _api_kw(force: Any) -> dict[str, Any]:
    return {"crime_id": _crime(force).pk}


def _line(force: Any) -> Any:
    from custos.investigations.models import LineOfEnquiry

    return LineOfEnquiry.objects.filter(plan__crime=_crime(force)).order_by("id").first()


def _task(force: Any) -> Any:
    def build() -> Any:
        from custos.investigations.models import Task

        crime = _crime(force)
        return Task.objects.create(crime=crime, title="Trace CCTV", owner=crime.officer, due_on=date.today())

    return shared(force, "task", build)


def _line_body(force: Any) -> dict[str, Any]:
    from custos.investigations.models import LineOfEnquiry

    line = LineOfEnquiry.objects.get(pk=_line(force).pk)
    return {"status": "pursued", "reason": "Done", "version": line.version}


FUTURE = (date.today() + timedelta(days=7)).isoformat()

ROUTES = [
    RouteCase("investigations:worklist", expect=NO_PERSONAL),
    RouteCase("investigations:supervision", expect=only(SUPERVISORS, 200)),
    RouteCase("investigations:nfa_rates"),
    RouteCase(
        "investigations:crime",
        kwargs=_kw,
        expect=NO_PERSONAL,
        outsider=404,
        outsider_exempt=SEE_ALL,
        sensitive=True,
    ),
    RouteCase(
        "investigations:task_add",
        kwargs=_kw,
        method="post",
        data=lambda f: {"title": "Visit", "due_on": FUTURE},
        expect=recorders(302),
        outsider=404,
        outsider_exempt=ADMIN_ONLY,
    ),
    RouteCase(
        "investigations:review_add",
        kwargs=_kw,
        method="post",
        data=lambda f: {"direction": "Trace CCTV"},
        expect=only(REVIEWERS, 302),
        outsider=404,
    ),
    RouteCase(
        "investigations:outcome",
        kwargs=_kw,
        method="post",
        data=lambda f: {"outcome": "18"},
        expect=recorders(200),  # refused (lines still open): the form comes back with the reason
        outsider=404,
        outsider_exempt=ADMIN_ONLY,
    ),
    RouteCase(
        "investigations:signoff",
        kwargs=_kw,
        method="post",
        data=lambda f: {"rationale": "Agreed"},
        expect=only(REVIEWERS, 200),  # refused (nothing awaits sign-off): the form comes back
        outsider=404,
    ),
    RouteCase(
        "investigations:line_update",
        kwargs=lambda f: {"pk": _line(f).pk},
        method="post",
        data=lambda f: {"status": "pursued", "reason": "Checked"},
        expect=recorders(302),
        outsider=404,
        outsider_exempt=ADMIN_ONLY,
    ),
    RouteCase(
        "investigations:task_done",
        kwargs=lambda f: {"pk": _task(f).pk},
        method="post",
        expect=recorders(302),
        outsider=404,
        outsider_exempt=ADMIN_ONLY,
    ),
    RouteCase(
        "api-1:get_plan",
        kwargs=_api_kw,
        expect=NO_PERSONAL,
        outsider=404,
        outsider_exempt=SEE_ALL,
        sensitive=True,
    ),
    RouteCase(
        "api-1:update_line",
        kwargs=lambda f: {"line_id": _line(f).pk},
        method="patch",
        data=_line_body,
        expect=recorders(200),
        outsider=404,
        outsider_exempt=ADMIN_ONLY,
    ),
    RouteCase(
        "api-1:list_reviews",
        kwargs=_api_kw,
        expect=NO_PERSONAL,
        outsider=404,
        outsider_exempt=SEE_ALL,
        sensitive=True,
    ),
    RouteCase(
        "api-1:record_review",
        kwargs=_api_kw,
        method="post",
        data=lambda f: {"direction": "Trace CCTV"},
        expect=only(REVIEWERS, 201),
        outsider=404,
    ),
    RouteCase(
        "api-1:record_outcome",
        kwargs=_api_kw,
        method="post",
        data=lambda f: {"outcome": 18},
        expect=recorders(422),
        outsider=404,
        outsider_exempt=ADMIN_ONLY,
    ),
    RouteCase(
        "api-1:sign_off_outcome",
        kwargs=_api_kw,
        method="post",
        data=lambda f: {"rationale": "Agreed"},
        expect=only(REVIEWERS, 422),
        outsider=404,
    ),
    RouteCase(
        "api-1:list_outcomes",
        kwargs=_api_kw,
        expect=NO_PERSONAL,
        outsider=404,
        outsider_exempt=SEE_ALL,
        sensitive=True,
    ),
    RouteCase("api-1:nfa_rates"),
    RouteCase("api-1:worklist", expect=NO_PERSONAL),
    RouteCase("api-1:supervision", expect=only(SUPERVISORS, 200)),
    RouteCase(
        "api-1:add_task",
        kwargs=_api_kw,
        method="post",
        data=lambda f: {"title": "Visit", "due_on": FUTURE},
        expect=recorders(201),
        outsider=404,
        outsider_exempt=ADMIN_ONLY,
    ),
    RouteCase(
        "api-1:complete_task",
        kwargs=lambda f: {"task_id": _task(f).pk},
        method="post",
        expect=recorders(200),
        outsider=404,
        outsider_exempt=ADMIN_ONLY,
    ),
]
