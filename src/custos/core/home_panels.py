"""The home page lists what needs each person's attention. Apps register panel builders by role."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import QuerySet

from custos.core.access import scope_of
from custos.core.models import BreakGlassGrant


@dataclass
class PanelItem:
    text: str
    url: str = ""
    tag: str = ""  # "red" | "amber" | "green" | ""
    detail: str = ""


@dataclass
class Panel:
    title: str
    items: list[PanelItem] = field(default_factory=list)
    empty_text: str = "Nothing needs your attention."
    link: str = ""
    link_text: str = ""
    order: int = 50


PanelBuilder = Callable[[Any, date], list[Panel]]
_BUILDERS: list[PanelBuilder] = []


def register(builder: PanelBuilder) -> PanelBuilder:
    _BUILDERS.append(builder)
    return builder


def panels_for(user: Any, *, today: date) -> list[Panel]:
    panels: list[Panel] = []
    for build in _BUILDERS:
        panels.extend(build(user, today))
    return sorted(panels, key=lambda p: p.order)


def break_glass_for_supervisor(user: Any) -> QuerySet[BreakGlassGrant]:
    from custos.workforce.access import person_change_q
    from custos.workforce.models import Person

    s = scope_of(user)
    qs = BreakGlassGrant.objects.select_related("user", "reviewed_by").order_by("-granted_at")
    if s.is_admin or "professional-standards" in s.roles:
        return qs
    supervised_users = Person.objects.filter(person_change_q(s), user__isnull=False).values("user_id")
    return qs.filter(user_id__in=supervised_users)
