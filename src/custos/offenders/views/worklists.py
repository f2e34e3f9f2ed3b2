"""The offender manager's worklist, and the supervisor (DS) and DI oversight dashboard."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from custos.core.access import scope_of
from custos.core.csvexport import csv_attachment
from custos.core.pages import opens_for
from custos.offenders import access, selectors
from custos.offenders.models import Offender
from custos.offenders.rules.escalation import STEP_LABELS
from custos.workforce import selectors as workforce_selectors
from custos.workforce.models import Person

CSV_FIELDS = [
    "reference",
    "name",
    "rosh_level",
    "management_mode",
    "lead_manager",
    "last_successful_visit",
    "next_visit_due",
    "next_notification_due",
    "ladder_steps",
]


def _csv(rows: Any, filename: str) -> tuple[HttpResponse, int]:
    """The download, and how many offenders it names (for the audit)."""
    response, w = csv_attachment(filename)
    w.writerow(CSV_FIELDS)
    written = 0
    for o in rows:
        written += 1
        w.writerow(
            [
                o.reference,
                o.full_name,
                o.rosh_level,
                o.management_mode,
                o.lead_manager.full_name if o.lead_manager else "",
                o.last_successful_visit_on or "",
                o.next_visit_due or "",
                o.next_notification_due or "",
                o.ladder_steps,
            ]
        )
    return response, written


@login_required
@opens_for(access.works_with_offenders)
def worklist(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    s = scope_of(request.user)
    default_scope = "mine" if s.person_id else "all"
    g = request.GET
    filters = selectors.WorklistFilters(
        scope=g.get("scope", default_scope),
        level=g.get("level", ""),
        step=g.get("step", ""),
        q=g.get("q", ""),
        sort=g.get("sort", "priority"),
    )
    qs = selectors.worklist(actor=request.user, filters=filters, today=today)
    if g.get("format") == "csv":
        response, written = _csv(qs, "custos-offender-worklist.csv")
        selectors.list_read(
            actor=request.user,
            action=selectors.WORKLIST_LISTED,
            filters={**asdict(filters), "format": "csv"},
            result_count=written,
        )
        return response
    page = Paginator(qs, 50).get_page(g.get("page"))
    selectors.list_read(
        actor=request.user,
        action=selectors.WORKLIST_LISTED,
        filters={**asdict(filters), "page": page.number},
        result_count=page.paginator.count,
    )
    for o in page:
        seen = o.last_successful_visit_on
        o.days_since_seen = (today - seen).days if seen else None  # type: ignore[attr-defined]
    tasks = list(selectors.tasks_for(actor=request.user)[:100])
    selectors.list_read(
        actor=request.user,
        action=selectors.TASKS_LISTED,
        filters={"list": "my open tasks", "status": "open", "mine": True},
        result_count=len(tasks),
    )
    return render(
        request,
        "offenders/worklist.html",
        {
            "page": page,
            "filters": filters,
            "tasks": tasks,
            "today": today,
            "query": g.urlencode(),
            "can_create": access.may_create_offenders(s),
            "levels": Offender._meta.get_field("rosh_level").choices,
            "steps": [(step.value, label) for step, label in STEP_LABELS.items()],
        },
    )


OVERSIGHT_KINDS = ("s96b-consideration", "breach-case", "di-plan-required")


@login_required
@opens_for(access.is_supervisor)
def dashboard(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    s = scope_of(request.user)
    default_scope = "team" if s.has("mosovo-supervisor") and s.team_id else "borough"  # type: ignore[arg-type]
    scope = request.GET.get("scope", default_scope)
    d = selectors.dashboard(actor=request.user, today=today, scope=scope)
    csv = request.GET.get("format") == "csv"
    selectors.list_read(
        actor=request.user,
        action=selectors.OVERSIGHT_LISTED,
        filters={"list": "overdue visits", "scope": scope, "format": "csv" if csv else ""},
        result_count=len(d.overdue),
    )
    if csv:
        response, w = csv_attachment("custos-offender-overdue.csv")
        w.writerow(["reference", "name", "rosh_level", "next_visit_due", "overdue_days", "lead_manager"])
        for o in d.overdue:
            w.writerow(
                [
                    o.reference,
                    o.full_name,
                    o.rosh_level,
                    o.next_visit_due,
                    o.overdue_days,  # type: ignore[attr-defined]
                    o.lead_manager.full_name if o.lead_manager else "",
                ]
            )
        return response
    oversight = list(selectors.oversight_tasks(actor=request.user, kinds=OVERSIGHT_KINDS, scope=scope)[:200])
    selectors.list_read(
        actor=request.user,
        action=selectors.TASKS_LISTED,
        filters={"list": "oversight", "scope": scope, "status": "open", "kind": ",".join(OVERSIGHT_KINDS)},
        result_count=len(oversight),
    )
    people = Person.objects.filter(active=True, visor_authorised=True)
    if scope == "team" and s.team_id:
        people = people.filter(team_id=s.team_id)
    elif s.borough_id and not s.is_admin:
        people = people.filter(borough_id=s.borough_id)
    expiries = [
        pe
        for pe in workforce_selectors.training_expiries(people=people, today=today)
        if pe.expiry.kind == "visor"
    ][:50]
    return render(
        request,
        "offenders/dashboard.html",
        {
            "d": d,
            "scope": scope,
            "oversight": oversight,
            "expiries": expiries,
            "today": today,
        },
    )
