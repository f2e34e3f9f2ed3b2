from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from custos.core.domains import nav_items
from custos.core.policy import current_policy


def custos(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    roles = user.roles if user is not None and user.is_authenticated else frozenset()
    return {
        "nav_items": nav_items(user) if roles else [],
        "policy_version": current_policy().version,
        "force_name": current_policy().get("force_name"),
        "user_roles": sorted(r.value for r in user.roles)
        if user is not None and user.is_authenticated
        else [],
    }
