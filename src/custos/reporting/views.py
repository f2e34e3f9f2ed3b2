"""The inspection measures page: one figure per inspectorate finding, with its basis and, for a reader who
may open it, the report behind it."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from custos.core.access import scope_of
from custos.core.csvexport import csv_attachment
from custos.core.pages import can_open, opens_for
from custos.core.policy import current_policy
from custos.reporting import access
from custos.reporting.measures import inspection_report
from custos.workforce.models import Borough


@login_required
@opens_for(access.can_read_measures)
def inspection(request: HttpRequest) -> HttpResponse:
    s = scope_of(request.user)
    force_wide = s.has(*access.FORCE_WIDE)
    code = request.GET.get("borough", "") if force_wide else ""
    error = ""
    try:
        report = inspection_report(
            actor=request.user, today=timezone.localdate(), policy=current_policy(), borough=code
        )
    except LookupError as exc:
        error = str(exc)
        report = inspection_report(actor=request.user, today=timezone.localdate(), policy=current_policy())
    if request.GET.get("format") == "csv" and not error:
        response, w = csv_attachment("custos-inspection-measures.csv")
        w.writerow(["as_at", "scope", "area", "key", "title", "count", "out_of", "percent", "basis"])
        scope = report.borough.code if report.borough else "force"
        for m in report.measures:
            w.writerow([report.today, scope, m.area, m.key, m.title, m.count, m.out_of, m.percent, m.basis])
        return response
    links = {m.report for m in report.measures if m.report and can_open(request.user, m.report)}
    return render(
        request,
        "reporting/inspection.html",
        {
            "report": report,
            "links": links,
            "boroughs": Borough.objects.order_by("name") if force_wide else [],
            "error": error,
        },
    )
