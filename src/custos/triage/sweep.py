"""Nightly: retry offender-management links that were pending because the offenders app was not ready."""

from __future__ import annotations

from datetime import date

from custos.core.sweep import SweepResult, register
from custos.triage import links, services
from custos.triage.models import Device


@register("triage-offender-links")
def offender_links(today: date) -> SweepResult:
    pending = Device.objects.filter(offender_link=services.OFFENDER_LINK_PENDING, offender_id__isnull=False)
    result = SweepResult("triage-offender-links", checked=pending.count())
    if links.offender_hook() is None:
        result.notes.append("offenders app has no triage_hit_on_nominal yet; links stay pending")
        return result
    done = 0
    for device in pending:
        if services.offender_link(actor=None, device=device) == services.OFFENDER_LINK_DONE:
            done += 1
    result.created = {"offender-links": done}
    return result
