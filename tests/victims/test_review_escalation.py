"""The nightly sweep escalates Right to Review requests whose acknowledge-by or decide-by date has passed, as
it does overdue Victims' Code obligations: once per missed clock, to the reviewer's line supervisor or the
policy-named role in the crime's borough, with the basis (scheme and policy keys) shown."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from custos.core.models import AuditEvent
from custos.core.policy import current_policy
from custos.core.sweep import run_all
from custos.crimes.models import Crime, CrimeStatus
from custos.victims import services
from custos.victims.models import ReviewEscalation, RightToReview, VictimCrime
from tests.victims.helpers import add_victim, crime_in_a

pytestmark = pytest.mark.django_db


def _review(force: Any, *, requested_days_ago: int) -> RightToReview:
    requested = date.today() - timedelta(days=requested_days_ago)
    crime = crime_in_a(force, offence="abh-s47", reported=requested - timedelta(days=30))
    victim = add_victim(force, crime)
    Crime.objects.filter(pk=crime.pk).update(status=CrimeStatus.FINALISED, outcome=15)
    return services.review_request(
        actor=force.user("investigator", "A"),
        link=VictimCrime.objects.select_related("crime").get(victim=victim),
        notified_on=requested - timedelta(days=2),
        requested_on=requested,
        suspect_interviewed=True,
    )


def _sweep_reviews() -> Any:
    return next(r for r in run_all(date.today()) if r.name == "victims.reviews")


def test_a_missed_acknowledgement_is_escalated_once_to_the_policy_role_with_its_basis(force: Any) -> None:
    review = _review(force, requested_days_ago=20)  # past its 10 working days, inside its 30
    first = _sweep_reviews()
    assert first.created == {"victim_review_escalations": 1}
    [esc] = ReviewEscalation.objects.all()
    assert (esc.review_id, esc.clock, esc.due_on) == (review.pk, "acknowledge", review.acknowledge_by)
    assert esc.role == current_policy().get("victims.vrr_escalation_role") and esc.supervisor is None
    for key in ("victims.vrr_acknowledge_working_days", "victims.vrr_escalation_role"):
        assert key in esc.basis
    assert "Right to Review scheme" in esc.basis and esc.policy_version == current_policy().version
    event = AuditEvent.objects.get(action="custos.victim_review.escalated")
    assert event.changes["clock"] == "acknowledge" and event.changes["basis"] == esc.basis
    assert _sweep_reviews().created == {"victim_review_escalations": 0}
    assert ReviewEscalation.objects.count() == 1


def test_both_clocks_missed_escalate_each_and_a_decided_review_nothing(force: Any) -> None:
    late = _review(force, requested_days_ago=60)
    decided = _review(force, requested_days_ago=60)
    RightToReview.objects.filter(pk=decided.pk).update(status="decided")
    assert _sweep_reviews().created == {"victim_review_escalations": 2}
    assert sorted(ReviewEscalation.objects.values_list("review_id", "clock")) == [
        (late.pk, "acknowledge"),
        (late.pk, "decide"),
    ]


def test_a_review_still_in_time_is_not_escalated(force: Any) -> None:
    _review(force, requested_days_ago=1)
    assert _sweep_reviews().created == {"victim_review_escalations": 0}


def test_a_known_reviewer_escalates_to_their_line_supervisor(force: Any) -> None:
    review = _review(force, requested_days_ago=20)
    RightToReview.objects.filter(pk=review.pk).update(reviewer=force.people["investigation-supervisor@A"])
    _sweep_reviews()
    esc = ReviewEscalation.objects.get()
    assert esc.supervisor == force.people["investigation-supervisor@A"].line_supervisor
    assert esc.supervisor is not None


def test_acknowledging_resolves_the_escalation(force: Any) -> None:
    review = _review(force, requested_days_ago=20)
    _sweep_reviews()
    services.review_acknowledge(actor=force.user("investigator", "A"), review=review)
    assert ReviewEscalation.objects.get().resolved_on == date.today()


def test_the_escalation_reaches_the_boroughs_role_on_the_home_page_with_its_basis(
    force: Any, client_for: Any
) -> None:
    review = _review(force, requested_days_ago=20)
    _sweep_reviews()
    panels = client_for(force.user("detective-inspector", "A")).get("/").context["panels"]
    panel = next(p for p in panels if p.title == "Right to Review escalated")
    [item] = panel.items
    assert review.link.crime.reference in item.text
    assert "victims.vrr_escalation_role" in item.detail
    outsider = client_for(force.user("detective-inspector", "B")).get("/").context["panels"]
    assert all(p.title != "Right to Review escalated" for p in outsider)
    page = client_for(force.user("detective-inspector", "A")).get(f"/victims/{review.link.victim_id}/")
    assert "Escalated" in page.content.decode() and "victims.vrr_escalation_role" in page.content.decode()
