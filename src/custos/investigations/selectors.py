"""Reads for investigations: a crime's investigation, worklists, reviews due, sign-offs and NFA rates."""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet

from custos.core.access import ActorScope, not_found, scope_of
from custos.core.policy import Policy
from custos.crimes import access as crime_access
from custos.crimes.models import Crime, CrimeStatus
from custos.crimes.offences import catalogue
from custos.investigations.models import (
    InvestigationPlan,
    LineOfEnquiry,
    OutcomeDecision,
    OutcomeStatus,
    ReviewEscalation,
    Task,
)
from custos.investigations.rules import NfaRate, nfa_rates_counted

# What the worklist and supervision pages show, and the API with them.
WORKLIST_LIMIT = 200
SUPERVISION_PAGE = 100
REVIEWS_DUE_WITHIN_DAYS = 7


def has_worklist(s: ActorScope) -> bool:
    """An investigator's worklist is their own: only accounts linked to a person with a personal-data role."""
    return s.person_id is not None and s.sees_personal_data


def worklist_owner(*, actor: Any) -> int:
    """The person whose worklist the caller sees: their own; none for accounts without one (404)."""
    s = scope_of(actor)
    if not has_worklist(s) or s.person_id is None:
        raise not_found()
    return s.person_id


def open_tasks(*, person_id: int) -> QuerySet[Task]:
    return (
        Task.objects.filter(owner_id=person_id, done_on__isnull=True, crime__status=CrimeStatus.OPEN)
        .select_related("crime")
        .order_by("due_on", "id")
    )


def open_lines(*, person_id: int) -> QuerySet[LineOfEnquiry]:
    return (
        LineOfEnquiry.objects.filter(owner_id=person_id, status="", plan__crime__status=CrimeStatus.OPEN)
        .select_related("plan__crime")
        .order_by("plan__crime__recorded_on", "id")
    )


def held_crimes(*, person_id: int) -> QuerySet[Crime]:
    return (
        Crime.objects.filter(officer_id=person_id, status=CrimeStatus.OPEN)
        .select_related("plan", "borough")
        .order_by("recorded_on", "reference")
    )


def _supervised_crimes_q(actor: Any) -> Q:
    s = scope_of(actor)
    if s.is_admin:
        return Q()
    if s.borough_id is None:
        return Q(pk__in=[])
    return Q(crime__borough_id=s.borough_id)


def reviews_due(*, actor: Any, today: date, within_days: int = 0) -> QuerySet[InvestigationPlan]:
    """Plans of open crimes in the supervisor's borough whose next review is due by the date."""
    return (
        InvestigationPlan.objects.filter(
            _supervised_crimes_q(actor),
            crime__status=CrimeStatus.OPEN,
            next_review_due__lte=today + timedelta(days=within_days),
        )
        .select_related("crime", "crime__officer")
        .order_by("next_review_due", "crime__reference")
    )


def with_open_escalations(plans: QuerySet[InvestigationPlan]) -> QuerySet[InvestigationPlan]:
    """Plans with their unresolved escalations on ``open_escalations`` (newest first), in one more query."""
    return plans.prefetch_related(
        Prefetch(
            "escalations",
            queryset=ReviewEscalation.objects.filter(resolved_on__isnull=True)
            .select_related("escalate_to")
            .order_by("-due_on"),
            to_attr="open_escalations",
        )
    )


def escalations(*, actor: Any) -> QuerySet[ReviewEscalation]:
    s = scope_of(actor)
    qs = ReviewEscalation.objects.filter(resolved_on__isnull=True).select_related("plan__crime", "supervisor")
    if s.is_admin:
        return qs
    return (
        qs.filter(Q(escalate_to_id=s.person_id) | Q(plan__crime__borough_id=s.borough_id))
        if s.person_id
        else qs.none()
    )


def signoffs_pending(*, actor: Any) -> QuerySet[OutcomeDecision]:
    """NFA outcomes this supervisor may sign off: not one they proposed, nor on a crime they hold."""
    qs = OutcomeDecision.objects.filter(_supervised_crimes_q(actor), status=OutcomeStatus.AWAITING_SIGNOFF)
    person_id = scope_of(actor).person_id
    if person_id is not None:
        qs = qs.exclude(proposed_by_id=person_id).exclude(crime__officer_id=person_id)
    return qs.select_related("crime", "proposed_by").order_by("created_at")


GROUPINGS = {
    "offence": ("offence_key", "Crime type"),
    "group": ("offence_key", "Offence group"),
    "team": ("team_id", "Team"),
    "officer": ("officer_id", "Officer"),
}


def names_allowed(actor: Any) -> bool:
    """Whether rates may be grouped by officer: inspectors and analysts see aggregates only."""
    s = scope_of(actor)
    return s.sees_records


@dataclass(frozen=True)
class RateRow:
    key: Hashable
    label: str
    rate: NfaRate

    @property
    def core_percent(self) -> float | None:
        return NfaRate.percent(self.rate.nfa_core_rate)

    @property
    def broad_percent(self) -> float | None:
        return NfaRate.percent(self.rate.nfa_broad_rate)

    @property
    def positive_percent(self) -> float | None:
        return NfaRate.percent(self.rate.positive_rate)


def finalised_crimes(*, actor: Any, since: date | None = None) -> QuerySet[Crime]:
    s = scope_of(actor)
    # Aggregates-only roles read every crime: the rates never name people for them.
    qs = Crime.objects.filter(crime_access.crime_view_q(s)) if s.sees_records else Crime.objects.all()
    qs = qs.filter(status=CrimeStatus.FINALISED, outcome__isnull=False)
    if since is not None:
        qs = qs.filter(finalised_on__gte=since)
    return qs


def rates(*, actor: Any, by: str, policy: Policy, since: date | None = None) -> list[RateRow]:
    """NFA_CORE/NFA_BROAD/positive rates per crime type, offence group, team or officer (one query).

    The database counts crimes per (group, outcome): a force finalises about a million crimes a year, and
    only the few hundred counts come back to Python.
    """
    field, _ = GROUPINGS[by]
    rows: list[tuple[Any, int, int]] = list(
        finalised_crimes(actor=actor, since=since)
        .order_by()
        .values(field, "outcome")
        .annotate(crimes=Count("id"))
        .values_list(field, "outcome", "crimes")
    )
    offences = catalogue()
    if by == "group":
        rows = [(offences[k].group if k in offences else k, o, n) for k, o, n in rows]
    computed = nfa_rates_counted(rows, policy=policy)
    labels = _labels(by, list(computed))
    return sorted(
        (RateRow(k, labels.get(k, str(k)), r) for k, r in computed.items()),
        key=lambda row: (-(row.rate.nfa_core_rate or 0), row.label),
    )


def rates_out(*, actor: Any, by: str, policy: Policy, since: date | None = None) -> list[dict[str, Any]]:
    """The rate rows as the API and the CLI give them: counts, percentages, basis and policy version."""
    return [
        {
            "group": str(r.key),
            "label": r.label,
            "finalised": r.rate.finalised,
            "excluded": r.rate.excluded,
            "nfa_core": r.rate.nfa_core,
            "nfa_broad": r.rate.nfa_broad,
            "positive": r.rate.positive,
            "nfa_core_percent": r.core_percent,
            "nfa_broad_percent": r.broad_percent,
            "positive_percent": r.positive_percent,
            "basis": list(r.rate.basis),
            "policy_version": r.rate.policy_version,
        }
        for r in rates(actor=actor, by=by, policy=policy, since=since)
    ]


def group_label(by: str, key: str) -> str:
    """What a rate row's key is called on the page: the offence, team or officer by name."""
    lookup: Any = int(key) if GROUPINGS[by][0].endswith("_id") and key.isdigit() else key
    return _labels(by, [lookup]).get(lookup, key)


def _labels(by: str, keys: list[Any]) -> dict[Hashable, str]:
    if by == "offence":
        return {k: o.description for k, o in catalogue().items()}
    if by == "team":
        from custos.workforce.models import Team

        return {t.pk: str(t) for t in Team.objects.filter(pk__in=keys).select_related("borough")}
    if by == "officer":
        from custos.workforce.models import Person

        return {p.pk: p.full_name for p in Person.objects.filter(pk__in=keys)}
    return {k: str(k) for k in keys}
