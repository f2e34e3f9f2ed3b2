"""The compliance report: obligations met on time by right, team and borough; enhanced identification;
overdue ages; aggregates only."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from custos.crimes.models import Crime
from custos.victims import compliance, services
from custos.victims.models import Obligation, VictimCrime
from tests.victims.helpers import add_victim, born_years_before, crime_in_a

pytestmark = pytest.mark.django_db


def test_compliance_numbers(force: Any, client_for: Any) -> None:
    today = date.today()
    reported = today - timedelta(days=40)
    actor = force.user("investigator", "A")
    crime = crime_in_a(force, reported=reported)
    add_victim(force, crime, first_name="Adult", date_of_birth=date(1980, 1, 1))
    young = add_victim(force, crime, first_name="Young", date_of_birth=born_years_before(reported, 15))
    # An inherited record: entitled to enhanced rights (aged 15) but never recognised before Custos.
    VictimCrime.objects.filter(victim=young).update(recognised_enhanced=False, inherited=True)
    referrals = list(Obligation.objects.filter(key="support-referral").order_by("id"))
    services.obligation_update(
        actor=actor, obligation=referrals[0], status="met", evidence="Referred", on=referrals[0].due_on
    )
    services.obligation_update(
        actor=actor,
        obligation=referrals[1],
        status="met",
        evidence="Referred late",
        on=referrals[1].due_on + timedelta(days=3),
    )
    report = compliance.compliance_report(actor=force.user("inspector", "A"), today=today)
    right4 = next(s for s in report.by_right if s.label.startswith("Right 4"))
    # Two support referrals (one on time, one late) and two needs assessments, recorded in Custos 40 days
    # after the report, so late: 1 of 4 on time.
    assert (right4.total, right4.on_time, right4.percent) == (4, 1, 25.0)
    assert report.enhanced_entitled == 1 and report.enhanced_recognised == 0
    assert report.identification_percent == 0.0
    overdue = Obligation.objects.filter(status__in=("due", "overdue"), due_on__lt=today).count()
    assert report.overdue_total == overdue > 0
    assert sum(n for _, n in report.overdue_bands) == overdue
    # Force-wide, a team is named with its borough: every borough has teams of the same names.
    assert [s.label for s in report.by_team] == [f"{force.teams['cid@A'].name} ({force.boroughs['A'].name})"]
    assert [s.label for s in report.by_borough] == [force.boroughs["A"].name]
    page = client_for(force.user("inspector", "A")).get("/victims/compliance/")
    assert page.status_code == 200 and b"Young" not in page.content and b"Adult" not in page.content
    csv = client_for(force.user("performance-analyst", "A")).get("/victims/compliance/?format=csv")
    assert (
        csv.status_code == 200 and b"enhanced-identification" in csv.content and b"Young" not in csv.content
    )


def test_a_supervisor_sees_only_their_boroughs_aggregates(force: Any) -> None:
    add_victim(force, crime_in_a(force, reported=date.today() - timedelta(days=30)))
    own = compliance.compliance_report(actor=force.user("investigation-supervisor", "A"), today=date.today())
    other = compliance.compliance_report(
        actor=force.user("investigation-supervisor", "B"), today=date.today()
    )
    assert own.victim_crimes == 1 and other.victim_crimes == 0
    # Within one borough a team needs no borough after its name.
    assert [s.label for s in own.by_team] == [force.teams["cid@A"].name]


def test_every_view_of_the_report_adds_up_to_the_same_obligations(force: Any) -> None:
    reported = date.today() - timedelta(days=30)
    add_victim(force, crime_in_a(force, reported=reported), first_name="Teamed")
    untended = crime_in_a(force, reported=reported, held=False)
    Crime.objects.filter(pk=untended.pk).update(team=None)
    add_victim(force, untended, first_name="Unteamed", date_of_birth=date(1990, 5, 5))

    report = compliance.compliance_report(actor=force.user("inspector", "A"), today=date.today())

    cid_a = f"{force.teams['cid@A'].name} ({force.boroughs['A'].name})"
    assert [s.label for s in report.by_team] == [cid_a, "No team recorded"]
    for view in (report.by_right, report.by_team, report.by_borough):
        assert sum(s.total for s in view) == report.overall.total > 0
        assert sum(s.on_time for s in view) == report.overall.on_time
    counted = Obligation.objects.filter(due_on__lte=date.today()).exclude(
        status__in=("declined", "not-applicable")
    )
    assert report.overall.total == counted.count()
