"""Reads of victims, filtered by need-to-know; every read of one victim and every search is audited."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import F, Prefetch, Q, QuerySet

from custos.core import audit
from custos.core.access import break_glass_active, not_found, scope_of
from custos.crimes import selectors as crime_selectors
from custos.crimes.models import Crime
from custos.victims import access
from custos.victims.models import (
    OPEN_STATUSES,
    ClockEscalation,
    NeedsAssessment,
    Obligation,
    ReviewEscalation,
    ReviewStatus,
    RightToReview,
    Victim,
    VictimCrime,
)

LINKS = Prefetch("links", queryset=VictimCrime.objects.select_related("crime__officer", "crime__borough"))


@dataclass(frozen=True)
class VictimFilters:
    q: str = ""
    crime: str = ""  # crime reference
    enhanced: bool | None = None
    kind: str = ""
    # Entitled to enhanced rights and recognised as such by a needs assessment (False: not yet recognised).
    recognised: bool | None = None


def victim_list(
    *, actor: Any, filters: VictimFilters | None = None, audit_search: bool = True
) -> QuerySet[Victim]:
    f = filters or VictimFilters()
    s = scope_of(actor)
    # Each victim listed with only the crimes in the reader's need-to-know (as on the victim's page): a victim
    # of crimes in two boroughs must not show one borough the other's crime references or entitlement.
    own_links = Prefetch(
        "links",
        queryset=VictimCrime.objects.filter(access.link_view_q(s)).select_related(
            "crime__officer", "crime__borough"
        ),
    )
    qs = Victim.objects.filter(access.victim_view_q(s)).prefetch_related(own_links)
    if f.q:
        for term in f.q.split():
            qs = qs.filter(
                Q(first_name__icontains=term)
                | Q(last_name__icontains=term)
                | Q(business_name__icontains=term)
            )
    # Filters on a victim's crimes as subqueries: a join would repeat a victim per crime and need DISTINCT
    # over every column, which made each count of a borough's list read and sort every row. They look only
    # at the reader's own links: a link out of view must not decide whether a victim is listed (nor its
    # enhanced flag be inferred), and starting from the crimes in view keeps a London count to the borough's
    # rows rather than the force's 2.4 million links.
    links = VictimCrime.objects.filter(access.link_in_view_q(s, field="id"))
    if f.crime:
        qs = qs.filter(pk__in=links.filter(crime__reference=f.crime).values("victim_id"))
    if f.enhanced is not None:
        qs = qs.filter(pk__in=links.filter(enhanced=f.enhanced).values("victim_id"))
    if f.recognised is not None:
        entitled = links.filter(enhanced=True, recognised_enhanced=f.recognised)
        qs = qs.filter(pk__in=entitled.values("victim_id"))
    if f.kind:
        qs = qs.filter(kind=f.kind)
    if audit_search:
        audit.record_search(
            actor=actor, action="custos.victim.searched", query=f.__dict__, result_count=qs.count()
        )
    return qs


def victim_get(*, actor: Any, pk: int, purpose: str = "") -> Victim:
    """One victim, with the access audited (break-glass flagged)."""
    victim = Victim.objects.filter(pk=pk).select_related("borough").prefetch_related(LINKS).first()
    if victim is None:
        raise not_found()
    if access.can_view_victim(scope_of(actor), victim):
        audit.record_access(actor=actor, obj=victim, action="custos.victim.viewed", purpose=purpose)
        return victim
    if break_glass_active(actor, "victims.victim", victim.pk):
        audit.record_access(
            actor=actor, obj=victim, action="custos.victim.viewed", break_glass=True, purpose="break-glass"
        )
        return victim
    raise not_found()


def visible_links(*, actor: Any, victim: Victim) -> list[VictimCrime]:
    """The victim's crimes in the reader's need-to-know (all of them for a break-glass reader)."""
    s = scope_of(actor)
    links = list(victim.links.all())
    return [lk for lk in links if access.can_view_link(s, lk)] or links


HIDDEN_CRIME = "[not shown]"


def assessment_history(*, victim: Victim, links: list[VictimCrime], limit: int = 20) -> list[NeedsAssessment]:
    """The victim's latest needs assessments as the reader may see them: a reason that names one of the
    victim's crimes outside ``links`` (the reader's need-to-know) says ``HIDDEN_CRIME`` instead of its
    reference."""
    visible = {lk.crime_id for lk in links}
    hidden = [
        ref
        for crime_id, ref in victim.links.values_list("crime_id", "crime__reference")
        if crime_id not in visible
    ]
    rows = list(victim.assessments.select_related("assessed_by")[:limit])
    for row in rows:
        for ref in hidden:
            row.reason = row.reason.replace(ref, HIDDEN_CRIME)
    return rows


def victim_for_change(*, actor: Any, pk: int) -> Victim:
    victim = victim_get(actor=actor, pk=pk, purpose="change")
    if not access.can_change_victim(scope_of(actor), victim):
        raise not_found()
    return victim


def link_get(*, actor: Any, pk: int, change: bool = False) -> VictimCrime:
    link = (
        VictimCrime.objects.select_related("victim", "crime__officer", "crime__borough").filter(pk=pk).first()
    )
    s = scope_of(actor)
    if link is None or not access.can_view_link(s, link):
        raise not_found()
    if change and not access.can_change_link(s, link):
        raise not_found()
    audit.record_access(
        actor=actor, obj=link.victim, action="custos.victim.viewed", purpose=f"crime {link.crime_id}"
    )
    return link


def obligation_for_change(*, actor: Any, pk: int) -> Obligation:
    ob = Obligation.objects.select_related("link__victim", "link__crime__officer").filter(pk=pk).first()
    if ob is None or not access.can_change_link(scope_of(actor), ob.link):
        raise not_found()
    return ob


def review_get(*, actor: Any, pk: int) -> RightToReview:
    review = (
        RightToReview.objects.select_related(
            "link__victim", "link__crime__officer", "decision_maker", "reviewer"
        )
        .filter(pk=pk)
        .first()
    )
    if review is None or not access.can_view_link(scope_of(actor), review.link):
        raise not_found()
    return review


def obligations_of(victim: Victim) -> QuerySet[Obligation]:
    return (
        Obligation.objects.filter(link__victim=victim)
        .select_related("link__crime", "met_by", "escalation")
        .order_by("link_id", "right", "due_on", "id")
    )


def crime_for_victims(*, actor: Any, pk: int) -> Crime:
    """A crime whose victims the actor may see (or add): the crime's own need-to-know, then ours."""
    return crime_selectors.crime_get(actor=actor, pk=pk)


def crime_links(*, actor: Any, crime: Crime) -> list[VictimCrime]:
    links = list(
        VictimCrime.objects.filter(crime=crime)
        .filter(access.link_view_q(scope_of(actor)))
        .select_related("victim", "crime")
        .order_by("id")
    )
    query = {"crime": crime.reference}
    audit.record_search(actor=actor, action="custos.victim.searched", query=query, result_count=len(links))
    for link in links:
        audit.record_access(
            actor=actor,
            obj=link.victim,
            action="custos.victim.viewed",
            purpose=f"victims of crime {crime.reference}",
        )
    return links


# --------------------------------------------------------------------------------------------------
# The victim care worklist: what is due


@dataclass(frozen=True)
class ClockFilters:
    status: str = ""  # "" (all open) | "due" | "overdue"
    borough: str = ""
    right: int | None = None
    enhanced: bool | None = None
    due_before: date | None = None
    key: str = ""


# Clocks with no fixed date ("without unjustified delay") come after the dated ones in every sort, on every
# database: PostgreSQL puts NULLs last ascending and first descending, SQLite the other way round.
DUE_SOONEST = F("due_on").asc(nulls_last=True)
DUE_LATEST = F("due_on").desc(nulls_last=True)
CLOCK_SORTS: dict[str, list[Any]] = {
    "due": [DUE_SOONEST, "id"],
    "-due": [DUE_LATEST, "id"],
    "right": ["right", DUE_SOONEST, "id"],
    "crime": ["link__crime__reference", DUE_SOONEST, "id"],
    "victim": ["link__victim__last_name", "link__victim__business_name", DUE_SOONEST, "id"],
}
CLOCK_RELATED = (
    "link__victim",
    "link__crime__borough",
    "link__crime__officer",
    "link__crime__team",
    "escalation",
)


def clock_list(
    *,
    actor: Any,
    filters: ClockFilters | None = None,
    sort: str = "due",
    today: date,
    audit_search: bool = True,
) -> QuerySet[Obligation]:
    """Open obligations in the actor's need-to-know (constant queries: everything shown is joined)."""
    f = filters or ClockFilters()
    qs = Obligation.objects.filter(
        access.link_in_view_q(scope_of(actor)), status__in=OPEN_STATUSES
    ).select_related(*CLOCK_RELATED)
    if f.status == "overdue":
        qs = qs.filter(due_on__lt=today)
    elif f.status == "due":
        qs = qs.filter(Q(due_on__gte=today) | Q(due_on__isnull=True))
    if f.borough:
        qs = qs.filter(link__in=VictimCrime.objects.filter(crime__borough__code=f.borough).values("pk"))
    if f.right is not None:
        qs = qs.filter(right=f.right)
    if f.enhanced is not None:
        qs = qs.filter(link__enhanced=f.enhanced)
    if f.due_before is not None:
        qs = qs.filter(due_on__lte=f.due_before)
    if f.key:
        qs = qs.filter(key=f.key)
    qs = qs.order_by(*CLOCK_SORTS.get(sort, CLOCK_SORTS["due"]))
    if audit_search:
        clocks_searched(actor=actor, filters=f, sort=sort, result_count=qs.count())
    return qs


def clocks_searched(*, actor: Any, filters: ClockFilters, sort: str, result_count: int) -> None:
    """Audit a search of the clocks, for callers that counted the results already (a page, an export)."""
    audit.record_search(
        actor=actor,
        action="custos.victim_clock.searched",
        query={**filters.__dict__, "due_before": str(filters.due_before or ""), "sort": sort},
        result_count=result_count,
    )


class ClockPaginator(Paginator):
    """Pages of ``clock_list``: the database picks a page's obligations from the narrow query (indexes only)
    and joins the victim, crime, officer, team and escalation for those rows alone; joining them for every
    open obligation in need-to-know before sorting was most of the worklist's time at borough scale."""

    def page(self, number: int | str) -> Page:
        page = super().page(number)
        if isinstance(page.object_list, QuerySet):
            page.object_list = clock_rows(page.object_list)
        return page


def clock_rows(chosen: QuerySet[Obligation]) -> list[Obligation]:
    """The rows of one slice of ``clock_list``, in its order, each joined to what the worklist shows."""
    return list(
        Obligation.objects.filter(pk__in=chosen)
        .select_related(*CLOCK_RELATED)
        .order_by(*chosen.query.order_by)
    )


def escalations_for(*, person_id: int, limit: int) -> list[ClockEscalation]:
    """The first `limit` open escalations, soonest due, where this person is the officer in the case or their
    supervisor."""
    # The person's escalations are found from the officer and supervisor indexes, narrowed to the soonest
    # `limit` still open from a few columns, and only those are fetched whole. Asked in one query with the
    # obligation's status, SQLite starts from every open obligation in the force instead (0.3-4.7 s at
    # borough scale, growing with the force); a supervisor holds a few thousand escalations at most.
    theirs = ClockEscalation.objects.filter(
        Q(officer_id=person_id) | Q(supervisor_id=person_id), resolved_on__isnull=True
    ).values_list("pk", flat=True)
    candidates = ClockEscalation.objects.filter(pk__in=list(theirs)).values_list(
        "pk", "obligation__status", "obligation__due_on"
    )
    soonest = sorted((due or date.max, pk) for pk, status, due in candidates if status in OPEN_STATUSES)[
        :limit
    ]
    rows = ClockEscalation.objects.filter(pk__in=[pk for _, pk in soonest]).select_related(
        "obligation__link__crime", "obligation__link__victim", "officer"
    )
    return sorted(rows, key=lambda e: (e.obligation.due_on or date.max, e.pk))


def panel_searched(*, actor: Any, action: str, query: dict[str, Any], result_count: int) -> None:
    """Audit a home-page panel that lists victims' records as the search it is (what it asked, how many)."""
    audit.record_search(actor=actor, action=action, query=query, result_count=result_count)


def unrecognised_enhanced(*, actor: Any) -> QuerySet[VictimCrime]:
    """Victims entitled to enhanced rights whom the force has not recognised (often inherited records)."""
    return VictimCrime.objects.filter(
        access.link_in_view_q(scope_of(actor), field="id"), enhanced=True, recognised_enhanced=False
    ).select_related("victim", "crime")


def open_reviews(*, actor: Any) -> QuerySet[RightToReview]:
    """Right to Review requests not yet decided, on crimes the reader may see: nearest decision first."""
    s = scope_of(actor)
    return (
        RightToReview.objects.filter(access.link_in_view_q(s))
        .exclude(status=ReviewStatus.DECIDED)
        .select_related("link__crime")
        .order_by("decide_by", "acknowledge_by", "pk")
    )


def review_escalations_for(*, actor: Any, limit: int) -> list[ReviewEscalation]:
    """Open escalations of missed Right to Review clocks that this reader takes: those sent to them as a
    reviewer's line supervisor, and those sent to a role they hold on crimes in their need-to-know."""
    s = scope_of(actor)
    theirs = Q(supervisor_id=s.person_id) if s.person_id is not None else Q(pk__in=[])
    roles = [str(r) for r in s.roles]
    if roles:
        in_view = VictimCrime.objects.filter(access.link_in_view_q(s, field="id")).values("pk")
        theirs |= Q(supervisor__isnull=True, role__in=roles, review__link_id__in=in_view)
    return list(
        ReviewEscalation.objects.filter(theirs, resolved_on__isnull=True)
        .select_related("review__link__crime")
        .order_by("due_on", "pk")[:limit]
    )
