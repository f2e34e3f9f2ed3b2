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


WHATIF_FORM = {
    "caseload_red": "20",
    "probationer_caseload_red": "10",
    "weighted_load_cap": "40",
    "tier_weight_t1": "1",
    "tier_weight_t2": "3",
    "tier_weight_t3": "8",
    "enhanced_victim_factor": "1.5",
}


def _job(force: Any) -> Any:
    """A dry run asked for by the investigation supervisor in A (its borough's allocators may see it)."""

    def build() -> Any:
        from custos.allocation.models import AllocationJob, JobKind

        return AllocationJob.objects.create(
            kind=JobKind.RUN,
            requested_by=force.users["investigation-supervisor@A"],
            borough=force.boroughs["A"],
        )

    return shared(force, "job", build)


def _override_body(force: Any) -> dict[str, Any]:
    return {
        "crime_id": _unallocated(force).pk,
        "officer_id": force.people["investigator@A"].pk,
        "rationale": "Knows the victim's family liaison history",
    }


_declared = {"n": 0}


def _conflict(force: Any) -> Any:
    """A fresh active conflict of the investigator in A, recorded by their supervisor (not self-declared)."""
    from custos.allocation.models import ConflictKind, ConflictOfInterest

    _declared["n"] += 1
    return ConflictOfInterest.objects.create(
        officer=force.people["investigator@A"],
        kind=ConflictKind.PERSON,
        person_name=f"Route Person {_declared['n']}",
        name_key=f"route person {_declared['n']}",
        reason="Neighbour",
        declared_by=force.users["investigation-supervisor@A"],
    )


def _shared_conflict(force: Any) -> Any:
    return shared(force, "conflict", lambda: _conflict(force))


def _declare_body(force: Any) -> dict[str, Any]:
    _declared["n"] += 1
    return {
        "officer_id": force.people["investigator@A"].pk,
        "kind": "person",
        "person_name": f"Declared Person {_declared['n']}",
        "reason": "Former partner",
    }


# Who may see the investigator in A's conflicts: themselves, their line supervisor (the DS), the borough's
# allocators, and force-wide readers. Who may record or withdraw for them: themselves (their own
# declarations only), whoever manages their record (line and team supervisor, borough DI), administrators.
CONFLICT_READERS = ("investigator", "investigation-supervisor", "detective-inspector", *SEE_ALL)
CONFLICT_RECORDERS = ("investigator", "investigation-supervisor", "detective-inspector", "administrator")
CONFLICT_MANAGERS = ("investigation-supervisor", "detective-inspector", "administrator")
WORKLOAD_READERS = ("investigator", "investigation-supervisor", "detective-inspector", "administrator")

ROUTES = [
    RouteCase("allocation:queue", expect=only(SUPERVISORS, 200)),
    RouteCase("allocation:history", expect=only(SUPERVISORS, 200)),
    RouteCase("allocation:whatif", expect=only(SUPERVISORS, 200)),
    RouteCase("allocation:workload", expect=only(SUPERVISORS, 200)),
    RouteCase(
        "allocation:run", method="post", data=lambda f: {"dry_run": "on"}, expect=only(SUPERVISORS, 302)
    ),
    RouteCase(
        "allocation:whatif",
        method="post",
        data=lambda f: dict(WHATIF_FORM),
        expect=only(SUPERVISORS, 302),
        id="simulate",
    ),
    RouteCase(
        "allocation:job",
        kwargs=lambda f: {"pk": _job(f).pk},
        expect=only(SUPERVISORS, 200),
        outsider=404,
        outsider_exempt=("administrator",),
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
        sensitive=True,
        outsider=404,
    ),
    RouteCase(
        "api-1:run_allocation", method="post", data=lambda f: {"dry_run": True}, expect=only(SUPERVISORS, 200)
    ),
    RouteCase("api-1:list_allocations", expect=only(SUPERVISORS, 200)),
    RouteCase(
        "api-1:request_job",
        method="post",
        data=lambda f: {"kind": "run", "dry_run": True},
        expect=only(SUPERVISORS, 202),
    ),
    RouteCase("api-1:list_jobs", expect=only(SUPERVISORS, 200)),
    RouteCase(
        "api-1:get_job",
        kwargs=lambda f: {"job_id": _job(f).pk},
        expect=only(SUPERVISORS, 200),
        outsider=404,
        outsider_exempt=("administrator",),
    ),
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
    RouteCase("allocation:conflicts", expect=NO_PERSONAL, sensitive=True),
    RouteCase(
        "allocation:conflict_withdraw",
        kwargs=lambda f: {"pk": _conflict(f).pk},
        method="post",
        data=lambda f: {"reason": "Moved away; no longer in contact"},
        expect=only(CONFLICT_MANAGERS, 302),
        outsider=404,
        outsider_exempt=("administrator",),
    ),
    RouteCase(
        "allocation:officer_workload",
        kwargs=lambda f: {"pk": f.people["investigator@A"].pk},
        expect=only(WORKLOAD_READERS, 200),
        outsider=404,
        outsider_exempt=("administrator",),
    ),
    RouteCase("api-1:list_conflicts", expect=NO_PERSONAL, sensitive=True),
    RouteCase(
        "api-1:declare_conflict",
        method="post",
        data=_declare_body,
        expect=only(CONFLICT_RECORDERS, 201),
        outsider=404,
        outsider_exempt=("administrator",),
    ),
    RouteCase(
        "api-1:get_conflict",
        kwargs=lambda f: {"conflict_id": _shared_conflict(f).pk},
        expect=only(CONFLICT_READERS, 200),
        outsider=404,
        outsider_exempt=SEE_ALL,
        sensitive=True,
    ),
    RouteCase(
        "api-1:withdraw_conflict",
        kwargs=lambda f: {"conflict_id": _conflict(f).pk},
        method="post",
        data=lambda f: {"reason": "Moved away; no longer in contact"},
        expect=only(CONFLICT_MANAGERS, 200),
        outsider=404,
        outsider_exempt=("administrator",),
    ),
    RouteCase("api-1:list_workload", expect=only(SUPERVISORS, 200)),
    RouteCase("api-1:list_workload_supervisors", expect=only(SUPERVISORS, 200)),
    RouteCase(
        "api-1:get_officer_workload",
        kwargs=lambda f: {"person_id": f.people["investigator@A"].pk},
        expect=only(WORKLOAD_READERS, 200),
        outsider=404,
        outsider_exempt=("administrator",),
    ),
]
