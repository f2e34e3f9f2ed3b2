"""Reads of devices, triage results, the ranked lab queue and hash sets, filtered by need-to-know.

Devices and triage results are sensitive: reading one is audited (``custos.device.viewed``,
``custos.triage_result.viewed``) and every list is audited as a search.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet

from custos.core import audit
from custos.core.access import break_glass_active, not_found, scope_of
from custos.core.policy import Policy, current_policy
from custos.triage import access, capacity
from custos.triage.models import (
    Device,
    DeviceStatus,
    Grading,
    HashSet,
    TriageResult,
)
from custos.triage.ranking import RankedDevice, full_examination_required, rank
from custos.triage.services import facts_of
from custos.workforce.models import Absence, Accreditation, Person, Specialism, TeamType


def _devices() -> QuerySet[Device]:
    return Device.objects.select_related("borough", "lab", "lab__borough", "examiner")


def device_list(*, actor: Any) -> QuerySet[Device]:
    return _devices().filter(access.device_view_q(scope_of(actor)))


def device_get(*, actor: Any, pk: int, purpose: str = "") -> Device:
    """One device, audited as a sensitive read; 404 outside need-to-know (break-glass aside)."""
    device = _devices().filter(pk=pk).first()
    if device is None:
        raise not_found()
    if access.can_view_device(scope_of(actor), device):
        audit.record_access(actor=actor, obj=device, action="custos.device.viewed", purpose=purpose)
        return device
    if break_glass_active(actor, "triage.device", device.pk):
        audit.record_access(
            actor=actor, obj=device, action="custos.device.viewed", break_glass=True, purpose="break-glass"
        )
        return device
    raise not_found()


def device_for_examiner(*, actor: Any, pk: int) -> Device:
    device = device_get(actor=actor, pk=pk, purpose="examiner action")
    if not access.can_examine_device(scope_of(actor), device):
        raise not_found()
    return device


def device_for_handling(*, actor: Any, pk: int) -> Device:
    device = device_get(actor=actor, pk=pk, purpose="handover or upload")
    if not access.can_handle_device(scope_of(actor), device):
        raise not_found()
    return device


def result_get(*, actor: Any, pk: int) -> TriageResult:
    result = TriageResult.objects.select_related("device", "uploaded_by").filter(pk=pk).first()
    if result is None:
        raise not_found()
    device_get(actor=actor, pk=result.device_id, purpose=f"triage result {result.pk}")
    audit.record_access(actor=actor, obj=result, action="custos.triage_result.viewed")
    return result


def results_of(device: Device, *, actor: Any, via: str = "page") -> list[TriageResult]:
    """A device's uploaded triage results (each with ``n``, its matched files), audited as a search."""
    results: list[TriageResult] = list(
        device.results.select_related("uploaded_by").annotate(n=Count("matches"))
    )
    audit.record_search(
        actor=actor,
        action="custos.triage_result.searched",
        query={"device": device.pk, "via": via},
        result_count=len(results),
    )
    return results


# --- the ranked queue -----------------------------------------------------------------------------


@dataclass(frozen=True)
class QueueFilters:
    q: str = ""
    lab: int | None = None
    borough: str = ""
    verdict: str = ""
    misses_sla: bool | None = None
    rso: bool | None = None


@dataclass
class QueueEntry:
    device: Device
    ranked: RankedDevice
    full_examination: Any


@dataclass
class LabCapacity:
    lab: Any
    plan: capacity.CapacityPlan
    queued: int


@dataclass
class QueueView:
    entries: list[QueueEntry]
    labs: list[LabCapacity] = field(default_factory=list)
    policy_version: str = ""


def accredited_examiners(lab_ids: list[int], today: date) -> QuerySet[Person]:
    """Who may examine a lab's devices: active people of the lab team with a current digital-forensics
    accreditation. The same people count for the lab's capacity and may be assigned its devices."""
    return (
        Person.objects.filter(
            active=True, team_id__in=lab_ids, team__team_type=TeamType.DIGITAL_FORENSICS_LAB
        )
        .filter(
            Q(accreditations__specialism=Specialism.DIGITAL_FORENSICS)
            & Q(accreditations__accredited_on__lte=today)
            & (Q(accreditations__expires_on__isnull=True) | Q(accreditations__expires_on__gte=today))
        )
        .distinct()
    )


def lab_examiners(lab_ids: list[int], today: date) -> dict[int, list[capacity.Examiner]]:
    """Examiners of each lab (`accredited_examiners`), with their hours, absences and accreditation expiry."""
    people = accredited_examiners(lab_ids, today).prefetch_related(
        Prefetch("absences", queryset=Absence.objects.filter(ends_on__gte=today), to_attr="open_absences"),
        Prefetch(
            "accreditations",
            queryset=Accreditation.objects.filter(specialism=Specialism.DIGITAL_FORENSICS),
            to_attr="df_accreditations",
        ),
    )
    out: dict[int, list[capacity.Examiner]] = defaultdict(list)
    for p in people:
        expiry = p.df_accreditations[0].expires_on if p.df_accreditations else None
        out[int(p.team_id or 0)].append(
            capacity.Examiner(
                key=p.pk,
                fte=p.fte,
                absences=tuple((a.starts_on, a.ends_on) for a in p.open_absences),
                accredited_until=expiry,
            )
        )
    return out


def rank_labs(
    lab_ids: list[int], *, today: date, policy: Policy
) -> tuple[list[Device], dict[int, RankedDevice], list[LabCapacity]]:
    """Every queued device of these labs, each lab's whole queue ranked and planned against its examiners'
    capacity: (devices, ranking by device id, capacity per lab)."""
    everything = list(_devices().filter(status=DeviceStatus.QUEUED, lab_id__in=lab_ids))
    examiners = lab_examiners(lab_ids, today)
    by_lab: dict[int, list[Device]] = defaultdict(list)
    for d in everything:
        by_lab[d.lab_id].append(d)
    ranked: dict[int, RankedDevice] = {}
    labs: list[LabCapacity] = []
    for lab_id, devices in sorted(by_lab.items()):
        order = rank([(d.pk, facts_of(d)) for d in devices], today=today, policy=policy)
        plan = capacity.plan(order, examiners.get(lab_id, []), today=today, policy=policy)
        labs.append(LabCapacity(devices[0].lab, plan, len(devices)))
        ranked.update({r.key: r for r in order})
    return everything, ranked, labs


def lab_queue(
    *,
    actor: Any,
    filters: QueueFilters | None = None,
    today: date,
    policy: Policy | None = None,
    audit_search: bool = True,
) -> QueueView:
    """The ranked queue of every lab the actor can see into, with expected start dates and SLA misses.

    Ranking and capacity run over each lab's whole queue (a device's place does not depend on who is
    looking); only the devices within the actor's need-to-know are returned.
    """
    f = filters or QueueFilters()
    policy = policy or current_policy()
    visible = device_list(actor=actor).filter(status=DeviceStatus.QUEUED)
    lab_ids = sorted(set(visible.values_list("lab_id", flat=True)))
    if f.lab is not None:
        lab_ids = [i for i in lab_ids if i == f.lab]
    everything, ranked, labs = rank_labs(lab_ids, today=today, policy=policy)
    shown = set(visible.filter(lab_id__in=lab_ids).values_list("pk", flat=True))
    entries = []
    for d in everything:
        if d.pk not in shown:
            continue
        r = ranked[d.pk]
        if f.q and f.q.lower() not in f"{d.exhibit_reference} {d.crime_reference} {d.seal_number}".lower():
            continue
        if f.borough and d.borough.code != f.borough:
            continue
        if f.verdict and d.verdict != f.verdict:
            continue
        if f.misses_sla is not None and r.misses_sla != f.misses_sla:
            continue
        if f.rso is not None and d.suspect_is_rso != f.rso:
            continue
        need = full_examination_required(facts=r.facts, likely_iioc=d.verdict == "likely-iioc", policy=policy)
        entries.append(QueueEntry(d, r, need))
    entries.sort(
        key=lambda e: (-e.ranked.rank.score, e.ranked.rank.sla.due, e.device.submitted_on, e.device.pk)
    )
    if audit_search:
        audit.record_search(
            actor=actor,
            action="custos.device.searched",
            query={k: v for k, v in f.__dict__.items() if v not in ("", None)},
            result_count=len(entries),
        )
    return QueueView(entries, labs, policy.version)


def devices_listed(*, actor: Any, where: str, result_count: int) -> None:
    """A list of devices shown outside the queue page (the worklist, a home panel): audited as a search
    named by ``where``, with the number of devices the reader was shown."""
    audit.record_search(
        actor=actor, action="custos.device.searched", query={"list": where}, result_count=result_count
    )


def worklist(*, actor: Any) -> QuerySet[Device]:
    """Devices assigned to this examiner and still open."""
    s = scope_of(actor)
    if s.person_id is None:
        return Device.objects.none()
    return (
        _devices()
        .filter(examiner_id=s.person_id, status=DeviceStatus.IN_EXAMINATION)
        .order_by("submitted_on")
    )


def examiners_for(device: Device, today: date) -> QuerySet[Person]:
    """Whom the device may be assigned to: its lab's accredited examiners."""
    return accredited_examiners([device.lab_id or 0], today).order_by("last_name", "first_name")


# --- hash sets and grading --------------------------------------------------------------------------


def hashset_list(*, actor: Any) -> QuerySet[HashSet]:
    if not access.is_lab(scope_of(actor)):
        return HashSet.objects.none()
    return HashSet.objects.annotate(import_count=Count("imports")).order_by("name")


def hashset_get(*, actor: Any, pk: int) -> HashSet:
    hs = hashset_list(actor=actor).filter(pk=pk).first()
    if hs is None:
        raise not_found()
    return hs


@dataclass
class GradingItem:
    key: bytes
    sha256: str
    sha1: str
    md5: str
    votes: list[Grading]
    counted: bool


def grading_items(*, actor: Any, limit: int = 200) -> list[GradingItem]:
    """Items graded recently, grouped, with their votes (who graded what) for the grading page."""
    if not access.is_lab(scope_of(actor)):
        return []
    rows = list(Grading.objects.select_related("examiner").order_by("-graded_at")[: limit * 3])
    items: dict[bytes, GradingItem] = {}
    for g in rows:
        key = bytes(g.fingerprint)
        item = items.get(key)
        if item is None:
            item = items[key] = GradingItem(key, g.sha256, g.sha1, g.md5, [], g.counted)
        item.votes.append(g)
    return list(items.values())[:limit]
