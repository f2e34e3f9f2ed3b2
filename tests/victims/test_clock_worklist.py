"""The victim care worklist: undated clocks sort last on every database, every persona sees exactly the
clocks need-to-know gives them, pages come back in the list's order, and each page counts its results once."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from custos.core.access import scope_of
from custos.core.models import AuditEvent
from custos.victims import access, selectors
from custos.victims.models import OPEN_STATUSES, Obligation
from tests.crimes.factories import make_crime
from tests.victims.helpers import add_victim, crime_in_a

pytestmark = pytest.mark.django_db

TODAY = date(2026, 1, 15)


def _clocks(force: Any) -> None:
    """Victims of crimes reported on different days: each opens dated clocks (information at report,
    support referral, ...) and undated ones (written acknowledgement, compensation information)."""
    for i, reported in enumerate((date(2025, 12, 1), date(2026, 1, 5), date(2025, 11, 20))):
        add_victim(force, crime_in_a(force, reported=reported), first_name=f"V{i}", last_name=f"Name{2 - i}")


def _undated_last(rows: list[Obligation]) -> bool:
    seen_undated = False
    for row in rows:
        if row.due_on is None:
            seen_undated = True
        elif seen_undated:
            return False
    return True


def _groups(rows: list[Obligation], sort: str) -> dict[Any, list[Obligation]]:
    """The rows by the sort's leading keys (the whole list for the due-date sorts)."""
    lead = {
        "due": lambda o: None,
        "-due": lambda o: None,
        "right": lambda o: o.right,
        "crime": lambda o: o.link.crime.reference,
        "victim": lambda o: (o.link.victim.last_name, o.link.victim.business_name),
    }[sort]
    out: dict[Any, list[Obligation]] = {}
    for row in rows:
        out.setdefault(lead(row), []).append(row)
    return out


@pytest.mark.parametrize(
    ("sort", "descending"),
    [("due", False), ("-due", True), ("right", False), ("crime", False), ("victim", False)],
)
def test_clocks_with_no_fixed_date_come_after_the_dated_ones_in_every_sort(
    force: Any, sort: str, descending: bool
) -> None:
    _clocks(force)
    rows = list(
        selectors.clock_list(
            actor=force.user("victim-care-officer", "A"), sort=sort, today=TODAY, audit_search=False
        )
    )
    assert any(o.due_on is None for o in rows) and any(o.due_on is not None for o in rows)
    groups = _groups(rows, sort)
    assert any(len({o.due_on is None for o in g}) == 2 for g in groups.values())
    for group in groups.values():
        assert _undated_last(group), [(o.due_on, o.key) for o in group]
        dated = [o.due_on for o in group if o.due_on is not None]
        assert dated == sorted(dated, reverse=descending)


@pytest.mark.parametrize("sort", list(selectors.CLOCK_SORTS))
def test_the_pages_of_the_worklist_are_the_list_in_order(force: Any, sort: str) -> None:
    _clocks(force)
    qs = selectors.clock_list(
        actor=force.user("victim-care-officer", "A"), sort=sort, today=TODAY, audit_search=False
    )
    paginator = selectors.ClockPaginator(qs, 4)
    paged = [o.pk for n in paginator.page_range for o in paginator.page(n).object_list]
    assert paged == [o.pk for o in qs]
    assert paginator.count == len(paged) > 8


def _spread(force: Any) -> None:
    """Crimes that each reach a different part of need-to-know: held, unallocated, another borough's,
    a team's crime recorded in another borough, an officer's crime in another borough, a supervisor's own."""
    people, teams, boroughs = force.people, force.teams, force.boroughs
    admin = force.user("administrator", "A")
    crimes = [
        crime_in_a(force),
        crime_in_a(force, held=False),
        make_crime(borough=boroughs["B"], team=teams["cid@B"], officer=people["investigator@B"]),
        make_crime(borough=boroughs["B"], team=teams["cid@A"]),
        make_crime(borough=boroughs["B"], officer=people["investigator@A"]),
        make_crime(borough=boroughs["A"], officer=people["investigation-supervisor@A"]),
        make_crime(
            borough=boroughs["A"], team=teams["victim-care@A"], officer=people["ocsae-investigator@B"]
        ),
    ]
    for i, crime in enumerate(crimes):
        add_victim(force, crime, actor=admin, first_name=f"Spread{i}")


def test_every_persona_sees_on_the_worklist_exactly_the_open_clocks_of_the_links_it_may_see(
    force: Any,
) -> None:
    _spread(force)
    assert Obligation.objects.count() > 0
    for name, user in force.users.items():
        rule = Obligation.objects.filter(
            access.link_view_q(scope_of(user), prefix="link__"), status__in=OPEN_STATUSES
        )
        worklist = selectors.clock_list(actor=user, today=TODAY, audit_search=False)
        assert set(worklist.values_list("pk", flat=True)) == set(rule.values_list("pk", flat=True)), name
    sees = {
        name
        for name, user in force.users.items()
        if selectors.clock_list(actor=user, today=TODAY, audit_search=False).exists()
    }
    assert {"investigator@A", "victim-care-officer@A", "investigator@B", "administrator@B"} <= sees
    assert "offender-manager@A" not in sees and "inspector@A" not in sees


def test_the_worklist_page_counts_its_results_once_and_audits_that_count(force: Any, client_for: Any) -> None:
    _clocks(force)
    client = client_for(force.user("victim-care-officer", "A"))
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/victims/worklist/?sort=-due")
    assert response.status_code == 200
    counts = [
        q["sql"]
        for q in queries.captured_queries
        if "COUNT(" in q["sql"] and "victims_obligation" in q["sql"]
    ]
    assert len(counts) == 1, counts
    total = selectors.clock_list(
        actor=force.user("victim-care-officer", "A"), today=TODAY, audit_search=False
    ).count()
    search = AuditEvent.objects.filter(action="custos.victim_clock.searched").latest("pk")
    assert search.object_repr == f"{total} results"
    assert search.changes["query"]["sort"] == "-due"


def test_the_export_counts_the_rows_it_wrote(force: Any, client_for: Any) -> None:
    _clocks(force)
    client = client_for(force.user("victim-care-officer", "A"))
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/victims/worklist/?format=csv")
    rows = response.content.decode().strip().splitlines()[1:]
    assert not [q for q in queries.captured_queries if "COUNT(" in q["sql"]]
    search = AuditEvent.objects.filter(action="custos.victim_clock.searched").latest("pk")
    assert search.object_repr == f"{len(rows)} results" and len(rows) > 0


def test_the_clocks_api_pages_in_the_lists_order_counting_once(force: Any, client_for: Any) -> None:
    _clocks(force)
    user = force.user("victim-care-officer", "A")
    expected = [
        o.pk for o in selectors.clock_list(actor=user, sort="-due", today=date.today(), audit_search=False)
    ]
    client = client_for(user)
    got: list[int] = []
    for number in (1, 2, 3):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(f"/api/v1/victims/clocks?sort=-due&status=&page={number}&page_size=5")
        assert response.status_code == 200
        assert response.json()["count"] == len(expected)
        got += [c["id"] for c in response.json()["items"]]
        counts = [q for q in queries.captured_queries if "COUNT(" in q["sql"]]
        assert len(counts) == 1
    assert got == expected[:15] and len(expected) > 10
    search = AuditEvent.objects.filter(action="custos.victim_clock.searched").latest("pk")
    assert search.object_repr == f"{len(expected)} results"
    assert search.changes["query"]["sort"] == "-due"
