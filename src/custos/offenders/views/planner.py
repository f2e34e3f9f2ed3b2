"""The visit planner (rules.plan_visits), announced share, and the per-officer iCalendar feed."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta
from typing import Any

import icalendar
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from custos.core.access import not_found, scope_of
from custos.core.pages import opens_for
from custos.core.policy import current_policy
from custos.offenders import access, rules, selectors, services
from custos.offenders.models import Address, CalendarFeedToken, Offender, Visit
from custos.offenders.views.common import require_offender_role
from custos.workforce.models import Absence, Person

PLAN_DAYS = 14


def _now() -> datetime:
    return timezone.localtime()


def _team_people(user: Any) -> Any:
    s = scope_of(user)
    qs = Person.objects.filter(active=True, team__team_type="offender-management")
    if s.team_id:
        return qs.filter(team_id=s.team_id)
    return qs.filter(borough_id=s.borough_id) if s.borough_id else qs.none()


def _plan(
    user: Any, now: datetime
) -> tuple[rules.VisitPlan, dict[str, Offender], dict[str, Person], dict[str, Any]]:
    """The plan from ``now`` (local time): today's slots start at the next whole hour, never in the past."""
    policy = current_policy()
    today = now.date()
    end = today + timedelta(days=PLAN_DAYS - 1)
    people = list(_team_people(user))
    absent = defaultdict(set)
    for a in Absence.objects.filter(person__in=people, ends_on__gte=today, starts_on__lte=end):
        d = max(a.starts_on, today)
        while d <= min(a.ends_on, end):
            absent[a.person_id].add(d)
            d += timedelta(days=1)
    start_h, end_h = (
        int(policy.get("offenders.visits.window_start_hour")),
        int(policy.get("offenders.visits.window_end_hour")),
    )
    first_hour_today = max(start_h, now.hour + 1)
    officers = [
        rules.PlannerOfficer(
            str(p.pk),
            tuple(
                rules.Availability(day, first_hour_today if day == today else start_h, end_h)
                for day in (today + timedelta(days=i) for i in range(PLAN_DAYS))
                if day not in absent[p.pk] and (day != today or first_hour_today < end_h)
            ),
        )
        for p in people
    ]
    s = scope_of(user)
    offenders_qs = selectors.visible_offenders(user).filter(
        active=True, management_mode="active", next_visit_due__lte=end
    )
    if s.team_id:
        offenders_qs = offenders_qs.filter(Q(team_id=s.team_id) | Q(lead_manager__team_id=s.team_id))
    offenders = {str(o.pk): o for o in offenders_qs.order_by("ladder_rank", "next_visit_due")[:300]}
    areas = {
        str(oid): area or postcode.split(" ")[0]
        for oid, area, postcode in Address.objects.filter(
            offender_id__in=[int(k) for k in offenders], kind="home", to_date__isnull=True
        ).values_list("offender_id", "area", "postcode")
    }
    history: dict[str, list[datetime]] = defaultdict(list)
    for oid, at in Visit.objects.filter(
        offender_id__in=[int(k) for k in offenders], status="recorded", attempted_at__isnull=False
    ).values_list("offender_id", "attempted_at"):
        history[str(oid)].append(timezone.localtime(at).replace(tzinfo=None))
    plan = rules.plan_visits(
        [
            rules.PlannerOffender(
                k,
                o.next_visit_due or today,
                areas.get(k, "unknown"),
                rules.RiskLevel(o.rosh_level),
                tuple(sorted(history[k])),
            )
            for k, o in offenders.items()
        ],
        officers,
        start=today,
        end=end,
        seed=int(today.strftime("%Y%m%d")),
        policy=policy,
    )
    preds = {k: rules.predictability(history[k], policy=policy) for k in offenders}
    return plan, offenders, {str(p.pk): p for p in people}, preds


@login_required
@opens_for(access.works_with_offenders)
def planner(request: HttpRequest) -> HttpResponse:
    now = _now()
    today = now.date()
    plan, offenders, people, preds = _plan(request.user, now)
    if request.method == "POST":
        made = 0
        for v in plan.visits:
            o = offenders[v.offender_id]
            if o.visits.filter(status="planned", planned_for__date__gte=today).exists():
                continue
            services.visit_plan(
                actor=request.user,
                offender=o,
                planned_for=timezone.make_aware(v.at),
                officer=people[v.officers[0]],
                second_officer=people.get(v.officers[1]),
            )
            made += 1
        messages.success(request, f"{made} visits planned (unannounced).")
    shown = {v.offender_id for v in plan.visits} | {k for k in plan.unplanned if k in offenders}
    selectors.list_read(
        actor=request.user,
        action=selectors.PLANNER_LISTED,
        filters={"from": today, "days": PLAN_DAYS, "team": scope_of(request.user).team_id or ""},
        result_count=len(shown),
    )
    by_area: dict[str, list[Any]] = defaultdict(list)
    for v in plan.visits:
        by_area[v.area].append(
            {
                "v": v,
                "o": offenders[v.offender_id],
                "p": preds[v.offender_id],
                "officers": [people[i] for i in v.officers if i in people],
            }
        )
    since = today - timedelta(days=365)
    share = (
        Visit.objects.filter(officer__in=people.values(), status="recorded", attempted_at__date__gte=since)
        .values("officer__first_name", "officer__last_name")
        .annotate(n=Count("pk"), announced=Count("pk", filter=Q(announced=True)))
        .order_by("officer__last_name")
    )
    return render(
        request,
        "offenders/planner.html",
        {
            "plan": plan,
            "by_area": dict(by_area),
            "share": share,
            "today": today,
            "unplanned": [offenders[k] for k in plan.unplanned if k in offenders],
            "unpaired": [people[k] for k in plan.unpaired if k in people],
        },
    )


@require_POST
@login_required
def calendar_token(request: HttpRequest) -> HttpResponse:
    require_offender_role(request.user)
    try:
        token = services.calendar_token_issue(actor=request.user)
    except PermissionError:
        raise not_found() from None
    url = request.build_absolute_uri(reverse("offenders:calendar_feed", args=[token]))
    return render(request, "offenders/calendar_token.html", {"url": url})


def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """Planned visits for the officer who owns the token: references only, no names or addresses."""
    feed = (
        CalendarFeedToken.objects.filter(token_hash=CalendarFeedToken.hash(token))
        .select_related("person__user")
        .first()
    )
    # The feed lives only as long as its officer's account: a leaver's calendar app must stop showing
    # unannounced visit times the day the account is deactivated.
    owner = feed.person.user if feed is not None else None
    if feed is None or owner is None or not owner.is_active:
        raise not_found()
    cal = icalendar.Calendar()
    cal.add("prodid", "-//Custos//visit plan//EN")
    cal.add("version", "2.0")
    slot = int(current_policy().get("offenders.visits.visit_slot_minutes"))
    visits = (
        Visit.objects.filter(
            Q(officer=feed.person) | Q(second_officer=feed.person),
            status="planned",
            planned_for__isnull=False,
        )
        .select_related("offender")
        .only("pk", "planned_for", "offender__reference")
    )
    for v in visits:
        ev = icalendar.Event()
        ev.add("uid", f"visit-{v.pk}@custos")
        ev.add("summary", f"Home visit {v.offender.reference}")
        ev.add("dtstart", v.planned_for)
        ev.add("dtend", v.planned_for + timedelta(minutes=slot))  # type: ignore[operator]
        ev.add("dtstamp", timezone.now())
        cal.add_component(ev)
    # Each poll is a read of planned visits to named offenders, by the token's owner.
    selectors.list_read(
        actor=owner,
        action="custos.visit_feed.read",
        filters={"person": feed.person.pk},
        result_count=len(visits),
    )
    return HttpResponse(cal.to_ical(), content_type="text/calendar; charset=utf-8")
