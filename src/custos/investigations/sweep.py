"""Nightly: overdue supervisory reviews escalate to the next rank above the supervisor (idempotent)."""

from __future__ import annotations

from datetime import date

from django.db.models import F

from custos.core.sweep import SweepResult, register
from custos.crimes.models import CrimeStatus
from custos.investigations.models import InvestigationPlan, ReviewEscalation
from custos.investigations.rules import review_status
from custos.workforce import ranks
from custos.workforce.models import Person

# Officer ranks from the most junior to the most senior, as review_status expects.
RANK_ORDER = sorted(
    (r for r, _ in ranks.RANK_CHOICES if ranks.is_officer(r) and not r.startswith("detective-")),
    key=ranks.seniority,
)
DETECTIVE_EQUIVALENT = {
    "detective-constable": "constable",
    "detective-sergeant": "sergeant",
    "detective-inspector": "inspector",
    "detective-chief-inspector": "chief-inspector",
    "detective-superintendent": "superintendent",
}


def _supervisor(plan: InvestigationPlan) -> Person | None:
    crime = plan.crime
    if crime.officer is not None and crime.officer.line_supervisor is not None:
        return crime.officer.line_supervisor
    return crime.team.supervisor if crime.team is not None else None


def _uniform_rank(supervisor: Person | None) -> str:
    # Police staff and missing supervisors escalate as if a sergeant supervised (the usual reviewer).
    rank = supervisor.rank if supervisor is not None else "sergeant"
    rank = DETECTIVE_EQUIVALENT.get(rank, rank)
    return rank if rank in RANK_ORDER else "sergeant"


@register("investigations.reviews")
def escalate_overdue_reviews(today: date) -> SweepResult:
    result = SweepResult("investigations.reviews")
    plans = (
        InvestigationPlan.objects.filter(crime__status=CrimeStatus.OPEN, next_review_due__lt=today)
        .exclude(escalations__due_on=F("next_review_due"))
        .select_related("crime__officer__line_supervisor__line_supervisor", "crime__team__supervisor")
    )
    created = 0
    for plan in plans.iterator(chunk_size=500):
        result.checked += 1
        supervisor = _supervisor(plan)
        status = review_status(
            plan.next_review_due, today, supervisor_rank=_uniform_rank(supervisor), rank_order=RANK_ORDER
        )
        if not status.overdue:
            continue
        _, made = ReviewEscalation.objects.get_or_create(
            plan=plan,
            due_on=plan.next_review_due,
            defaults={
                "supervisor": supervisor,
                "escalate_to_rank": status.escalate_to or "",
                "escalate_to": supervisor.line_supervisor if supervisor is not None else None,
                "basis": status.basis[:300],
                "created_on": today,
            },
        )
        created += made
    result.created["review_escalations"] = created
    return result
