"""Reporting routes in the permission matrix (see tests/routecases.py): aggregates for inspectors, analysts
and administrators, force-wide; a detective inspector's own borough; 404 for anyone else."""

from __future__ import annotations

from tests.conftest import ALL_ROLES
from tests.routecases import RouteCase

READERS = ("inspector", "performance-analyst", "administrator", "detective-inspector")


def only(roles: tuple[str, ...], ok: int) -> dict[str, int]:
    return {**dict.fromkeys(ALL_ROLES, 404), **dict.fromkeys(roles, ok)}


ROUTES = [
    RouteCase("reporting:inspection", expect=only(READERS, 200)),
    RouteCase("api-1:inspection", expect=only(READERS, 200)),
]
