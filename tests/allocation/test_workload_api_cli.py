"""The workload views through the API and ``custos workload``: the same RAG, flags and totals as the page,
for the same people, and the same need-to-know."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date, timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from custos.allocation import selectors
from custos.allocation.engine import crime_weight
from custos.core.policy import current_policy
from custos.crimes.models import Crime
from custos.workforce.models import Person, Team
from tests.crimes.factories import Unit

API = "/api/v1/allocations/workload"


class Loaded:
    """The unit with crimes held: the DC 26 (red, over 25, oldest 200 days), the probationer 9 (amber: above
    the trainees' 8), the PC none (green), and a second team's investigator 1. The DS supervises nine
    people (over the span of 8) and their workload-management training has expired."""

    def __init__(self, unit: Unit, make_person: Any) -> None:
        self.unit = unit
        self.team2 = Team.objects.create(borough=unit.borough, name="CID 2", team_type="cid")
        self.solo = make_person(
            rank="detective-constable",
            borough=unit.borough,
            team=self.team2,
            pip_level=2,
            pip_accredited_on=date(2019, 1, 1),
            last_name="Solo",
        )
        for n in range(26):
            unit.crime(officer=unit.dc, recorded_days_ago=200 if n == 0 else 5)
        for _ in range(9):
            unit.crime(officer=unit.trainee, recorded_days_ago=40)
        unit.crime(officer=self.solo, team=self.team2, recorded_days_ago=3)
        for n in range(6):  # three investigators + six more reports = nine, over the policy's 8
            make_person(borough=unit.borough, line_supervisor=unit.ds, last_name=f"Report{n}", pip_level=0)
        Person.objects.filter(pk=unit.ds.pk).update(
            workload_training_on=date.today() - timedelta(days=800),
            workload_training_expires=date.today() - timedelta(days=5),
        )

    def weighted(self, person: Any) -> float:
        """The engine's per-crime weights summed, independently of the SQL aggregate the views use."""
        crimes = Crime.objects.filter(officer=person, status="open")
        pol = current_policy()
        return round(
            sum(crime_weight(c.tier, False, c.expected_lines_of_enquiry, policy=pol) for c in crimes), 2
        )


@pytest.fixture
def loaded(make_person: Any, make_user: Any) -> Loaded:
    return Loaded(Unit(make_person, make_user), make_person)


def _items(client: Any, query: str = "", path: str = API) -> list[dict[str, Any]]:
    response = client.get(f"{path}{query}")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["count"] == len(body["items"])
    return list(body["items"])


def test_each_investigators_rag_flag_and_oldest_crime_come_from_policy(
    loaded: Loaded, client_for: Any
) -> None:
    u, pol = loaded.unit, current_policy()
    rows = {r["person_id"]: r for r in _items(client_for(u.supervisor))}

    assert list(rows) == [u.dc.pk, u.trainee.pk, loaded.solo.pk, u.pc.pk]  # heaviest first, as on the page
    dc, trainee, pc, solo = rows[u.dc.pk], rows[u.trainee.pk], rows[u.pc.pk], rows[loaded.solo.pk]
    assert (dc["open_crimes"], dc["rag"], dc["over_25"], dc["oldest_days"]) == (26, "red", True, 200)
    assert dc["rag_basis"] == f"policy allocation.caseload_red (v{pol.version})"
    assert (dc["caseload_amber"], dc["caseload_red"], dc["weighted_load_cap"]) == (15, 25, 40.0)
    assert dc["ages"] == {"under 30 days": 25, "180 days or more": 1}
    assert dc["weighted_load"] == loaded.weighted(u.dc) > 0
    assert (trainee["open_crimes"], trainee["rag"], trainee["over_25"], trainee["probationer"]) == (
        9,
        "amber",
        False,
        True,
    )
    assert trainee["rag_basis"] == f"policy allocation.probationer_caseload_amber (v{pol.version})"
    assert (trainee["caseload_amber"], trainee["caseload_red"]) == (8, 12)
    assert (pc["open_crimes"], pc["rag"], pc["weighted_load"], pc["oldest_days"], pc["ages"]) == (
        0,
        "green",
        0.0,
        0,
        {},
    )
    assert pc["rag_basis"] == f"policy allocation.caseload_amber (v{pol.version})"
    assert (solo["team"], solo["team_id"], solo["borough"], solo["pip_level"]) == (
        "CID 2",
        loaded.team2.pk,
        "UA",
        2,
    )
    assert {r["policy_version"] for r in rows.values()} == {pol.version}


def test_the_api_and_the_page_csv_agree_row_for_row(loaded: Loaded, client_for: Any) -> None:
    client = client_for(loaded.unit.supervisor)
    api = _items(client)
    page = list(csv.DictReader(io.StringIO(client.get("/allocation/workload/?format=csv").content.decode())))

    assert [r["staff_number"] for r in page] == [r["staff_number"] for r in api]
    for p, a in zip(page, api, strict=True):
        assert (p["name"], p["borough"], p["team"], int(p["pip"]), p["probationer"] == "True") == (
            a["name"],
            a["borough"],
            a["team"],
            a["pip_level"],
            a["probationer"],
        )
        assert (int(p["open_crimes"]), float(p["weighted_load"]), p["rag"]) == (
            a["open_crimes"],
            a["weighted_load"],
            a["rag"],
        )
        assert (p["over_25"] == "True", int(p["oldest_days"])) == (a["over_25"], a["oldest_days"])


def test_team_and_borough_totals_match_the_page(loaded: Loaded, client_for: Any) -> None:
    client = client_for(loaded.unit.supervisor)
    teams = _items(client, "?view=team")
    assert [
        (t["name"], t["investigators"], t["open_crimes"], t["red"], t["amber"], t["over_25"]) for t in teams
    ] == [
        ("CID 1", 3, 35, 1, 1, 1),
        ("CID 2", 1, 1, 0, 0, 0),
    ]
    assert teams[0]["id"] == loaded.unit.team.pk and teams[0]["mean_open_crimes"] == round(35 / 3, 1)
    assert teams[0]["oldest_days"] == 200 and teams[0]["view"] == "team"
    page = client.get("/allocation/workload/?view=team").content.decode()
    assert f'<td class="govuk-table__cell">{round(35 / 3, 1)}</td>' in page

    (borough,) = _items(client, "?view=borough")
    assert (borough["name"], borough["investigators"], borough["open_crimes"], borough["over_25"]) == (
        "Unit borough",
        4,
        36,
        1,
    )
    assert borough["weighted_load"] == round(
        sum(loaded.weighted(p) for p in (loaded.unit.dc, loaded.unit.trainee, loaded.solo)), 2
    )
    only_cid2 = _items(client, f"?team={loaded.team2.pk}")
    assert [r["person_id"] for r in only_cid2] == [loaded.solo.pk]


def test_supervisors_over_span_and_out_of_training_are_flagged(loaded: Loaded, client_for: Any) -> None:
    (ds,) = _items(client_for(loaded.unit.supervisor), path=f"{API}/supervisors")
    expires = date.today() - timedelta(days=5)
    assert (ds["person_id"], ds["span"], ds["span_limit"], ds["over_span"]) == (loaded.unit.ds.pk, 9, 8, True)
    assert ds["span_basis"].startswith("policy allocation.supervisor_span_of_control")
    assert (ds["training_current"], ds["untrained"], ds["training_expires"]) == (
        False,
        True,
        expires.isoformat(),
    )
    assert ds["training_note"] == f"workload-management training expired {expires:%d %b %Y}"


def test_one_officers_workload_lists_their_crimes_oldest_first(loaded: Loaded, client_for: Any) -> None:
    u = loaded.unit
    body = client_for(u.investigator).get(f"{API}/{u.dc.pk}").json()  # the officer themselves
    assert (body["open_crimes"], body["rag"], body["over_25"], body["line_supervisor_id"]) == (
        26,
        "red",
        True,
        u.ds.pk,
    )
    assert len(body["crimes"]) == 26 and body["crimes"][0]["recorded_on"] == str(
        date.today() - timedelta(days=200)
    )
    page = client_for(u.supervisor).get(f"/allocation/workload/{u.dc.pk}/").content.decode()
    assert 'data-testid="open-crimes">26 ' in page and body["policy_version"] in page


def test_outsiders_get_404_as_on_the_pages(
    loaded: Loaded, make_person: Any, make_user: Any, client_for: Any
) -> None:
    u = loaded.unit
    other_ds = make_user(
        "other-ds", ["investigation-supervisor"], make_person(rank="detective-sergeant", borough=u.other)
    )
    outsider = client_for(other_ds)
    assert outsider.get(f"{API}/{u.dc.pk}").status_code == 404
    assert outsider.get(f"/allocation/workload/{u.dc.pk}/").status_code == 404
    assert _items(outsider) == []  # their own borough has no investigators; the unit's are not theirs
    assert _items(outsider, "?borough=UA") == []
    colleague = client_for(u.pc_user)  # an investigator: not the DC's supervisor, and no list at all
    assert colleague.get(f"{API}/{u.dc.pk}").status_code == 404
    assert colleague.get(API).status_code == 404 and colleague.get(f"{API}/supervisors").status_code == 404
    assert colleague.get(f"{API}/{u.pc.pk}").status_code == 200  # their own
    assert client_for(u.admin).get(f"{API}/{u.dc.pk}").status_code == 200


def test_a_bad_view_or_unknown_borough_is_422_naming_the_field(loaded: Loaded, client_for: Any) -> None:
    client = client_for(loaded.unit.supervisor)
    bad = client.get(f"{API}?view=officers")
    assert bad.status_code == 422 and list(bad.json()["errors"]) == ["view"]
    unknown = client.get(f"{API}?borough=ZZ")
    assert unknown.status_code == 422 and unknown.json()["errors"] == {"borough": ["unknown borough 'ZZ'"]}


def test_the_list_runs_a_fixed_number_of_queries(loaded: Loaded, make_person: Any, client_for: Any) -> None:
    client = client_for(loaded.unit.supervisor)
    client.get(API)  # sessions and caches warm
    with CaptureQueriesContext(connection) as few:
        assert client.get(API).json()["count"] == 4
    for n in range(10):
        make_person(
            rank="constable", borough=loaded.unit.borough, team=loaded.unit.team, last_name=f"More{n}"
        )
    with CaptureQueriesContext(connection) as many:
        assert client.get(API).json()["count"] == 14
    assert len(many) == len(few) <= 8


def _cli(capsys: Any, *argv: str) -> tuple[int, str, str]:
    from custos.cli import main

    code = main(["workload", *argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize(
    ("view", "path"),
    [
        ("investigator", API),
        ("team", f"{API}?view=team"),
        ("borough", f"{API}?view=borough"),
        ("supervisors", f"{API}/supervisors"),
    ],
)
def test_the_cli_json_is_the_apis_rows(
    loaded: Loaded, client_for: Any, capsys: Any, view: str, path: str
) -> None:
    code, out, _ = _cli(capsys, "--view", view, "--json", "--user", "unit-ds")
    body = json.loads(out)
    assert code == 0 and (body["view"], body["policy_version"]) == (view, current_policy().version)
    assert body["rows"] == _items(client_for(loaded.unit.supervisor), path=path)


def test_the_cli_prints_aligned_columns_as_an_administrator(loaded: Loaded, capsys: Any) -> None:
    code, out, _ = _cli(capsys, "--borough", "UA")
    lines = out.splitlines()
    assert code == 0 and lines[0] == f"policy_version  {current_policy().version}"
    header, first = lines[1], lines[2]
    assert header.split() == [
        "staff",
        "name",
        "borough",
        "team",
        "pip",
        "probationer",
        "open",
        "weighted",
        "rag",
        "over_25",
        "oldest_days",
    ]
    assert first.startswith(loaded.unit.dc.staff_number) and " red " in first
    assert header.index(" rag ") == first.index(" red ")  # columns line up


def test_the_cli_names_an_unknown_borough_and_refuses_a_reader_the_page_refuses(
    loaded: Loaded, capsys: Any
) -> None:
    code, out, err = _cli(capsys, "--borough", "ZZ")
    assert (code, out, err) == (2, "", "custos: error: unknown borough 'ZZ'\n")
    code, _, err = _cli(capsys, "--user", "unit-dc")
    assert code == 2 and err.startswith("custos: error: 'unit-dc' may not see workload")


def test_an_administrator_narrows_the_workload_page_to_a_borough_and_its_links_keep_the_filter(
    loaded: Loaded, make_person: Any, client_for: Any
) -> None:
    u = loaded.unit
    other_cid = Team.objects.create(borough=u.other, name="CID B", team_type="cid")
    outsider = make_person(
        rank="detective-constable",
        borough=u.other,
        team=other_cid,
        pip_level=2,
        pip_accredited_on=date(2019, 1, 1),
        last_name="Outsider",
    )
    admin = client_for(u.admin)

    everyone = admin.get("/allocation/workload/").content.decode()
    assert 'name="borough"' in everyone and outsider.full_name in everyone and u.dc.full_name in everyone
    boroughs = admin.get("/allocation/workload/?view=borough").content.decode()
    assert "?view=investigator&amp;borough=UA" in boroughs and "?view=investigator&amp;borough=UB" in boroughs

    assert '<td class="govuk-table__cell">Other borough</td>' in everyone  # which CID 1 is which
    narrowed = admin.get("/allocation/workload/?view=investigator&borough=UA").content.decode()
    assert "Other borough</td>" not in narrowed
    assert u.dc.full_name in narrowed and outsider.full_name not in narrowed
    assert '<option value="UA" selected>' in narrowed
    assert "?view=team&amp;borough=UA" in narrowed and "?sort=oldest&amp;borough=UA" in narrowed

    # A supervisor sees one borough: no borough choice, and another borough's code changes nothing.
    ds = client_for(u.supervisor)
    own = ds.get("/allocation/workload/").content.decode()
    assert 'name="borough"' not in own
    assert ds.get("/allocation/workload/?borough=UB").content.decode().count(u.dc.full_name) == 1
    assert outsider.full_name not in ds.get("/allocation/workload/?borough=UB").content.decode()


def test_supervisors_over_their_span_or_untrained_are_counted_and_listed_first(
    loaded: Loaded, make_person: Any, client_for: Any
) -> None:
    u = loaded.unit
    # A trained sergeant within the span, whose name sorts before the flagged DS ("Sergeant").
    fine = make_person(
        rank="detective-sergeant",
        borough=u.borough,
        last_name="Aardvark",
        pip_level=2,
        pip_accredited_on=date(2015, 1, 1),
        workload_training_on=date.today() - timedelta(days=30),
        workload_training_expires=date.today() + timedelta(days=700),
    )
    make_person(
        rank="detective-constable",
        borough=u.borough,
        team=u.team,
        line_supervisor=fine,
        pip_level=2,
        pip_accredited_on=date(2019, 1, 1),
    )
    page = client_for(u.supervisor).get("/allocation/workload/").content.decode()
    table = page[page.index('data-testid="supervisors-table"') :]
    assert table.index(u.ds.full_name) < table.index(fine.full_name)
    counts = re.search(r'data-testid="supervisors-flagged">(\d+)</strong> of (\d+) supervisors', page)
    assert counts is not None and counts.groups() == ("1", "2")


@pytest.mark.parametrize("per_page", [1, 2, 50])
def test_the_attention_first_page_flags_supervisors_as_the_full_list_does(
    loaded: Loaded, make_person: Any, per_page: int
) -> None:
    """Flags decided in SQL for the page agree with the rule that builds each row, at every page size."""
    u, today, pol = loaded.unit, date.today(), current_policy()
    for n, (trained, expires) in enumerate([(None, None), (800, 1), (30, -700), (30, None)]):
        boss = make_person(
            rank="detective-sergeant",
            borough=u.borough,
            last_name=f"Boss{n}",
            pip_level=2,
            pip_accredited_on=date(2015, 1, 1),
            workload_training_on=today - timedelta(days=trained) if trained else None,
            workload_training_expires=today - timedelta(days=expires) if expires else None,
        )
        make_person(
            rank="detective-constable",
            borough=u.borough,
            team=u.team,
            line_supervisor=boss,
            pip_level=2,
            pip_accredited_on=date(2019, 1, 1),
        )
    full = selectors.supervisors(actor=u.admin, today=today, policy=pol)
    want = sorted(full, key=lambda s: (not (s.over_span or not s.training_current), s.person.last_name))
    got: list[Any] = []
    number = 1
    while True:
        shown = selectors.supervisors_needing_attention_first(
            actor=u.admin, today=today, policy=pol, page=str(number), per_page=per_page
        )
        got += list(shown.page)
        assert shown.flagged == sum(s.over_span or not s.training_current for s in full) == 3
        if not shown.page.has_next():
            break
        number += 1
    assert [(s.person.pk, s.span, s.over_span, s.training_current, s.training_note) for s in got] == [
        (s.person.pk, s.span, s.over_span, s.training_current, s.training_note) for s in want
    ]


def _csv_links(page: str) -> dict[str, str]:
    """Each group row's CSV download on the team or borough view: its label -> its href."""
    return {
        label: href.replace("&amp;", "&")
        for href, label in re.findall(
            r'<a class="govuk-link" href="(\?[^"]*format=csv[^"]*)"[^>]*>'
            r'CSV<span class="govuk-visually-hidden"> for ([^<]+)</span>',
            page,
        )
    }


def test_each_team_and_borough_offers_a_csv_of_its_own_investigators_and_the_download_is_audited(
    loaded: Loaded, client_for: Any
) -> None:
    from custos.core.models import AuditEvent

    client = client_for(loaded.unit.supervisor)

    teams = _csv_links(client.get("/allocation/workload/?view=team").content.decode())
    boroughs = _csv_links(client.get("/allocation/workload/?view=borough").content.decode())
    assert set(teams) == {"CID 1", "CID 2"} and set(boroughs) == {"Unit borough"}

    def download(href: str) -> list[dict[str, str]]:
        response = client.get("/allocation/workload/" + href)
        assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
        return list(csv.DictReader(io.StringIO(response.content.decode())))

    cid1 = download(teams["CID 1"])
    assert {r["staff_number"] for r in cid1} == {
        p.staff_number for p in (loaded.unit.dc, loaded.unit.pc, loaded.unit.trainee)
    }
    dc = next(r for r in cid1 if r["staff_number"] == loaded.unit.dc.staff_number)
    assert (dc["team"], dc["rag"], int(dc["open_crimes"]), int(dc["oldest_days"])) == (
        "CID 1",
        "red",
        26,
        200,
    )
    assert float(dc["weighted_load"]) == loaded.weighted(loaded.unit.dc)
    assert (int(dc["under 30 days"]), int(dc["180 days or more"]), int(dc["30-89 days"])) == (25, 1, 0)
    assert [r["staff_number"] for r in download(teams["CID 2"])] == [loaded.solo.staff_number]
    assert len(download(boroughs["Unit borough"])) == 4

    exports = AuditEvent.objects.filter(action="custos.workload.exported", actor=loaded.unit.supervisor)
    assert [e.changes["query"].get("team", "") for e in exports.order_by("pk")] == [
        str(loaded.unit.team.pk),
        str(loaded.team2.pk),
        "",
    ]
    assert exports.order_by("pk").last().object_repr == "4 results"


def test_a_team_outside_the_readers_view_downloads_no_one(
    loaded: Loaded, client_for: Any, make_user: Any
) -> None:
    from custos.workforce.models import Borough

    elsewhere = Borough.objects.get(code="UB")
    other_team = Team.objects.create(borough=elsewhere, name="CID 9", team_type="cid")
    response = client_for(loaded.unit.supervisor).get(
        f"/allocation/workload/?format=csv&view=team&team={other_team.pk}"
    )

    assert list(csv.DictReader(io.StringIO(response.content.decode()))) == []
