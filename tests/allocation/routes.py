"""Allocation routes in the permission matrix (see tests/routecases.py)."""

from __future__ import annotations

from typing import Any

from tests.conftest import ALL_ROLES
from tests.crimes.factories import allocated_crime, make_crime, shared
from tests.routecases import RouteCase

SUPERVISORS = ("investigation-supervisor", "detective-inspector", "administrator")
OVERRIDERS = ("investigation-supervisor", "detective-inspector")
NO_PERSONAL = {"inspector": 404, "performance-analyst": 404}
SEE_ALL = ("administrator", "professional-standards")


def only(roles: tuple[str, ...], ok: int) -> dict[str, int]:
    return {**dict.fromkeys(ALL_ROLES, 404), **dict.fromkeys(roles, ok)}


def _unallocated(force: Any) -> Any:
    return shared(
        force, "unallocated", lambda: make_crime(borough=force.boroughs["A"], team=force.teams["cid@A"])
    )


def _allocation(force: Any) -> Any:
    def build() -> Any:
        from custos.allocation.models import Allocation, AllocationKind

        crime = allocated_crime(force)
        return Allocation.objects.create(
            crime=crime,
            officer=force.people["investigator@A"],
            kind=AllocationKind.ENGINE,
            explanation={"reasons": ["test"]},
            policy_version="test",
            engine_version="test",
        )

    return shared(force, "allocation", build)


def _override_body(force: Any) -> dict[str, Any]:
    return {
        "crime_id": _unallocated(force).pk,
        "officer_id": force.people["investigator@A"].pk,
        "rationale": "Knows the victim's family liaison history",
    }


ROUTES = [
    RouteCase("allocation:queue", expect=only(SUPERVISORS, 200)),
    RouteCase("allocation:history", expect=only(SUPERVISORS, 200)),
    RouteCase("allocation:whatif", expect=only(SUPERVISORS, 200)),
    RouteCase("allocation:workload", expect=only(SUPERVISORS, 200)),
    RouteCase(
        "allocation:run", method="post", data=lambda f: {"dry_run": "on"}, expect=only(SUPERVISORS, 200)
    ),
    RouteCase(
        "allocation:detail",
        kwargs=lambda f: {"pk": _allocation(f).pk},
        expect=NO_PERSONAL,
        outsider=404,
        outsider_exempt=SEE_ALL,
    ),
    RouteCase(
        "allocation:allocate_crime",
        kwargs=lambda f: {"pk": _unallocated(f).pk},
        method="post",
        expect=only(SUPERVISORS, 302),
        outsider=404,
        outsider_exempt=("administrator",),
    ),
    RouteCase(
        "allocation:override",
        kwargs=lambda f: {"pk": _unallocated(f).pk},
        expect=only(OVERRIDERS, 200),
        outsider=404,
    ),
    RouteCase(
        "api-1:run_allocation", method="post", data=lambda f: {"dry_run": True}, expect=only(SUPERVISORS, 200)
    ),
    RouteCase("api-1:list_allocations", expect=only(SUPERVISORS, 200)),
    RouteCase("api-1:allocation_queue", expect=only(SUPERVISORS, 200)),
    RouteCase(
        "api-1:get_allocation",
        kwargs=lambda f: {"allocation_id": _allocation(f).pk},
        expect=NO_PERSONAL,
        outsider=404,
        outsider_exempt=SEE_ALL,
    ),
    RouteCase(
        "api-1:override_allocation",
        method="post",
        data=_override_body,
        expect=only(OVERRIDERS, 201),
        outsider=404,
    ),
]
