"""Victims' Right to Review: time limits, eligibility, reviewer independence, upheld -> reopened."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from custos.core.models import AuditEvent
from custos.crimes.models import Crime, CrimeStatus
from custos.victims import services
from custos.victims.models import VictimCrime
from custos.victims.rules.vrr import SAME_PERSON
from tests.victims.helpers import add_victim, crime_in_a

pytestmark = pytest.mark.django_db


def _finalised_link(
    force: Any,
    *,
    offence: str = "abh-s47",
    outcome: int = 15,
    occurred: date = date(2025, 9, 1),
    interviewed: bool = True,
) -> VictimCrime:
    crime = crime_in_a(force, offence=offence, reported=occurred)
    victim = add_victim(force, crime)
    if interviewed:
        services.investigation_event_recorded(
            crime=crime, event="interview", occurred_on=occurred, actor=force.user("investigator", "A")
        )
    Crime.objects.filter(pk=crime.pk).update(
        status=CrimeStatus.FINALISED, outcome=outcome, finalised_on=occurred
    )
    return VictimCrime.objects.select_related("crime", "victim").get(victim=victim)


@pytest.mark.parametrize(
    ("offence", "notified", "requested", "in_time", "closes", "ack_by", "decide_by"),
    [
        # 3 months from notification; acknowledge in 10 working days, decide in 30.
        (
            "abh-s47",
            date(2025, 10, 1),
            date(2025, 12, 31),
            True,
            date(2026, 1, 1),
            date(2026, 1, 15),
            date(2026, 2, 12),
        ),
        (
            "abh-s47",
            date(2025, 10, 1),
            date(2026, 1, 2),
            False,
            date(2026, 1, 1),
            date(2026, 1, 16),
            date(2026, 2, 13),
        ),
        # Summary-only: also within 6 months of the incident on 1 September 2025.
        (
            "common-assault",
            date(2025, 11, 3),
            date(2026, 1, 5),
            True,
            date(2026, 2, 3),
            date(2026, 1, 19),
            date(2026, 2, 16),
        ),
    ],
)
def test_request_window_and_clocks(
    force: Any,
    offence: str,
    notified: date,
    requested: date,
    in_time: bool,
    closes: date,
    ack_by: date,
    decide_by: date,
) -> None:
    link = _finalised_link(force, offence=offence)
    review = services.review_request(
        actor=force.user("victim-care-officer", "A"), link=link, notified_on=notified, requested_on=requested
    )
    assert review.eligible is True
    assert (review.in_time, review.acknowledge_by, review.decide_by) == (in_time, ack_by, decide_by)
    assert review.window_closes == closes
    assert review.summary_only is (offence == "common-assault")
    assert review.policy_version and review.basis


def test_summary_only_window_closes_six_months_after_the_incident(force: Any) -> None:
    link = _finalised_link(force, offence="common-assault", occurred=date(2025, 6, 1))
    review = services.review_request(
        actor=force.user("victim-care-officer", "A"),
        link=link,
        notified_on=date(2025, 11, 1),
        requested_on=date(2025, 12, 5),
    )
    assert review.window_closes == date(2025, 12, 1)
    assert review.in_time is False


@pytest.mark.parametrize(
    ("outcome", "interviewed", "withdrawn", "eligible"),
    [
        (15, True, False, True),
        (18, False, False, False),  # worked example 6: no suspect
        (8, True, False, False),  # worked example 6: out-of-court disposal
        (16, True, False, False),  # worked example 6: victim withdrew
        (15, False, False, False),  # suspect not interviewed under caution
        (15, True, True, False),  # victim withdrew support
    ],
)
def test_eligibility(force: Any, outcome: int, interviewed: bool, withdrawn: bool, eligible: bool) -> None:
    link = _finalised_link(force, outcome=outcome, interviewed=interviewed)
    if withdrawn:
        services.support_withdraw(actor=force.user("investigator", "A"), link=link, reason="Moved away")
        link.refresh_from_db()
    review = services.review_request(
        actor=force.user("victim-care-officer", "A"),
        link=link,
        notified_on=date(2025, 10, 1),
        requested_on=date(2025, 10, 2),
    )
    assert review.eligible is eligible
    assert review.eligibility_reasons


def test_the_reviewer_must_not_be_the_decision_maker_and_must_outrank_them(force: Any) -> None:
    link = _finalised_link(force)
    review = services.review_request(
        actor=force.user("victim-care-officer", "A"),
        link=link,
        notified_on=date(2025, 10, 1),
        requested_on=date(2025, 10, 2),
    )
    assert review.decision_maker == force.people["investigator@A"]  # a DC held and decided it
    review.decision_maker = force.people["investigation-supervisor@A"]
    review.save(update_fields=["decision_maker"])
    with pytest.raises(ValidationError) as err:
        services.review_decide(
            actor=force.user("investigation-supervisor", "A"),
            review=review,
            outcome="upheld",
            reasons="Further enquiries",
        )
    assert SAME_PERSON in str(err.value)
    with pytest.raises(PermissionError):
        services.review_decide(
            actor=force.user("victim-care-officer", "A"), review=review, outcome="upheld", reasons="x"
        )


def test_a_peer_of_the_same_rank_is_not_independent(force: Any, make_person: Any, make_user: Any) -> None:
    link = _finalised_link(force)
    review = services.review_request(
        actor=force.user("victim-care-officer", "A"),
        link=link,
        notified_on=date(2025, 10, 1),
        requested_on=date(2025, 10, 2),
    )
    peer = make_person(rank="sergeant", borough=force.boroughs["A"], team=force.teams["cid@A"])
    user = make_user("peer-ds", ["investigation-supervisor"], peer)
    review.decision_maker = force.people["investigation-supervisor@A"]  # a detective sergeant
    review.save(update_fields=["decision_maker"])
    with pytest.raises(ValidationError) as err:
        services.review_decide(actor=user, review=review, outcome="not-upheld", reasons="Decision stands")
    assert "higher rank" in str(err.value) and "Police sergeant" in str(err.value)


def test_an_upheld_review_reopens_the_investigation_and_audits_it(force: Any) -> None:
    link = _finalised_link(force)
    review = services.review_request(
        actor=force.user("victim-care-officer", "A"),
        link=link,
        notified_on=date(2025, 10, 1),
        requested_on=date(2025, 10, 2),
    )
    services.review_acknowledge(
        actor=force.user("victim-care-officer", "A"), review=review, on=date(2025, 10, 6)
    )
    decided = services.review_decide(
        actor=force.user("detective-inspector", "A"),
        review=review,
        outcome="upheld",
        reasons="CCTV not pursued; reinvestigate",
        on=date(2025, 10, 20),
    )
    assert decided.reviewer == force.people["detective-inspector@A"]
    crime = Crime.objects.get(pk=link.crime_id)
    assert crime.status == CrimeStatus.OPEN and crime.outcome is None
    assert AuditEvent.objects.filter(action="custos.crime.reopened", object_id=str(crime.pk)).exists()
    assert AuditEvent.objects.filter(action="custos.victim_review.decided").get().changes["on_time"] is True


def test_a_review_not_upheld_leaves_the_crime_finalised(force: Any) -> None:
    link = _finalised_link(force)
    review = services.review_request(
        actor=force.user("victim-care-officer", "A"),
        link=link,
        notified_on=date(2025, 10, 1),
        requested_on=date(2025, 10, 2),
    )
    services.review_decide(
        actor=force.user("detective-inspector", "A"),
        review=review,
        outcome="not-upheld",
        reasons="The evidential test is not met",
    )
    assert Crime.objects.get(pk=link.crime_id).status == CrimeStatus.FINALISED
    with pytest.raises(ValidationError):
        services.review_decide(
            actor=force.user("detective-inspector", "A"), review=review, outcome="upheld", reasons="again"
        )


def test_the_request_form_can_say_the_suspect_was_interviewed_when_no_event_records_it(
    force: Any, client_for: Any
) -> None:
    """Interviews before Custos have no event: the form says so rather than calling every such review
    ineligible because 'the suspect was not interviewed under caution'."""
    from custos.victims.models import RightToReview

    link = _finalised_link(force, interviewed=False, occurred=date.today().replace(day=1))
    client = client_for(force.user("victim-care-officer", "A"))
    notified = date.today().isoformat()
    page = client.get(f"/victims/{link.victim_id}/").content.decode()
    assert "Suspect interviewed under caution" in page
    client.post(f"/victims/links/{link.pk}/review/", {"notified_on": notified})
    client.post(f"/victims/links/{link.pk}/review/", {"notified_on": notified, "suspect_interviewed": "yes"})
    as_recorded, stated = RightToReview.objects.filter(link=link).order_by("id")
    assert not as_recorded.eligible and "not interviewed" in as_recorded.eligibility_reasons[0]
    assert stated.eligible, stated.eligibility_reasons


def test_a_notification_date_in_the_future_is_refused_in_those_words(force: Any) -> None:
    from datetime import timedelta

    from custos.victims.reviews import NOTIFIED_IN_FUTURE

    link = _finalised_link(force)
    with pytest.raises(ValidationError) as err:
        services.review_request(
            actor=force.user("investigator", "A"), link=link, notified_on=date.today() + timedelta(days=3)
        )
    assert err.value.message_dict == {"notified_on": [NOTIFIED_IN_FUTURE]}
