"""Home panels: the investigator's worklist, the investigation supervisor's queue and reviews, the DI view."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.urls import reverse

from custos.accounts.roles import Role
from custos.allocation import selectors as allocation_selectors
from custos.core.access import scope_of
from custos.core.home_panels import Panel, PanelItem, register
from custos.core.policy import current_policy
from custos.investigations import selectors

INVESTIGATOR_ROLES = (Role.INVESTIGATOR, Role.OCSAE_INVESTIGATOR)
SUPERVISOR_ROLES = (Role.INVESTIGATION_SUPERVISOR, Role.DETECTIVE_INSPECTOR)


def _crime_url(pk: int) -> str:
    return reverse("investigations:crime", args=[pk])


@register
def investigation_panels(user: Any, today: date) -> list[Panel]:
    s = scope_of(user)
    panels: list[Panel] = []
    if s.person_id and s.has(*INVESTIGATOR_ROLES):
        tasks = list(selectors.open_tasks(person_id=s.person_id)[:10])
        lines = selectors.open_lines(person_id=s.person_id)
        held = list(selectors.held_crimes(person_id=s.person_id)[:200])
        due = [c for c in held if hasattr(c, "plan") and c.plan.next_review_due <= today]
        items = [
            PanelItem(
                text=f"{t.title} ({t.crime.reference})",
                url=_crime_url(t.crime_id),
                tag="red" if t.due_on < today else "",
                label="Overdue",
                detail=f"due {t.due_on:%d %b %Y}",
            )
            for t in tasks
        ]
        items += [
            PanelItem(
                text=f"Supervisory review due on {c.reference}",
                url=_crime_url(c.pk),
                tag="amber",
                label="Review due",
                detail=f"due {c.plan.next_review_due:%d %b %Y}",
            )
            for c in due[:10]
        ]
        panels.append(
            Panel(
                title="Your investigations",
                order=10,
                empty_text="No tasks or reviews due.",
                items=[
                    PanelItem(text=f"{len(held)} open crimes; {lines.count()} lines of enquiry open"),
                    *items,
                ],
                link=reverse("investigations:worklist"),
                link_text="Your worklist",
            )
        )
    if s.has(*SUPERVISOR_ROLES):
        queue = allocation_selectors.queue(actor=user)
        not_run = allocation_selectors.not_yet_run(actor=user).count()
        overdue = selectors.reviews_due(actor=user, today=today - date.resolution)
        signoffs = selectors.signoffs_pending(actor=user)
        policy = current_policy()
        loads = allocation_selectors.investigator_loads(
            actor=user,
            today=today,
            policy=policy,
            team=s.team_id if not s.has(Role.DETECTIVE_INSPECTOR) else None,
            weighed=False,  # the panel counts red and over-25 investigators only
        )
        red = [r for r in loads if r.rag == "red"]
        panels.append(
            Panel(
                title="Investigation supervision",
                order=12,
                items=[
                    PanelItem(
                        text=f"{queue.count()} crimes waiting for a supervisor (no eligible investigator)",
                        url=reverse("allocation:queue"),
                        tag="amber" if queue.exists() else "",
                        label="Needs a decision",
                    ),
                    PanelItem(
                        text=f"{not_run} unallocated crimes not yet put to the allocation engine",
                        url=reverse("allocation:queue"),
                        tag="amber" if not_run else "",
                        label="Not yet run",
                    ),
                    PanelItem(
                        text=f"{overdue.count()} supervisory reviews overdue",
                        url=reverse("investigations:supervision"),
                        tag="red" if overdue.exists() else "",
                        label="Overdue",
                    ),
                    PanelItem(
                        text=f"{signoffs.count()} NFA outcomes awaiting sign-off",
                        url=reverse("investigations:supervision"),
                        tag="amber" if signoffs.exists() else "",
                        label="Sign-off needed",
                    ),
                    PanelItem(
                        text=f"{len(red)} of {len(loads)} investigators red; "
                        f"{sum(r.over_25 for r in loads)} hold more than 25 crimes",
                        url=reverse("allocation:workload"),
                        tag="red" if red else "green",
                        label="Overloaded" if red else "Within caps",
                    ),
                ],
            )
        )
    if s.has(Role.DETECTIVE_INSPECTOR):
        sups = allocation_selectors.supervisors(actor=user, today=today, policy=current_policy())
        flagged = [x for x in sups if x.over_span or not x.training_current]
        panels.append(
            Panel(
                title="Supervisors in your borough",
                order=14,
                empty_text="Every supervisor is within span and trained.",
                items=[
                    PanelItem(
                        text=f"{x.person.full_name}: {x.span} direct reports; {x.training_note}",
                        tag="red" if not x.training_current else "amber",
                        label="Untrained" if not x.training_current else "Over span",
                    )
                    for x in flagged[:15]
                ],
                link=reverse("allocation:workload"),
                link_text="Workload and supervisors",
            )
        )
    return panels
