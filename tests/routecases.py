"""The permission matrix and the read-audit proof are driven by route cases that each app declares.

Every URL pattern and API route must be covered by a RouteCase in some `tests/<app>/routes.py`
(`ROUTES = [...]`); tests/core/test_permission_matrix.py fails if a route is missing, so no new route can
slip past need-to-know or the audit. For each case and each role:

- a persona with that role in borough A (where the case's object lives) gets `expect.get(role, default)`;
- the persona with the same role in borough B (the outsider) gets `outsider` when it is set, else the same;
- anonymous users get `anonymous` (302 to login for pages, 401 for the API).

`sensitive=True` means a successful GET must write an access AuditEvent (sensitive=True) in the same
request: tests/core/test_read_audit.py proves it for every such route.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class RouteCase:
    name: str  # URL name, e.g. "workforce:person" or "api-1:get_person"
    kwargs: Callable[[Any], dict[str, Any]] = field(default=lambda force: {})
    expect: dict[str, int] = field(default_factory=dict)  # role -> status
    default: int = 200
    outsider: int | None = None  # status for the same role in the other borough (None = same as own)
    outsider_exempt: tuple[
        str, ...
    ] = ()  # roles that see across boroughs: their outsider gets the own status
    anonymous: int | None = None  # None: 302 for pages, 401 for the API
    sensitive: bool = False
    method: str = "get"
    data: Callable[[Any], dict[str, Any]] | None = None  # request body for POST cases
    query: str = ""
    id: str = ""  # distinguishes several cases for one route

    @property
    def is_api(self) -> bool:
        return self.name.startswith("api-1:")

    def label(self) -> str:
        return f"{self.method.upper()} {self.name}{'#' + self.id if self.id else ''}"
