"""A Right to Review request assessed as not eligible is closed as not eligible, with the reason the victim is
told; it is never decided on its merits (upheld or not upheld), so it can never reopen the investigation."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from custos.crimes.models import Crime, CrimeStatus
from custos.victims import services
from custos.victims.models import ReviewOutcome, RightToReview, VictimCrime
from custos.victims.reviews import ELIGIBLE_DECIDED_ON_MERITS, INELIGIBLE_NOT_DECIDED_ON_MERITS
from tests.victims.helpers import add_victim, crime_in_a

pytestmark = pytest.mark.django_db


def _review(force: Any, *, interviewed: bool) -> RightToReview:
    crime = crime_in_a(force, offence="abh-s47", reported=date.today() - timedelta(days=40))
    victim = add_victim(force, crime)
    Crime.objects.filter(pk=crime.pk).update(
        status=CrimeStatus.FINALISED, outcome=15, finalised_on=date.today() - timedelta(days=10)
    )
    link = VictimCrime.objects.select_related("crime").get(victim=victim)
    return services.review_request(
        actor=force.user("investigator", "A"),
        link=link,
        notified_on=date.today() - timedelta(days=5),
        suspect_interviewed=interviewed,
    )


@pytest.mark.parametrize("outcome", [ReviewOutcome.UPHELD, ReviewOutcome.NOT_UPHELD])
def test_an_ineligible_request_cannot_be_decided_on_its_merits(force: Any, outcome: str) -> None:
    review = _review(force, interviewed=False)
    assert review.eligible is False
    with pytest.raises(ValidationError) as err:
        services.review_decide(
            actor=force.user("detective-inspector", "A"),
            review=review,
            outcome=outcome,
            reasons="Reinvestigate",
        )
    assert INELIGIBLE_NOT_DECIDED_ON_MERITS in str(err.value)
    review.refresh_from_db()
    assert review.status != "decided"
    assert Crime.objects.get(pk=review.link.crime_id).status == CrimeStatus.FINALISED


def test_an_ineligible_request_is_closed_as_not_eligible_with_the_reason(force: Any) -> None:
    review = _review(force, interviewed=False)
    closed = services.review_decide(
        actor=force.user("detective-inspector", "A"),
        review=review,
        outcome=ReviewOutcome.NOT_ELIGIBLE,
        reasons="No suspect was interviewed under caution, so the scheme does not apply.",
    )
    assert closed.status == "decided" and closed.outcome == "not-eligible"
    assert Crime.objects.get(pk=review.link.crime_id).status == CrimeStatus.FINALISED


def test_an_eligible_request_is_decided_on_its_merits_not_closed_as_ineligible(force: Any) -> None:
    review = _review(force, interviewed=True)
    assert review.eligible is True
    with pytest.raises(ValidationError) as err:
        services.review_decide(
            actor=force.user("detective-inspector", "A"),
            review=review,
            outcome=ReviewOutcome.NOT_ELIGIBLE,
            reasons="Not eligible",
        )
    assert ELIGIBLE_DECIDED_ON_MERITS in str(err.value)


def test_the_page_offers_only_closing_an_ineligible_request(force: Any, client_for: Any) -> None:
    review = _review(force, interviewed=False)
    page = client_for(force.user("detective-inspector", "A")).get(f"/victims/{review.link.victim_id}/")
    form = (
        page.content.decode().split(f'action="/victims/reviews/{review.pk}/decide/"')[1].split("</form>")[0]
    )
    assert 'value="not-eligible"' in form
    assert 'value="upheld"' not in form and 'value="not-upheld"' not in form


def test_the_api_refuses_to_uphold_an_ineligible_request(force: Any, client_for: Any) -> None:
    review = _review(force, interviewed=False)
    client = client_for(force.user("detective-inspector", "A"))
    response = client.post(
        f"/api/v1/victims/reviews/{review.pk}/decide",
        data=json.dumps({"outcome": "upheld", "reasons": "Reinvestigate"}),
        content_type="application/json",
    )
    assert response.status_code == 422
    assert INELIGIBLE_NOT_DECIDED_ON_MERITS in response.content.decode()
    assert Crime.objects.get(pk=review.link.crime_id).status == CrimeStatus.FINALISED
    closed = client.post(
        f"/api/v1/victims/reviews/{review.pk}/decide",
        data=json.dumps({"outcome": "not-eligible", "reasons": "No suspect was interviewed under caution."}),
        content_type="application/json",
    )
    assert closed.status_code == 200 and closed.json()["outcome"] == "not-eligible"
