"""Home panels for the lab: examiners (their examinations, the queue's SLA misses) and OCSAE investigators."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.urls import reverse

from custos.accounts.roles import Role
from custos.core.access import scope_of
from custos.core.home_panels import Panel, PanelItem, register
from custos.triage import selectors

TAGS = {"likely-iioc": ("red", "Likely IIOC"), "hits": ("amber", "Hash hits")}


def _queue_items(
    user: Any, view: selectors.QueueView, *, only_misses: bool, limit: int = 10
) -> list[PanelItem]:
    entries = [e for e in view.entries if e.ranked.misses_sla] if only_misses else view.entries
    shown = entries[:limit]
    where = "home: queue SLA misses" if only_misses else "home: top of the queue"
    selectors.devices_listed(actor=user, where=where, result_count=len(shown))
    items = []
    for e in shown:
        d, r = e.device, e.ranked
        start = f"expected start {r.expected_start:%d %b %Y}" if r.expected_start else "no examiner capacity"
        items.append(
            PanelItem(
                text=f"{d.exhibit_reference}: {d.get_verdict_display()}, score {r.rank.score:g}, {start}",
                url=reverse("triage:device", args=[d.pk]),
                tag="red" if r.misses_sla else TAGS.get(d.verdict, ("", ""))[0],
                label="Misses SLA" if r.misses_sla else TAGS.get(d.verdict, ("", ""))[1],
                detail=f"SLA due {r.rank.sla.due:%d %b %Y} · {r.rank.sla.basis}",
            )
        )
    return items


@register
def triage_panels(user: Any, today: date) -> list[Panel]:
    s = scope_of(user)
    if not s.has(Role.DIGITAL_FORENSIC_EXAMINER, Role.OCSAE_INVESTIGATOR):
        return []
    panels: list[Panel] = []
    view = selectors.lab_queue(actor=user, today=today, audit_search=False)
    if s.has(Role.DIGITAL_FORENSIC_EXAMINER):
        mine = list(selectors.worklist(actor=user)[:15])
        selectors.devices_listed(actor=user, where="home: your examinations", result_count=len(mine))
        panels.append(
            Panel(
                title="Your examinations",
                order=15,
                empty_text="No device is assigned to you.",
                items=[
                    PanelItem(
                        text=f"{d.exhibit_reference}: {d.get_device_type_display()}, "
                        f"{d.get_verdict_display()}",
                        url=reverse("triage:device", args=[d.pk]),
                        tag=TAGS.get(d.verdict, ("", ""))[0],
                        label=TAGS.get(d.verdict, ("", ""))[1],
                    )
                    for d in mine
                ],
                link=reverse("triage:worklist"),
                link_text="Examiner worklist",
            )
        )
    misses = sum(1 for e in view.entries if e.ranked.misses_sla)
    panels.append(
        Panel(
            title="Lab queue: devices that will miss their SLA",
            order=16,
            empty_text="Every queued device is expected to start within its referral SLA.",
            items=_queue_items(user, view, only_misses=True),
            link=reverse("triage:queue") + "?misses_sla=yes",
            link_text=f"All {misses} SLA misses",
        )
    )
    if s.has(Role.OCSAE_INVESTIGATOR):
        panels.append(
            Panel(
                title="Top of the lab queue",
                order=17,
                empty_text="No device is waiting.",
                items=_queue_items(user, view, only_misses=False, limit=8),
                link=reverse("triage:queue"),
                link_text=f"Lab queue ({len(view.entries)})",
            )
        )
    return panels
