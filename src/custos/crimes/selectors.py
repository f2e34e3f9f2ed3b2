"""Reads of crime records, filtered by need-to-know. Every read of one crime is audited."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from custos.core import audit
from custos.core.access import not_found, scope_of
from custos.crimes import access
from custos.crimes.models import Crime, Suspect

CRIME_VIEWED = "custos.crime.viewed"


@dataclass(frozen=True)
class CrimeFilters:
    q: str = ""
    borough: str = ""
    status: str = ""
    tier: str = ""
    offence: str = ""
    unallocated: bool = False
    officer: int | None = None
    series: str = ""


SORTS = {
    "recorded": ["-recorded_on", "reference"],
    "oldest": ["recorded_on", "reference"],
    "tier": ["-tier", "-recorded_on"],
    "reference": ["reference"],
}


def crime_list(*, actor: Any, filters: CrimeFilters | None = None, sort: str = "recorded") -> QuerySet[Crime]:
    f = filters or CrimeFilters()
    qs = Crime.objects.filter(access.crime_view_q(scope_of(actor))).select_related(
        "borough", "team", "officer"
    )
    if f.q:
        qs = qs.filter(
            Q(reference__icontains=f.q) | Q(location__icontains=f.q) | Q(ho_description__icontains=f.q)
        )
    if f.borough:
        qs = qs.filter(borough__code=f.borough)
    if f.status:
        qs = qs.filter(status=f.status)
    if f.tier:
        qs = qs.filter(tier=f.tier)
    if f.offence:
        qs = qs.filter(offence_key=f.offence)
    if f.unallocated:
        qs = qs.filter(officer__isnull=True, status="open")
    if f.officer is not None:
        qs = qs.filter(officer_id=f.officer)
    if f.series:
        qs = qs.filter(series_id=f.series)
    return qs.order_by(*SORTS.get(sort, SORTS["recorded"]))


def crime_get(*, actor: Any, pk: int, purpose: str = "") -> Crime:
    """One crime with its suspects, for someone with need-to-know: audited as a sensitive read (the
    suspects' names and the victim's circumstances are personal data)."""
    crime = (
        Crime.objects.select_related("borough", "team", "officer")
        .prefetch_related("suspects")
        .filter(pk=pk)
        .first()
    )
    if crime is None or not access.can_view_crime(scope_of(actor), crime):
        raise not_found()
    audit.record_access(actor=actor, obj=crime, action=CRIME_VIEWED, purpose=purpose)
    return crime


def crime_by_reference(*, actor: Any, reference: str) -> Crime:
    found = Crime.objects.filter(reference=reference).values_list("pk", flat=True).first()
    if found is None:
        raise not_found()
    return crime_get(actor=actor, pk=found)


def crime_for_change(*, actor: Any, pk: int) -> Crime:
    crime = crime_get(actor=actor, pk=pk, purpose="change")
    if not access.can_change_crime(scope_of(actor), crime):
        raise not_found()
    return crime


def suspects_with_offender_links(*, actor: Any, crime: Crime) -> list[Suspect]:
    """The crime's suspects, each with ``offender_pk``: their offender register record when the reader may
    open it, else None. Other references stay as text: a link to a record the reader cannot open would
    only 404."""
    from custos.offenders.access import offender_view_q
    from custos.offenders.models import Offender

    suspects = list(crime.suspects.all())
    refs = {s.offender_reference for s in suspects if s.offender_reference}
    visible: dict[str, int] = {}
    if refs:
        rows = Offender.objects.filter(offender_view_q(scope_of(actor)), reference__in=refs)
        visible = dict(rows.values_list("reference", "pk"))
    for s in suspects:
        s.offender_pk = visible.get(s.offender_reference)  # type: ignore[attr-defined]
    return suspects


def linked_series(*, actor: Any, crime: Crime) -> QuerySet[Crime]:
    if not crime.series_id:
        return Crime.objects.none()
    return crime_list(actor=actor, filters=CrimeFilters(series=crime.series_id)).exclude(pk=crime.pk)
