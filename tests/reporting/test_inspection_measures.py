"""Inspection measures: each figure counts what its title says (checked against the rows, counted here
another way), for the reader's force or borough, the same through the page, the API and the CLI, and
only for those who may read aggregates."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone

from custos.allocation import inputs
from custos.cli import main
from custos.core.measures import MeasureScope, measures_for
from custos.core.policy import current_policy
from custos.crimes.models import Crime, CrimeStatus
from custos.investigations.models import InvestigationPlan
from custos.investigations.services import plan_create
from custos.offenders import ladder
from custos.offenders.models import Offender, OffenderTask, Visit
from custos.reporting.cli import NOT_ALLOWED
from custos.reporting.measures import UNKNOWN_BOROUGH
from custos.workforce.models import Person
from tests.crimes.factories import Unit, make_crime
from tests.offenders.factories import add_visit, make_offender

API = "/api/v1/reports/inspection"
PAGE = "/reporting/inspection/"


def _measures(borough_id: int | None = None) -> dict[str, Any]:
    scope = MeasureScope(today=timezone.localdate(), policy=current_policy(), borough_id=borough_id)
    return {m.key: m for m in measures_for(scope)}


@pytest.fixture
def unit(make_person: Any, make_user: Any) -> Unit:
    return Unit(make_person, make_user)


def test_investigation_measures_count_caseloads_training_gaps_reviews_and_the_iioc_nfa_rate(
    unit: Unit,
) -> None:
    today = date.today()
    for _ in range(26):
        unit.crime(officer=unit.dc)  # the DC: over 25
    unit.crime(offence="robbery-personal", officer=unit.pc, weapon=True)  # needs PIP2; the PC has PIP1
    held_by_trainee = unit.crime(offence="robbery-personal", officer=unit.trainee, weapon=True)
    late = plan_create(actor=None, crime=held_by_trainee, owner=unit.trainee, allocated_on=today)
    InvestigationPlan.objects.filter(pk=late.pk).update(next_review_due=today - timedelta(days=3))
    plan_create(actor=None, crime=unit.crime(officer=unit.pc), owner=unit.pc, allocated_on=today)
    for outcome in (14, 15, 16, 18, 18, 14, 1, 1, 3, 1, 20):  # 6 NFA_CORE of 10 counted; 20 is excluded
        crime = unit.crime(offence="iioc-possession", officer=unit.dc)
        Crime.objects.filter(pk=crime.pk).update(
            status=CrimeStatus.FINALISED, outcome=outcome, finalised_on=today
        )

    got = _measures()

    # Counted again here, row by row, from what each title says.
    open_held = list(
        Crime.objects.filter(status=CrimeStatus.OPEN, officer__isnull=False)
        .exclude(tier="")
        .select_related("officer")
    )
    per_officer = Counter(c.officer_id for c in open_held)
    # Everyone the allocation engine counts as an investigator (the workload page's rows), unit or not.
    investigators = list(Person.objects.filter(inputs.investigator_q()))
    over_25 = got["investigations.investigators-over-25"]
    assert (over_25.count, over_25.out_of) == (
        sum(per_officer[p.pk] > 25 for p in investigators),
        len(investigators),
    )
    assert over_25.count == 1 and {unit.dc, unit.pc, unit.trainee} <= set(investigators)
    below = [c for c in open_held if (c.required_pip or 0) > c.officer.pip_level]
    assert (
        got["investigations.below-required-pip"].count,
        got["investigations.below-required-pip"].out_of,
    ) == (
        len(below),
        len(open_held),
    )
    assert {c.officer_id for c in below} == {unit.pc.pk, unit.trainee.pk}
    trainee_above = [c for c in open_held if c.officer.probationer and c.tier != "T1"]
    assert got["investigations.probationers-above-volume-crime"].count == len(trainee_above) == 1
    reviews = got["investigations.reviews-overdue"]
    assert (reviews.count, reviews.out_of) == (1, 2)
    supervisors = {p.line_supervisor for p in investigators if p.line_supervisor is not None}
    untrained = [
        p
        for p in supervisors
        if p.workload_training_on is None or (p.workload_training_expires or today) < today
    ]
    measure = got["investigations.supervisors-untrained"]
    assert (measure.count, measure.out_of) == (len(untrained), len(supervisors))
    assert unit.ds in supervisors and unit.ds not in untrained
    iioc = got["investigations.iioc-nfa-rate"]
    assert (iioc.count, iioc.out_of, iioc.percent) == (6, 10, 60.0)
    assert "investigations.nfa_core_outcomes" in iioc.basis and current_policy().version in iioc.basis


def test_offender_measures_count_overdue_visits_escalations_announced_visits_and_visor_training(
    force: Any,
) -> None:
    today = timezone.localdate()
    old = make_offender(force, last_name="Hollins", managed_since=date(2012, 6, 1))  # high risk by default
    add_visit(old, date(2017, 5, 4), "seen-and-entered")
    for i in range(4):
        o = make_offender(force, last_name=f"Case{i}", rosh_level="medium")
        add_visit(o, today - timedelta(days=30 + i), "seen-and-entered", announced=i == 0)
    in_b = make_offender(force, borough="B", last_name="Elsewhere", rosh_level="very-high")
    add_visit(in_b, today - timedelta(days=400), "seen-and-entered")
    ladder.run(today=today)
    Person.objects.filter(pk=force.people["offender-manager@B"].pk).update(
        visor_training_expires=today - timedelta(days=1)
    )

    for borough_id in (None, force.boroughs["A"].pk):
        got = _measures(borough_id)
        offenders = [
            o
            for o in Offender.objects.filter(active=True, management_mode="active")
            if borough_id is None or o.borough_id == borough_id
        ]
        overdue = [o for o in offenders if o.next_visit_due and o.next_visit_due < today]
        high = [o for o in offenders if o.rosh_level in ("high", "very-high")]
        assert (got["offenders.visits-overdue"].count, got["offenders.visits-overdue"].out_of) == (
            len(overdue),
            len(offenders),
        )
        assert old in overdue and (in_b in overdue) == (borough_id is None)
        assert (
            got["offenders.high-risk-visits-overdue"].count,
            got["offenders.high-risk-visits-overdue"].out_of,
        ) == (
            len([o for o in high if o in overdue]),
            len(high),
        )
        tasks = [
            t
            for t in OffenderTask.objects.filter(status="open").select_related("offender")
            if t.kind in ("di-plan-required", "s96b-consideration", "breach-case")
            and (borough_id is None or t.offender.borough_id == borough_id)
        ]
        assert got["offenders.escalations-open"].count == len(tasks) >= 1
        recent = [
            v
            for v in Visit.objects.filter(status="recorded").select_related("offender")
            if v.attempted_at
            and v.attempted_at.date() >= today - timedelta(days=365)
            and (borough_id is None or v.offender.borough_id == borough_id)
        ]
        announced = got["offenders.announced-visits"]
        assert (announced.count, announced.out_of) == (sum(v.announced for v in recent), len(recent))
        assert announced.count == 1
        visor = got["offenders.lead-managers-visor-lapsed"]
        assert (visor.count, visor.out_of) == ((1, 2) if borough_id is None else (0, 1))


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("inspector", 200),
        ("performance-analyst", 200),
        ("administrator", 200),
        ("detective-inspector", 200),
        ("investigator", 404),
        ("offender-manager", 404),
        ("victim-care-officer", 404),
        ("digital-forensic-examiner", 404),
        ("professional-standards", 404),
    ],
)
def test_only_aggregate_readers_may_open_the_measures(
    force: Any, client_for: Any, role: str, status: int
) -> None:
    client = client_for(force.user(role))
    assert client.get(PAGE).status_code == status
    assert client.get(API).status_code == status
    if status == 200:
        assert b"Inspection measures" in client.get("/").content  # in the header, for those who may open it


def test_a_detective_inspector_reads_their_own_borough_whatever_they_ask_for(
    force: Any, client_for: Any
) -> None:
    make_offender(force, borough="B", last_name="Elsewhere")
    a, b = force.boroughs["A"].code, force.boroughs["B"].code
    di = client_for(force.user("detective-inspector"))
    body = di.get(API, {"borough": b}).json()
    assert body["scope"] == a
    assert body["measures"] == [m.record() for m in _measures(force.boroughs["A"].pk).values()]
    assert 'name="borough"' not in di.get(PAGE, {"borough": b}).content.decode()

    inspector = client_for(force.user("inspector"))
    assert inspector.get(API).json()["scope"] == "force"
    assert inspector.get(API, {"borough": b}).json()["scope"] == b


def test_the_page_the_csv_the_api_and_the_cli_give_the_same_figures(
    force: Any, client_for: Any, capsys: Any
) -> None:
    old = make_offender(force, last_name="Hollins", managed_since=date(2012, 6, 1))
    add_visit(old, date(2017, 5, 4), "seen-and-entered")
    ladder.run(today=timezone.localdate())
    user = force.user("inspector")
    client = client_for(user)
    a = force.boroughs["A"].code

    api = client.get(API, {"borough": a}).json()
    assert main(["report", "inspection", "--json", "--borough", a, "--user", user.username]) == 0
    cli = json.loads(capsys.readouterr().out)
    assert cli == api
    assert api["policy_version"] == current_policy().version
    assert {m["key"] for m in api["measures"]} >= {
        "offenders.visits-overdue",
        "investigations.iioc-nfa-rate",
        "triage.will-miss-sla",
        "victims.obligations-on-time",
    }

    page = client.get(PAGE, {"borough": a}).content.decode()
    rows = list(
        csv.DictReader(io.StringIO(client.get(PAGE, {"borough": a, "format": "csv"}).content.decode()))
    )
    assert [(r["key"], int(r["count"])) for r in rows] == [(m["key"], m["count"]) for m in api["measures"]]
    for m in api["measures"]:
        assert f'data-measure="{m["key"]}"' in page
        shown = f"{m['count']} of {m['out_of']}" if m["out_of"] is not None else str(m["count"])
        assert shown in page

    assert main(["report", "inspection", "--borough", a, "--user", user.username]) == 0
    text = capsys.readouterr().out
    assert f"scope           {a}" in text and "basis: " in text


def test_an_unknown_borough_is_a_clear_error_everywhere(force: Any, client_for: Any, capsys: Any) -> None:
    client = client_for(force.user("inspector"))
    message = UNKNOWN_BOROUGH.format(code="ZZ")

    response = client.get(API, {"borough": "ZZ"})
    assert response.status_code == 422 and response.json()["errors"]["borough"] == [message]
    page = client.get(PAGE, {"borough": "ZZ"}).content.decode()
    assert "There is a problem" in page and "unknown borough &#x27;ZZ&#x27;" in page
    assert main(["report", "inspection", "--borough", "ZZ", "--user", force.user("inspector").username]) == 2
    assert message in capsys.readouterr().err


def test_the_cli_refuses_a_reader_who_may_not_see_aggregates(force: Any, capsys: Any) -> None:
    user = force.user("investigator")
    assert main(["report", "inspection", "--user", user.username]) == 2
    assert NOT_ALLOWED.format(user=user.username) in capsys.readouterr().err


def test_each_measure_names_its_basis_and_a_report_that_exists(force: Any) -> None:
    from django.urls import reverse

    for m in _measures().values():
        assert m.basis and m.title and m.finding
        assert reverse(m.report)
        assert m.out_of is None or m.count <= m.out_of


def test_a_held_crime_in_another_borough_counts_for_the_force_not_for_the_borough(
    unit: Unit, make_person: Any
) -> None:
    from custos.workforce.models import Team

    cid_b = Team.objects.create(borough=unit.other, name="CID B", team_type="cid")
    pc_b = make_person(rank="constable", borough=unit.other, team=cid_b, pip_level=1)
    make_crime(borough=unit.other, team=cid_b, officer=pc_b, offence="robbery-personal", weapon=True)
    force_wide = _measures()["investigations.below-required-pip"]
    borough = _measures(unit.borough.pk)["investigations.below-required-pip"]
    assert (force_wide.count, borough.count) == (1, 0)


@pytest.mark.parametrize(
    ("role", "shown"), [("inspector", True), ("detective-inspector", True), ("investigator", False)]
)
def test_the_home_page_points_aggregate_readers_to_the_measures_and_the_reports_they_may_open(
    force: Any, client_for: Any, role: str, shown: bool
) -> None:
    home = client_for(force.user(role)).get("/").content.decode()
    panel = home.split('<h2 class="govuk-heading-m" id="panel-', 99)
    reports = next((p for p in panel if p.split(">", 1)[1].startswith("Reports<")), "")
    assert bool(reports) is shown
    if shown:
        assert f'href="{PAGE}">Inspection measures' in reports
        assert 'href="/investigations/nfa-rates/"' in reports and 'href="/victims/compliance/"' in reports
