"""Every list of offender records a user reads — worklist and its export, tasks, the oversight dashboard, the
visit planner, the home page panels, the CLI worklist — leaves one audit event, as a search does: the
filters used and how many records the list held."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from custos.cli import main
from custos.core.models import AuditEvent
from custos.offenders import ladder
from tests.offenders.factories import add_visit, make_offender


def _events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("pk"))


def _overdue(force: Any, n: int, **kw: Any) -> list[Any]:
    made = []
    for i in range(n):
        o = make_offender(force, last_name=f"Overdue{i}", managed_since=date(2012, 6, 1), **kw)
        add_visit(o, date(2017, 5, 4), "seen-and-entered")
        made.append(o)
    ladder.run(today=timezone.localdate())
    return made


def test_the_worklist_page_is_audited_with_its_filters_and_result_count(force: Any, client_for: Any) -> None:
    _overdue(force, 3)
    _overdue(force, 2, rosh_level="low")
    user = force.user("offender-manager")
    response = client_for(user).get("/offenders/", {"scope": "mine", "level": "high", "q": "Overdue"})
    assert response.status_code == 200
    [event] = _events("custos.offender.worklist_listed")
    assert event.actor_id == user.pk and event.sensitive
    assert event.changes["query"] == {
        "scope": "mine",
        "level": "high",
        "q": "Overdue",
        "sort": "priority",
        "page": 1,
    }
    assert event.object_repr == "3 results"


def test_the_worklist_csv_export_is_audited_with_the_rows_it_names(force: Any, client_for: Any) -> None:
    _overdue(force, 2)
    response = client_for(force.user("offender-manager")).get("/offenders/", {"format": "csv"})
    assert response.status_code == 200
    [event] = _events("custos.offender.worklist_listed")
    assert event.changes["query"]["format"] == "csv" and event.object_repr == "2 results"


def test_the_worklists_task_list_is_audited(force: Any, client_for: Any) -> None:
    _overdue(force, 1)
    client_for(force.user("offender-manager")).get("/offenders/")
    [event] = _events("custos.offender_task.listed")
    assert event.changes["query"]["mine"] is True and event.sensitive


def test_the_oversight_dashboard_is_audited(force: Any, client_for: Any) -> None:
    _overdue(force, 2)
    client_for(force.user("mosovo-supervisor")).get("/offenders/oversight/", {"scope": "team"})
    [event] = _events("custos.offender.oversight_listed")
    assert event.changes["query"]["scope"] == "team" and event.object_repr == "2 results"
    assert _events("custos.offender_task.listed")


def test_the_visit_planner_list_is_audited(force: Any, client_for: Any) -> None:
    o = make_offender(force, managed_since=date(2020, 1, 1))
    add_visit(o, timezone.localdate() - timedelta(days=200), "seen-and-entered")
    ladder.run(today=timezone.localdate())
    response = client_for(force.user("offender-manager")).get("/offenders/planner/")
    assert response.status_code == 200
    [event] = _events("custos.offender.planner_listed")
    assert event.sensitive and event.changes["query"]["days"] == 14
    assert event.object_repr == "1 results"


def test_the_home_page_offender_panels_are_audited(force: Any, client_for: Any) -> None:
    _overdue(force, 2)
    client_for(force.user("offender-manager")).get("/")
    [event] = _events("custos.offender.home_panel_listed")
    assert event.changes["query"] == {"panel": "your offenders", "scope": "mine"}
    assert event.object_repr == "2 results"
    client_for(force.user("detective-inspector")).get("/")
    [escalations] = [e for e in _events("custos.offender_task.listed") if "panel" in e.changes["query"]]
    assert escalations.changes["query"]["scope"] == "borough"


def test_one_page_read_leaves_one_event_not_one_per_request_it_makes(force: Any, client_for: Any) -> None:
    _overdue(force, 1)
    client = client_for(force.user("offender-manager"))
    client.get("/offenders/")
    client.get("/static/custos.js")
    assert len(_events("custos.offender.worklist_listed")) == 1


def test_the_cli_worklist_is_audited(force: Any, capsys: Any) -> None:
    _overdue(force, 2)
    assert main(["offenders", "worklist", "--user", "offender-manager-a", "--json"]) == 0
    capsys.readouterr()
    [event] = _events("custos.offender.worklist_listed")
    assert event.changes["query"]["via"] == "cli" and event.object_repr == "2 results"
