"""The home page lists what needs each person's attention. Apps register panel builders by role."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import QuerySet

from custos.core.access import scope_of
from custos.core.models import BreakGlassGrant

# A panel item's colour, as GOV.UK tag modifiers (amber is GOV.UK's orange).
TAG_CLASSES = {"red": "govuk-tag--red", "amber": "govuk-tag--orange", "green": "govuk-tag--green"}
TAG_NEEDS_LABEL = (
    "a panel item's tag needs its own words (label): colour alone says nothing to a screen reader"
)


@dataclass
class PanelItem:
    text: str
    url: str = ""
    tag: str = ""  # "red" | "amber" | "green" | ""
    detail: str = ""
    label: str = ""  # the tag's words, which say what the colour means for this item ("Overdue", "Over span")

    def __post_init__(self) -> None:
        if self.tag and (self.tag not in TAG_CLASSES or not self.label):
            raise ValueError(f"{TAG_NEEDS_LABEL}: {self.tag!r} {self.text!r}")

    @property
    def tag_class(self) -> str:
        return TAG_CLASSES.get(self.tag, "")


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
