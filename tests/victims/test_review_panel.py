"""Open Right to Review requests reach the home pages of those who review, with the scheme's two clocks."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone

from custos.crimes.models import Crime, CrimeStatus
from custos.victims import services
from custos.victims.models import RightToReview, VictimCrime
from tests.victims.helpers import add_victim, crime_in_a

pytestmark = pytest.mark.django_db


def _review(force: Any, *, requested: date) -> RightToReview:
    crime = crime_in_a(force, offence="abh-s47", reported=requested - timedelta(days=60))
    victim = add_victim(force, crime)
    Crime.objects.filter(pk=crime.pk).update(
        status=CrimeStatus.FINALISED, outcome=15, finalised_on=requested - timedelta(days=5)
    )
    link = VictimCrime.objects.select_related("crime").get(victim=victim)
    return services.review_request(
        actor=force.user("investigator", "A"),
        link=link,
        notified_on=requested - timedelta(days=3),
        requested_on=requested,
        suspect_interviewed=True,
    )


def _panel(client: Any) -> Any:
    return next((p for p in client.get("/").context["panels"] if p.title == "Right to Review requests"), None)


@pytest.mark.parametrize(
    ("requested_days_ago", "acknowledged", "label"),
    [
        (1, False, "Open"),
        (30, False, "Acknowledgement overdue"),
        (30, True, "Open"),
        (70, True, "Decision overdue"),
    ],
)
def test_an_open_review_shows_its_clocks_to_the_borough_reviewers(
    force: Any, client_for: Any, requested_days_ago: int, acknowledged: bool, label: str
) -> None:
    today = timezone.localdate()
    review = _review(force, requested=today - timedelta(days=requested_days_ago))
    if acknowledged:
        services.review_acknowledge(actor=force.user("investigation-supervisor", "A"), review=review)
    panel = _panel(client_for(force.user("detective-inspector", "A")))
    assert [i.label for i in panel.items] == [label]
    assert f"decide by {review.decide_by:%d %b %Y}" in panel.items[0].detail
    assert review.link.crime.reference in panel.items[0].text


def test_a_decided_review_and_another_boroughs_reviews_are_not_shown(force: Any, client_for: Any) -> None:
    review = _review(force, requested=timezone.localdate() - timedelta(days=2))
    outsider = _panel(client_for(force.user("detective-inspector", "B")))
    assert outsider is not None and outsider.items == []
    RightToReview.objects.filter(pk=review.pk).update(status="decided")
    assert _panel(client_for(force.user("detective-inspector", "A"))).items == []


def test_only_those_who_review_get_the_panel(force: Any, client_for: Any) -> None:
    _review(force, requested=timezone.localdate() - timedelta(days=2))
    assert _panel(client_for(force.user("investigator", "A"))) is None
