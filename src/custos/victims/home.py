"""Home panels: overdue victim clocks escalated to the officer in the case and their supervisor; what is due
for victim care officers; enhanced victims not yet recognised; open Right to Review requests for those who
review."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Count, Q
from django.urls import reverse

from custos.accounts.roles import Role
from custos.core.access import scope_of
from custos.core.home_panels import Panel, PanelItem, register
from custos.victims import access, selectors

ESCALATIONS_SHOWN = 10
CARE = (Role.VICTIM_CARE_OFFICER, Role.DETECTIVE_INSPECTOR, Role.INVESTIGATION_SUPERVISOR)


@register
def victim_panels(user: Any, today: date) -> list[Panel]:
    s = scope_of(user)
    panels: list[Panel] = []
    if s.person_id is not None and s.sees_personal_data:
        escalated = selectors.escalations_for(person_id=s.person_id, limit=ESCALATIONS_SHOWN)
        if escalated:
            selectors.panel_searched(
                actor=user,
                action="custos.victim_clock.searched",
                query={
                    "panel": "Victim updates overdue",
                    "escalated_to": s.person_id,
                    "status": "overdue",
                    "limit": ESCALATIONS_SHOWN,
                },
                result_count=len(escalated),
            )
            panels.append(
                Panel(
                    title="Victim updates overdue",
                    order=11,
                    items=[
                        PanelItem(
                            text=f"{e.obligation.title} ({e.obligation.link.crime.reference})",
                            url=reverse("victims:detail", args=[e.obligation.link.victim_id]),
                            tag="red",
                            label="Overdue",
                            detail=f"was due {e.obligation.due_on:%d %b %Y}"
                            + ("" if e.officer_id == s.person_id else " · your team"),
                        )
                        for e in escalated
                    ],
                    link=reverse("victims:worklist") + "?status=overdue",
                    link_text="All overdue victim clocks",
                )
            )
    if s.has(*CARE):
        due = selectors.clock_list(actor=user, today=today, audit_search=False)
        # Both counts in one pass over the reader's open clocks.
        counts = due.order_by().aggregate(
            overdue=Count("id", filter=Q(due_on__lt=today)), today=Count("id", filter=Q(due_on=today))
        )
        overdue, today_count = counts["overdue"], counts["today"]
        unrecognised = selectors.unrecognised_enhanced(actor=user).count()
        panels.append(
            Panel(
                title="Victim care",
                order=13,
                items=[
                    PanelItem(
                        text=f"{overdue} victim clocks overdue",
                        url=reverse("victims:worklist") + "?status=overdue",
                        tag="red" if overdue else "green",
                        label="Overdue" if overdue else "None overdue",
                    ),
                    PanelItem(
                        text=f"{today_count} due today",
                        # Not yet overdue, soonest first: today's come first (the whole list starts overdue).
                        url=reverse("victims:worklist") + "?status=due",
                        tag="amber" if today_count else "",
                        label="Due today",
                    ),
                    PanelItem(
                        text=f"{unrecognised} victims entitled to enhanced rights not yet recognised",
                        url=reverse("victims:list") + "?recognised=no",
                        tag="red" if unrecognised else "green",
                        label="Not recognised" if unrecognised else "All recognised",
                    ),
                ],
                link=reverse("victims:worklist"),
                link_text="Victim contact clocks",
            )
        )
    return panels


REVIEWS_SHOWN = 10


def _review_item(review: Any, today: date) -> PanelItem:
    dates = f"acknowledge by {review.acknowledge_by:%d %b %Y} · decide by {review.decide_by:%d %b %Y}"
    if review.acknowledged_on is None and review.acknowledge_by < today:
        tag, label = "red", "Acknowledgement overdue"
    elif review.decide_by < today:
        tag, label = "red", "Decision overdue"
    else:
        tag, label = "amber", "Open"
    return PanelItem(
        text=f"Right to Review on {review.link.crime.reference}, requested {review.requested_on:%d %b %Y}",
        url=reverse("victims:detail", args=[review.link.victim_id]),
        tag=tag,
        label=label,
        detail=f"{dates} (policy v{review.policy_version})",
    )


@register
def review_panel(user: Any, today: date) -> list[Panel]:
    """The scheme's two clocks (acknowledge, then decide) are otherwise only on the victim's page."""
    if not access.can_review(scope_of(user)):
        return []
    reviews = list(selectors.open_reviews(actor=user)[:REVIEWS_SHOWN])
    selectors.panel_searched(
        actor=user,
        action="custos.victim_review.searched",
        query={"panel": "Right to Review requests", "status": "open", "limit": REVIEWS_SHOWN},
        result_count=len(reviews),
    )
    return [
        Panel(
            title="Right to Review requests",
            order=14,
            empty_text="No Right to Review request is open.",
            items=[_review_item(r, today) for r in reviews],
        )
    ]


@register
def review_escalation_panel(user: Any, today: date) -> list[Panel]:
    """Missed Right to Review clocks escalated by the nightly sweep to this reader (or a role they hold)."""
    s = scope_of(user)
    if not s.sees_personal_data:
        return []
    escalated = selectors.review_escalations_for(actor=user, limit=REVIEWS_SHOWN)
    if not escalated:
        return []
    selectors.panel_searched(
        actor=user,
        action="custos.victim_review.searched",
        query={"panel": "Right to Review escalated", "status": "escalated", "limit": REVIEWS_SHOWN},
        result_count=len(escalated),
    )
    return [
        Panel(
            title="Right to Review escalated",
            order=12,
            items=[
                PanelItem(
                    text=f"Right to Review on {e.review.link.crime.reference}: "
                    + e.get_clock_display().lower(),
                    url=reverse("victims:detail", args=[e.review.link.victim_id]),
                    tag="red",
                    label="Escalated",
                    detail=f"was due {e.due_on:%d %b %Y} · {e.basis}",
                )
                for e in escalated
            ],
        )
    ]
