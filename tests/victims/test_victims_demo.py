"""Demo victims: deterministic, a realistic share enhanced, inherited unrecognised cases to surface, and
obligations with no fixed date done around the report rather than left open for ever."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.db.models import F

from custos.victims.clocks import event_duty
from custos.victims.demo import UNDATED_LATER_DAYS, UNDATED_SOON_DAYS, seed_part
from custos.victims.models import InvestigationEvent, Obligation, Victim, VictimCrime
from tests.crimes.factories import make_crime

pytestmark = pytest.mark.django_db

OFFENCES = [
    "theft-other",
    "burglary-residential",
    "abh-s47",
    "sexual-assault",
    "shoplifting",
    "criminal-damage-other",
]


def test_demo_victims_for_seeded_crimes(force: Any) -> None:
    for i in range(60):
        make_crime(
            borough=force.boroughs["A"],
            team=force.teams["cid@A"],
            offence=OFFENCES[i % len(OFFENCES)],
            officer=force.people["investigator@A"],
            recorded_days_ago=90 + i,
            domestic_abuse=i % 9 == 0,
        )
    rows = seed_part(scale="demo", seed=7, progress=False)
    links = VictimCrime.objects.all()
    assert rows > links.count() >= 60
    enhanced = links.filter(enhanced=True).count()
    assert 0.1 <= enhanced / links.count() <= 0.7
    assert links.filter(inherited=True, enhanced=True, recognised_enhanced=False).exists()
    assert (
        Obligation.objects.filter(status="due", due_on__isnull=False).exclude(key="regular-update").exists()
    )
    assert Obligation.objects.filter(status="met", met_on__gt=F("due_on")).exists()
    # An event's obligation reads as recording that event through the service would write it.
    told = list(Obligation.objects.filter(event__isnull=False).select_related("event"))
    assert told
    assert {(o.key, o.right, o.title) for o in told} == {
        (d.key, d.right, d.title) for d in (event_duty(o.event.event) for o in told)
    }
    assert not any(o.title == f"Told of {o.event.event}" for o in told)  # the demo's old shorthand


def _crimes(force: Any, days_ago: list[int]) -> None:
    for i, ago in enumerate(days_ago):
        make_crime(
            borough=force.boroughs["A"],
            team=force.teams["cid@A"],
            offence=OFFENCES[i % len(OFFENCES)],
            officer=force.people["investigator@A"],
            recorded_days_ago=ago,
        )


def _undated() -> Any:
    """Obligations with no fixed date that someone has to do (crime-recorded is done by recording it)."""
    return Obligation.objects.filter(due_on__isnull=True).exclude(key="crime-recorded")


def test_demo_obligations_with_no_fixed_date_are_mostly_done_within_days_of_the_report(force: Any) -> None:
    _crimes(force, [60 + i for i in range(120)])
    seed_part(scale="demo", seed=11, progress=False)
    undated = _undated()
    assert undated.count() >= 240  # written acknowledgement and compensation information, per victim
    still_open = undated.filter(status__in=["due", "overdue"]).count()
    assert 0 < still_open <= 0.12 * undated.count()
    met = list(undated.filter(status="met"))
    days = [(o.met_on - o.trigger_on).days for o in met]
    assert min(days) >= 0 and max(days) <= UNDATED_LATER_DAYS
    assert sum(d <= UNDATED_SOON_DAYS for d in days) >= 0.75 * len(days)
    assert all(o.evidence for o in met)


def test_recent_crimes_keep_more_undated_obligations_open_than_old_ones(force: Any) -> None:
    _crimes(force, [1] * 60 + [200] * 60)
    seed_part(scale="demo", seed=5, progress=False)

    month_ago = date.today() - timedelta(days=30)
    recent = _undated().filter(link__crime__recorded_on__gte=month_ago)
    old = _undated().filter(link__crime__recorded_on__lt=month_ago)

    def open_share(rows: Any) -> float:
        return rows.filter(status="due").count() / rows.count()

    assert open_share(recent) > 0.3 > open_share(old)


def _fingerprint() -> list[tuple[Any, ...]]:
    return sorted(
        Obligation.objects.values_list(
            "link__crime__reference",
            "link__victim__first_name",
            "key",
            "trigger_on",
            "due_on",
            "status",
            "met_on",
        )
    )


def test_the_demo_victims_are_the_same_for_the_same_seed(force: Any) -> None:
    _crimes(force, [3, 20, 90, 400] * 10)
    seed_part(scale="demo", seed=3, progress=False)
    first = _fingerprint()
    Victim.objects.all().delete()
    InvestigationEvent.objects.all().delete()
    seed_part(scale="demo", seed=3, progress=False)
    assert _fingerprint() == first


def test_demo_events_fit_the_crime_a_charge_only_where_charged_and_decisions_only_when_finalised(
    force: Any,
) -> None:
    from custos.crimes.models import Crime

    _crimes(force, [60 + i for i in range(40)])
    crimes = list(Crime.objects.order_by("pk"))
    finalised = {c.pk: outcome for c, outcome in zip(crimes[:30], [1, 8, 16] * 10, strict=True)}
    for pk, outcome in finalised.items():
        Crime.objects.filter(pk=pk).update(
            status="finalised", outcome=outcome, finalised_on=date.today() - timedelta(days=20)
        )
    seed_part(scale="demo", seed=5, progress=False)
    decision = {1: "charge", 8: "out-of-court", 16: "nfa"}
    events = list(InvestigationEvent.objects.all())
    for pk, outcome in finalised.items():  # none where no victim gets Code services (a business, no contact)
        assert {e.event for e in events if e.crime_id == pk} <= {decision[outcome]}
    assert {e.event for e in events if e.crime_id in finalised} == set(decision.values())
    open_events = {e.event for e in events if e.crime_id not in finalised}
    assert open_events and open_events <= {"arrest", "interview", "rui", "bail"}
    charged = Obligation.objects.filter(trigger="charge").values_list("key", flat=True)
    assert {"event-update", "trial-information", "expenses"} <= set(charged)


def test_demo_right_to_review_requests_follow_recent_nfa_decisions_and_the_rules(force: Any) -> None:
    from custos.crimes.models import Crime, CrimeStatus
    from custos.victims.models import RightToReview

    today = date.today()
    for i in range(30):
        crime = make_crime(
            borough=force.boroughs["A"],
            team=force.teams["cid@A"],
            offence="abh-s47",
            officer=force.people["investigator@A"],
            recorded_days_ago=60 + i,
        )
        finalised = today - timedelta(days=5 + i)
        Crime.objects.filter(pk=crime.pk).update(
            status=CrimeStatus.FINALISED, outcome=15 if i % 2 else 1, finalised_on=finalised
        )
    seed_part(scale="demo", seed=7, progress=False)
    reviews = list(RightToReview.objects.select_related("link__crime"))
    assert 0 < len(reviews) <= 12
    for review in reviews:
        crime = review.link.crime
        assert crime.outcome == 15  # a police NFA with a suspect identified, never a charge
        assert crime.finalised_on <= review.notified_on <= review.requested_on <= today
        assert review.acknowledge_by > review.requested_on and review.decide_by > review.acknowledge_by
        assert review.basis and review.policy_version
        excluded = [r for r in review.eligibility_reasons if r.startswith("excluded")]
        assert review.eligible == (not excluded) and review.eligibility_reasons
        if review.acknowledged_on is not None:
            assert review.requested_on <= review.acknowledged_on <= today
    assert any(r.eligible for r in reviews)
