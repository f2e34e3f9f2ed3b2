"""The nightly compliance snapshot: the figures counted now, for every reader, until something changes."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

import pytest

from custos.cli import main
from custos.core.models import AuditEvent
from custos.core.sweep import run_all
from custos.victims import compliance, services
from custos.victims.models import ComplianceSnapshot, Obligation
from tests.crimes.factories import make_crime
from tests.victims.helpers import add_victim, crime_in_a

pytestmark = pytest.mark.django_db

# Two force-wide readers and a borough-limited one in each borough.
READERS = [
    ("inspector", "A"),
    ("performance-analyst", "A"),
    ("investigation-supervisor", "A"),
    ("investigation-supervisor", "B"),
]


def _victims_in_both_boroughs(force: Any) -> None:
    reported = date.today() - timedelta(days=30)
    add_victim(force, crime_in_a(force, reported=reported), first_name="Ada")
    add_victim(force, crime_in_a(force, reported=reported - timedelta(days=20)), first_name="Bea")
    other = make_crime(
        borough=force.boroughs["B"],
        offence="burglary-residential",
        recorded_days_ago=25,
        officer=force.people["investigator@B"],
        team=force.teams["cid@B"],
    )
    add_victim(force, other, first_name="Cal", actor=force.user("investigator", "B"))


@pytest.mark.parametrize(("role", "borough"), READERS)
def test_the_snapshot_gives_each_reader_the_figures_counted_now(force: Any, role: str, borough: str) -> None:
    _victims_in_both_boroughs(force)
    reader = force.user(role, borough)
    today = date.today()
    counted = compliance.compliance_report(actor=reader, today=today)
    assert counted.as_at is None and counted.overall.total > 0

    compliance.take_snapshot(today=today)
    from_snapshot = compliance.compliance_report(actor=reader, today=today)

    assert from_snapshot.as_at is not None
    assert from_snapshot.rows() == counted.rows()
    assert (from_snapshot.overall, from_snapshot.overdue_total, from_snapshot.oldest_overdue_days) == (
        counted.overall,
        counted.overdue_total,
        counted.oldest_overdue_days,
    )
    assert from_snapshot.victim_crimes == counted.victim_crimes


def test_a_change_shows_at_the_next_snapshot_and_at_once_when_counted_live(force: Any) -> None:
    _victims_in_both_boroughs(force)
    today = date.today()
    inspector = force.user("inspector", "A")
    compliance.take_snapshot(today=today)
    before = compliance.compliance_report(actor=inspector, today=today)
    late = Obligation.objects.filter(status__in=("due", "overdue"), due_on__lt=today).order_by("id").first()
    assert late is not None
    services.obligation_update(
        actor=force.user("investigator", "A"), obligation=late, status="met", evidence="Told", on=today
    )

    assert compliance.compliance_report(actor=inspector, today=today).overdue_total == before.overdue_total
    assert compliance.compliance_report(actor=inspector, today=today, live=True).overdue_total == (
        before.overdue_total - 1
    )
    compliance.take_snapshot(today=today)
    assert (
        compliance.compliance_report(actor=inspector, today=today).overdue_total == before.overdue_total - 1
    )
    assert ComplianceSnapshot.objects.filter(as_of=today).count() == 1  # the day's earlier one is replaced


def test_yesterdays_snapshot_is_not_todays_figures_and_old_ones_are_dropped(force: Any) -> None:
    _victims_in_both_boroughs(force)
    today = date.today()
    compliance.take_snapshot(today=today - timedelta(days=1))
    compliance.take_snapshot(today=today - timedelta(days=40))
    assert compliance.compliance_report(actor=force.user("inspector", "A"), today=today).as_at is None

    compliance.take_snapshot(today=today)
    kept = sorted(ComplianceSnapshot.objects.values_list("as_of", flat=True))
    assert kept == [today - timedelta(days=1), today]  # policy victims.compliance_snapshot_days_kept = 31
    assert AuditEvent.objects.filter(action="custos.victims.compliance_snapshot.taken").count() == 3


def test_the_nightly_sweep_takes_the_snapshot_after_marking_overdue(force: Any) -> None:
    _victims_in_both_boroughs(force)
    today = date.today()
    run_all(today)
    snapshot = ComplianceSnapshot.objects.get(as_of=today)
    report = compliance.compliance_report(actor=force.user("inspector", "A"), today=today)
    assert report.as_at == snapshot.taken_at
    assert (
        report.rows()
        == compliance.compliance_report(actor=force.user("inspector", "A"), today=today, live=True).rows()
    )


def test_the_page_api_and_cli_say_where_the_figures_come_from(
    force: Any, client_for: Any, capsys: Any
) -> None:
    _victims_in_both_boroughs(force)
    inspector = force.user("inspector", "A")
    page = client_for(inspector).get("/victims/compliance/").content.decode()
    assert "counted just now" in page
    assert client_for(inspector).get("/api/v1/victims/compliance").json()["as_at"] is None

    assert main(["victims", "compliance", "--snapshot", "--json"]) == 0
    taken = json.loads(capsys.readouterr().out)
    assert taken["as_of"] == date.today().isoformat() and taken["cells"] > 0

    page = client_for(inspector).get("/victims/compliance/").content.decode()
    assert "(the nightly figures)" in page
    assert client_for(inspector).get("/api/v1/victims/compliance").json()["as_at"] is not None
    assert main(["victims", "compliance", "--user", inspector.username, "--json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    api = client_for(inspector).get("/api/v1/victims/compliance").json()
    assert (printed["due"], printed["met_on_time"]) == (api["overall"]["total"], api["overall"]["on_time"])
