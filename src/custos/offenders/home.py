"""Home panels: what needs the offender manager's, the DS's and the DI's attention today."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.urls import reverse

from custos.accounts.roles import Role
from custos.core.access import scope_of
from custos.core.home_panels import Panel, PanelItem, register
from custos.offenders import selectors
from custos.offenders.models import OffenderTask
from custos.offenders.rules.escalation import step_labels

# Ladder rank (selectors: breach case, consider s.96B, overdue by a whole interval, overdue, due soon, away)
# -> tag colour and words.
TAGS = {0: ("red", "Escalate"), 1: ("red", "Escalate"), 2: ("red", "Escalate"), 3: ("amber", "Overdue")}
PANEL_ITEMS = 10
ESCALATIONS = ("breach-case", "s96b-consideration", "di-plan-required")


def _offender_item(o: Any, today: date) -> PanelItem:
    seen = f"last seen {o.last_successful_visit_on}" if o.last_successful_visit_on else "never seen"
    return PanelItem(
        text=f"{o.reference} {o.full_name}: {step_labels(o.ladder_steps) or 'notification due'}",
        url=reverse("offenders:offender", args=[o.pk]),
        tag=TAGS.get(o.ladder_rank, ("", ""))[0],
        label=TAGS.get(o.ladder_rank, ("", ""))[1],
        detail=f"{seen}; visit due {o.next_visit_due or '–'}",
    )


def _task_item(t: OffenderTask) -> PanelItem:
    return PanelItem(
        text=f"{t.get_kind_display()}: {t.offender.reference}",
        url=reverse("offenders:task", args=[t.pk]),
        tag="red" if t.kind in ESCALATIONS else "amber",
        label="Escalation" if t.kind in ESCALATIONS else "Task",
        detail=f"{t.reason} · due {t.due or '–'}",
    )


@register
def offender_panels(user: Any, today: date) -> list[Panel]:
    s = scope_of(user)
    panels: list[Panel] = []
    if s.has(Role.OFFENDER_MANAGER) and s.person_id:
        qs = selectors.worklist(actor=user, filters=selectors.WorklistFilters(scope="mine"), today=today)
        items = list(qs[:PANEL_ITEMS])
        selectors.list_read(
            actor=user,
            action=selectors.HOME_PANEL_LISTED,
            filters={"panel": "your offenders", "scope": "mine"},
            result_count=len(items),
        )
        panels.append(
            Panel(
                title="Your offenders needing a visit or notification",
                order=10,
                empty_text="None of your offenders is due.",
                items=[_offender_item(o, today) for o in items],
                link=reverse("offenders:worklist"),
                link_text="Open your worklist",
            )
        )
    if s.has(Role.MOSOVO_SUPERVISOR, Role.DETECTIVE_INSPECTOR):
        kinds: tuple[str, ...] = ("breach-case", "s96b-consideration", "di-plan-required")
        if s.has(Role.MOSOVO_SUPERVISOR):
            kinds = (*kinds, "overdue-alert")
        scope = "borough" if s.has(Role.DETECTIVE_INSPECTOR) else "team"
        tasks = list(selectors.oversight_tasks(actor=user, kinds=kinds, scope=scope)[:PANEL_ITEMS])
        selectors.list_read(
            actor=user,
            action=selectors.TASKS_LISTED,
            filters={
                "panel": "offender escalations",
                "scope": scope,
                "status": "open",
                "kind": ",".join(kinds),
            },
            result_count=len(tasks),
        )
        panels.append(
            Panel(
                title="Offender escalations"
                + (" in your borough" if scope == "borough" else " in your team"),
                order=11,
                empty_text="No open escalations.",
                items=[_task_item(t) for t in tasks],
                link=reverse("offenders:dashboard") + f"?scope={scope}",
                link_text="Open the oversight dashboard",
            )
        )
    return panels
