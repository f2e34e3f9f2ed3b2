"""Inspection measures for the Victims' Code: obligations met on time, and victims entitled to the enhanced
service whom the force has recognised (HMICFRS PEEL 2023-25, Metropolitan Police: victims not helped to
their rights or recognised as entitled to an enhanced service)."""

from __future__ import annotations

from custos.core.measures import Measure, MeasureScope, register
from custos.victims.compliance import report_for
from custos.victims.rules.rights import CODE

AREA = "Victims' Code"


@register(order=40)
def victims_measures(scope: MeasureScope) -> list[Measure]:
    # The nightly snapshot when there is one for today (a London force's live count takes tens of seconds),
    # the same figures the compliance report shows.
    report = report_for(borough=scope.borough_id, today=scope.today)
    when = f"; counted {report.as_at:%d %b %Y %H:%M}" if report.as_at else ""
    return [
        Measure(
            key="victims.obligations-on-time",
            area=AREA,
            title="Victims' Code obligations with a deadline that were met on time",
            finding="Victims were not consistently helped to access their Victims' Code rights.",
            count=report.overall.on_time,
            out_of=report.overall.total,
            basis=f"{CODE}: deadlines per right, standard and enhanced{when}",
            report="victims:compliance",
        ),
        Measure(
            key="victims.enhanced-recognised",
            area=AREA,
            title="Victims entitled to the enhanced service whom the force has recognised as entitled",
            finding="Victims were not recognised as entitled to an enhanced service.",
            count=report.enhanced_recognised,
            out_of=report.enhanced_entitled,
            basis=f"{CODE}, chapter 1: victims entitled to enhanced rights{when}",
            report="victims:compliance",
        ),
    ]
