"""Inspection measures for digital triage: devices waiting for the lab, how many are not triaged, how many
are likely to hold indecent images, and how many the lab's capacity will not reach within their SLA
(HMICFRS PEEL 2023-25, Metropolitan Police: no digital triage; officers guess which devices hold IIOC)."""

from __future__ import annotations

from custos.core.measures import Measure, MeasureScope, register
from custos.triage.models import Device, DeviceStatus, Verdict
from custos.triage.selectors import rank_labs

AREA = "Digital triage"
FINDING = "There was no digital triage: officers guessed which seized devices held IIOC."


@register(order=30)
def triage_measures(scope: MeasureScope) -> list[Measure]:
    policy = scope.policy
    # A lab's queue is ranked and planned whole (a device's place does not depend on who is counting);
    # a borough reader then counts the devices seized in their borough.
    labs = sorted(set(Device.objects.filter(status=DeviceStatus.QUEUED).values_list("lab_id", flat=True)))
    devices, ranked, _ = rank_labs(labs, today=scope.today, policy=policy)
    here = [d for d in devices if scope.borough_id is None or d.borough_id == scope.borough_id]
    return [
        Measure(
            key="triage.not-triaged",
            area=AREA,
            title="Seized devices waiting for the lab that have not been triaged",
            finding=FINDING,
            count=sum(d.verdict == Verdict.NOT_TRIAGED for d in here),
            out_of=len(here),
            basis="a device is triaged once a triage report is attached to it (custos triage upload, or the "
            "API); until then its verdict is 'not triaged yet'",
            report="triage:queue",
        ),
        Measure(
            key="triage.likely-iioc-waiting",
            area=AREA,
            title="Devices waiting whose triage found likely indecent images of children",
            finding=FINDING,
            count=sum(d.verdict == Verdict.LIKELY_IIOC for d in here),
            out_of=len(here),
            basis=policy.basis("triage.likely_iioc_min_hits"),
            report="triage:queue",
        ),
        Measure(
            key="triage.will-miss-sla",
            area=AREA,
            title="Devices waiting that the lab's examiner capacity will not reach within their SLA",
            finding="The specialist unit accepted only two devices at a time.",
            count=sum(ranked[d.pk].misses_sla for d in here),
            out_of=len(here),
            basis=f"{policy.basis('triage.sla_days')}; "
            f"{policy.basis('triage.ranking.devices_per_examiner_per_week')}",
            report="triage:queue",
        ),
    ]
