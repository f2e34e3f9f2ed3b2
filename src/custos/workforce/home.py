"""Workforce panels on the home page: training expiries, span of control, break-glass reviews."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Count, Q
from django.urls import reverse

from custos.accounts.roles import Role
from custos.core.access import scope_of
from custos.core.home_panels import Panel, PanelItem, break_glass_for_supervisor, register
from custos.core.policy import current_policy
from custos.workforce import selectors
from custos.workforce.models import Person

SUPERVISOR_ROLES = (
    Role.MOSOVO_SUPERVISOR,
    Role.INVESTIGATION_SUPERVISOR,
    Role.DETECTIVE_INSPECTOR,
    Role.ADMINISTRATOR,
)


def _expiry_item(person: Person, e: Any, *, show_name: bool) -> PanelItem:
    when = f"expired {-e.days_left} days ago" if e.expired else f"expires in {e.days_left} days"
    text = f"{person.full_name}: {e.label} {when}" if show_name else f"{e.label} {when}"
    return PanelItem(
        text=text,
        url=reverse("workforce:person", args=[person.pk]),
        tag="red" if e.expired else "amber",
        label="Expired" if e.expired else "Expiring",
        detail=f"{e.expires_on:%d %b %Y} · {e.basis}",
    )


@register
def workforce_panels(user: Any, today: date) -> list[Panel]:
    s = scope_of(user)
    panels: list[Panel] = []
    if s.person_id:
        own = selectors.training_expiries(people=Person.objects.filter(pk=s.person_id), today=today)
        panels.append(
            Panel(
                title="Your training",
                order=90,
                empty_text="Your training is in date.",
                items=[_expiry_item(pe.person, pe.expiry, show_name=False) for pe in own],
            )
        )
    if s.has(*SUPERVISOR_ROLES):
        team = selectors.supervisees(actor=user)
        expiries = selectors.training_expiries(people=team, today=today)
        panels.append(
            Panel(
                title="Training expiring in your teams",
                order=20,
                items=[_expiry_item(pe.person, pe.expiry, show_name=True) for pe in expiries[:25]],
                link=reverse("workforce:training"),
                link_text=f"All training expiries ({len(expiries)})",
            )
        )
        span = int(current_policy().get("workforce.supervisor_span_of_control"))
        over = (
            Person.objects.filter(pk__in=team.values("line_supervisor_id"))
            .annotate(n=Count("supervisees", filter=Q(supervisees__active=True)))
            .filter(n__gt=span)
        )
        panels.append(
            Panel(
                title="Span of control",
                order=30,
                empty_text=f"No supervisor has more than {span} direct reports.",
                items=[
                    PanelItem(
                        text=f"{p.full_name} supervises {p.n} people (policy maximum {span})",
                        url=reverse("workforce:person", args=[p.pk]),
                        tag="amber",
                        label="Over span",
                        detail=current_policy().basis("workforce.supervisor_span_of_control"),
                    )
                    for p in over[:20]
                ],
            )
        )
        grants = break_glass_for_supervisor(user).filter(reviewed_at__isnull=True)[:10]
        panels.append(
            Panel(
                title="Break-glass access to review",
                order=25,
                empty_text="No unreviewed break-glass access.",
                items=[
                    PanelItem(
                        text=f"{g.user} opened {g.object_type} {g.object_id}",
                        detail=g.reason,
                        tag="red",
                        label="To review",
                    )
                    for g in grants
                ],
                link=reverse("audit:break_glass_review"),
                link_text="Review break-glass access",
            )
        )
    if not s.sees_personal_data or s.is_admin:
        total = Person.objects.filter(active=True).count()
        investigators = Person.objects.filter(active=True, pip_level__gte=1).count()
        probationers = Person.objects.filter(active=True, probationer=True).count()
        panels.append(
            Panel(
                title="Workforce at a glance",
                order=80,
                items=[
                    PanelItem(text=f"{total:,} officers and staff"),
                    PanelItem(text=f"{investigators:,} accredited investigators (PIP1 or above)"),
                    PanelItem(text=f"{probationers:,} probationers"),
                ],
            )
        )
    return panels
