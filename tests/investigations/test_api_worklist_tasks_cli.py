"""The investigator's worklist, supervision and tasks through the API, and NFA rates through the CLI:
the same rows, rules and need-to-know as the pages."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

import pytest

from custos.cli import main
from custos.core.models import AuditEvent
from custos.crimes.models import Crime, CrimeStatus
from custos.investigations import services
from custos.investigations.cli import NO_ANALYST
from custos.investigations.models import InvestigationPlan, Task
from custos.investigations.services import TASK_DUE_IN_PAST, TASK_OWNER_UNKNOWN, TASK_TITLE_NEEDED
from tests.crimes.factories import Unit

API = "/api/v1/investigations"
TODAY = date.today()


@pytest.fixture
def unit(make_person: Any, make_user: Any) -> Unit:
    return Unit(make_person, make_user)


@pytest.fixture
def outsiders(unit: Unit, make_person: Any, make_user: Any) -> dict[str, Any]:
    """An investigator and a supervisor in the other borough, and an analyst (aggregates only)."""
    dc = make_person(rank="detective-constable", borough=unit.other, pip_level=2, pip_accredited_on=TODAY)
    ds = make_person(rank="detective-sergeant", borough=unit.other, pip_level=2, pip_accredited_on=TODAY)
    analyst = make_person(rank="staff-band-d", borough=unit.borough)
    return {
        "investigator": make_user("other-dc", ["investigator"], dc),
        "supervisor": make_user("other-ds", ["investigation-supervisor"], ds),
        "analyst": make_user("unit-analyst", ["performance-analyst"], analyst),
        "dc": dc,
    }


def _allocated(unit: Unit, **kw: Any) -> Crime:
    crime = unit.crime(officer=unit.dc, **kw)
    services.plan_create(actor=None, crime=crime, owner=unit.dc, allocated_on=TODAY)
    return crime


def _post(client: Any, url: str, body: dict[str, Any] | None = None) -> Any:
    return client.post(url, data=json.dumps(body or {}), content_type="application/json")


def test_the_worklist_lists_exactly_the_callers_open_tasks_and_flags_the_overdue_one(
    unit: Unit, client_for: Any
) -> None:
    crime = _allocated(unit, offence="burglary-residential")
    finalised = _allocated(unit)
    Crime.objects.filter(pk=finalised.pk).update(status=CrimeStatus.FINALISED, outcome=1, finalised_on=TODAY)
    overdue = Task.objects.create(
        crime=crime, title="Trace the van", owner=unit.dc, due_on=TODAY - timedelta(2)
    )
    upcoming = Task.objects.create(
        crime=crime, title="Re-visit victim", owner=unit.dc, due_on=TODAY + timedelta(5)
    )
    Task.objects.create(crime=crime, title="Someone else's", owner=unit.pc, due_on=TODAY)
    Task.objects.create(crime=crime, title="Already done", owner=unit.dc, due_on=TODAY, done_on=TODAY)
    Task.objects.create(crime=finalised, title="On a finalised crime", owner=unit.dc, due_on=TODAY)

    body = client_for(unit.investigator).get(f"{API}/worklist").json()
    page = client_for(unit.investigator).get("/investigations/").content.decode()

    assert [(t["id"], t["overdue"]) for t in body["tasks"]] == [(overdue.pk, True), (upcoming.pk, False)]
    assert body["tasks_count"] == 2
    assert body["tasks"][0] == {
        "id": overdue.pk,
        "crime_id": crime.pk,
        "crime_reference": crime.reference,
        "title": "Trace the van",
        "owner_id": unit.dc.pk,
        "due_on": (TODAY - timedelta(2)).isoformat(),
        "done_on": None,
        "overdue": True,
    }
    plan = InvestigationPlan.objects.get(crime=crime)
    assert [ln["id"] for ln in body["lines"]] == list(plan.lines.order_by("id").values_list("pk", flat=True))
    assert body["lines_count"] == plan.lines.count()
    assert [(c["id"], c["next_review_due"]) for c in body["crimes"]] == [
        (crime.pk, plan.next_review_due.isoformat())
    ]
    assert body["crimes"][0]["next_review_basis"] == plan.next_review_basis
    # the page shows the same tasks
    for title in ("Trace the van", "Re-visit victim"):
        assert title in page
    for title in ("Someone else's", "Already done", "On a finalised crime"):
        assert title not in page and title not in json.dumps(body)
    assert page.count("overdue") == 1


def test_the_worklist_page_flags_an_overdue_review_as_the_api_does(unit: Unit, client_for: Any) -> None:
    late = _allocated(unit)
    in_date = _allocated(unit)
    InvestigationPlan.objects.filter(crime=late).update(next_review_due=TODAY - timedelta(3))

    body = client_for(unit.investigator).get(f"{API}/worklist").json()
    page = client_for(unit.investigator).get("/investigations/").content.decode()

    overdue = {c["id"]: c["review_overdue"] for c in body["crimes"]}
    assert overdue == {late.pk: True, in_date.pk: False}
    assert page.count('data-testid="review-overdue"') == 1
    held = page[page.index("My crimes") :]
    row = held[held.index(f'href="/investigations/crimes/{late.pk}/"') :].split("</tr>")[0]
    assert 'data-testid="review-overdue"' in row


def test_a_task_added_through_the_api_appears_on_the_page_and_completing_it_removes_it(
    unit: Unit, client_for: Any
) -> None:
    crime = _allocated(unit)
    api = client_for(unit.investigator)
    due = TODAY + timedelta(days=3)

    added = _post(
        api, f"{API}/crimes/{crime.pk}/tasks", {"title": " Obtain CCTV ", "due_on": due.isoformat()}
    )

    assert added.status_code == 201, added.content
    task = added.json()
    assert (task["title"], task["owner_id"], task["due_on"], task["done_on"], task["overdue"]) == (
        "Obtain CCTV",
        unit.dc.pk,
        due.isoformat(),
        None,
        False,
    )
    assert "Obtain CCTV" in api.get("/investigations/").content.decode()
    assert AuditEvent.objects.filter(action="custos.task.created", object_id=str(task["id"])).exists()

    done = _post(api, f"{API}/tasks/{task['id']}/done")

    assert done.status_code == 200
    assert done.json()["done_on"] == TODAY.isoformat()
    assert "Obtain CCTV" not in api.get("/investigations/").content.decode()
    assert api.get(f"{API}/worklist").json()["tasks"] == []
    assert AuditEvent.objects.filter(action="custos.task.completed", object_id=str(task["id"])).exists()


def test_a_supervisor_may_give_a_task_to_another_investigator_in_the_borough(
    unit: Unit, client_for: Any
) -> None:
    crime = _allocated(unit)
    added = _post(
        client_for(unit.supervisor),
        f"{API}/crimes/{crime.pk}/tasks",
        {"title": "House-to-house", "due_on": TODAY.isoformat(), "owner_id": unit.pc.pk},
    )

    assert added.status_code == 201, added.content
    assert [t["title"] for t in client_for(unit.pc_user).get(f"{API}/worklist").json()["tasks"]] == [
        "House-to-house"
    ]
    assert client_for(unit.investigator).get(f"{API}/worklist").json()["tasks"] == []


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"title": "  ", "due_on": "+3"}, "title", TASK_TITLE_NEEDED),
        ({"due_on": "+3"}, "title", None),
        ({"title": "x" * 201, "due_on": "+3"}, "title", None),
        ({"title": "Visit", "due_on": "-1"}, "due_on", TASK_DUE_IN_PAST),
        ({"title": "Visit", "due_on": "31/12/2026"}, "due_on", None),
        ({"title": "Visit"}, "due_on", None),
        ({"title": "Visit", "due_on": "+3", "owner_id": "outsider"}, "owner_id", TASK_OWNER_UNKNOWN),
        ({"title": "Visit", "due_on": "+3", "owner_id": 999999}, "owner_id", TASK_OWNER_UNKNOWN),
    ],
)
def test_bad_task_input_is_refused_naming_the_field_and_nothing_is_written(
    unit: Unit, outsiders: dict[str, Any], client_for: Any, body: dict[str, Any], field: str, message: Any
) -> None:
    crime = _allocated(unit)
    body = dict(body)
    if body.get("due_on", "").startswith(("+", "-")):
        body["due_on"] = (TODAY + timedelta(days=int(body["due_on"]))).isoformat()
    if body.get("owner_id") == "outsider":
        body["owner_id"] = outsiders["dc"].pk

    response = _post(client_for(unit.investigator), f"{API}/crimes/{crime.pk}/tasks", body)

    assert response.status_code == 422, response.content
    errors = response.json()["errors"]
    assert list(errors) == [field]
    if message is not None:
        assert errors[field] == [message]
    assert not Task.objects.exists()
    assert not AuditEvent.objects.filter(action="custos.task.created").exists()


def test_supervision_shows_an_overdue_review_with_its_escalation_and_the_sign_offs_pending(
    unit: Unit, client_for: Any
) -> None:
    from custos.investigations.sweep import escalate_overdue_reviews

    late = _allocated(unit, reference="TEST/LATE")
    soon = _allocated(unit, reference="TEST/SOON")
    later = _allocated(unit, reference="TEST/LATER")
    InvestigationPlan.objects.filter(crime=late).update(next_review_due=TODAY - timedelta(days=3))
    InvestigationPlan.objects.filter(crime=soon).update(next_review_due=TODAY + timedelta(days=5))
    InvestigationPlan.objects.filter(crime=later).update(next_review_due=TODAY + timedelta(days=30))
    escalate_overdue_reviews(TODAY)
    for line in InvestigationPlan.objects.get(crime=soon).lines.all():
        services.line_update(actor=unit.investigator, line=line, status="not-available", reason="None exists")
    services.outcome_propose(actor=unit.investigator, crime=soon, outcome=18, rationale="No suspect")

    body = client_for(unit.supervisor).get(f"{API}/supervision").json()
    page = client_for(unit.supervisor).get("/investigations/supervision/").content.decode()

    due = {d["crime_reference"]: d for d in body["due"]["items"]}
    assert list(due) == ["TEST/LATE", "TEST/SOON"]
    assert (due["TEST/LATE"]["overdue"], due["TEST/LATE"]["days_overdue"]) == (True, 3)
    escalation = due["TEST/LATE"]["escalation"]
    assert (escalation["escalate_to_rank"], escalation["escalate_to_id"], escalation["supervisor_id"]) == (
        "inspector",
        unit.di.pk,
        unit.ds.pk,
    )
    assert "3 day(s) overdue: escalates to the next rank" in escalation["basis"]
    assert (due["TEST/SOON"]["overdue"], due["TEST/SOON"]["escalation"]) == (False, None)
    assert [e["crime_reference"] for e in body["escalations"]] == ["TEST/LATE"]
    assert body["escalations"][0]["basis"] == escalation["basis"]
    assert [(s["crime_reference"], s["outcome"], s["proposed_by_id"]) for s in body["signoffs"]] == [
        ("TEST/SOON", 18, unit.dc.pk)
    ]
    assert body["signoffs"][0]["policy_version"]
    assert (body["due"]["count"], body["due"]["page"], body["due"]["pages"]) == (2, 1, 1)
    # the page shows the same rows
    assert "TEST/LATE" in page and "TEST/SOON" in page and "TEST/LATER" not in page
    assert escalation["basis"] in page


def test_outsiders_get_404_and_see_nothing_of_the_unit(
    unit: Unit, outsiders: dict[str, Any], client_for: Any
) -> None:
    crime = _allocated(unit)
    InvestigationPlan.objects.filter(crime=crime).update(next_review_due=TODAY - timedelta(days=1))
    task = Task.objects.create(crime=crime, title="Trace CCTV", owner=unit.dc, due_on=TODAY)
    outsider = client_for(outsiders["investigator"])
    future = (TODAY + timedelta(days=1)).isoformat()

    assert (
        _post(outsider, f"{API}/crimes/{crime.pk}/tasks", {"title": "x", "due_on": future}).status_code == 404
    )
    assert _post(outsider, f"{API}/tasks/{task.pk}/done").status_code == 404
    assert outsider.get(f"{API}/supervision").status_code == 404
    assert client_for(unit.investigator).get(f"{API}/supervision").status_code == 404
    assert client_for(outsiders["analyst"]).get(f"{API}/worklist").status_code == 404
    other_supervisor = client_for(outsiders["supervisor"]).get(f"{API}/supervision").json()
    assert other_supervisor["due"]["items"] == [] and other_supervisor["escalations"] == []
    assert Task.objects.get().done_on is None and Task.objects.count() == 1


def test_the_api_worklist_and_supervision_run_a_constant_number_of_queries(
    unit: Unit, client_for: Any, django_assert_max_num_queries: Any
) -> None:
    from custos.investigations.sweep import escalate_overdue_reviews

    investigator, supervisor = client_for(unit.investigator), client_for(unit.supervisor)

    def grow(n: int) -> None:
        for _ in range(n):
            crime = _allocated(unit)
            Task.objects.create(crime=crime, title="Task", owner=unit.dc, due_on=TODAY - timedelta(1))
            InvestigationPlan.objects.filter(crime=crime).update(next_review_due=TODAY - timedelta(days=2))
        escalate_overdue_reviews(TODAY)

    grow(2)
    investigator.get(f"{API}/worklist")
    supervisor.get(f"{API}/supervision")
    for n in (0, 15):
        grow(n)
        with django_assert_max_num_queries(20):
            assert investigator.get(f"{API}/worklist").status_code == 200
        with django_assert_max_num_queries(20):
            assert len(supervisor.get(f"{API}/supervision").json()["due"]["items"]) == 2 + n


def _finalise(unit: Unit, offence: str, outcomes: list[int], *, days_ago: int = 0) -> None:
    for outcome in outcomes:
        crime = unit.crime(offence=offence, officer=unit.dc)
        Crime.objects.filter(pk=crime.pk).update(
            status=CrimeStatus.FINALISED, outcome=outcome, finalised_on=TODAY - timedelta(days=days_ago)
        )


def _cli_json(capsys: Any, *argv: str) -> Any:
    assert main(["investigations", "nfa-rates", "--json", *argv]) == 0
    return json.loads(capsys.readouterr().out)


def test_the_cli_nfa_rates_equal_the_apis_for_an_analyst_including_the_iioc_60_percent(
    unit: Unit, outsiders: dict[str, Any], client_for: Any, capsys: Any
) -> None:
    # six of ten indecent-image crimes NFA_CORE (outcomes 14, 15, 16, 18), plus one excluded outcome 0
    _finalise(unit, "iioc-possession", [14, 15, 16, 18, 18, 14, 1, 1, 2, 22, 0])
    _finalise(unit, "theft-other", [18, 1], days_ago=40)
    api = client_for(outsiders["analyst"])

    by_type = _cli_json(capsys)

    assert by_type == api.get(f"{API}/nfa-rates?by=offence").json()
    iioc = next(r for r in by_type if r["group"] == "iioc-possession")
    assert (iioc["finalised"], iioc["excluded"], iioc["nfa_core"], iioc["nfa_core_percent"]) == (
        10,
        1,
        6,
        60.0,
    )
    assert (iioc["positive"], iioc["positive_percent"]) == (3, 30.0)
    assert any("[14, 15, 16, 18]" in b and "investigations.nfa_core_outcomes" in b for b in iioc["basis"])
    assert iioc["policy_version"]
    assert _cli_json(capsys, "--by", "team") == api.get(f"{API}/nfa-rates?by=team").json()
    assert _cli_json(capsys, "--by", "offence-group") == api.get(f"{API}/nfa-rates?by=group").json()
    since = (TODAY - timedelta(days=7)).isoformat()
    recent = _cli_json(capsys, "--since", since)
    assert recent == api.get(f"{API}/nfa-rates?by=offence&since={since}").json()
    assert [r["group"] for r in recent] == ["iioc-possession"]
    # a named account's view, as the API gives it to that account
    admin_view = _cli_json(capsys, "--by", "officer", "--user", unit.admin.username)
    assert admin_view == client_for(unit.admin).get(f"{API}/nfa-rates?by=officer").json()
    assert [(r["group"], r["finalised"]) for r in admin_view] == [(str(unit.dc.pk), 12)]


def test_the_cli_refuses_officer_rates_for_an_analyst_and_bad_arguments_in_one_line(
    unit: Unit, outsiders: dict[str, Any], capsys: Any
) -> None:
    assert main(["investigations", "nfa-rates", "--by", "officer"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("custos: error: grouping by officer names people") and "\n" not in err
    assert main(["investigations", "nfa-rates", "--user", "nobody"]) == 2
    assert capsys.readouterr().err.strip() == "custos: error: unknown user 'nobody'"
    with pytest.raises(SystemExit):
        main(["investigations", "nfa-rates", "--since", "2026-02-30"])
    assert (
        capsys.readouterr()
        .err.strip()
        .splitlines()[-1]
        .endswith("argument --since: '2026-02-30' is not a date in the form YYYY-MM-DD")
    )


def test_without_an_analyst_account_the_cli_says_so(unit: Unit, capsys: Any) -> None:
    from custos.accounts.models import User

    User.objects.filter(role_grants__role="performance-analyst").update(is_active=False)

    assert main(["investigations", "nfa-rates"]) == 2
    assert capsys.readouterr().err.strip() == f"custos: error: {NO_ANALYST}"


def test_the_cli_prints_a_readable_table_with_the_basis(
    unit: Unit, outsiders: dict[str, Any], capsys: Any
) -> None:
    _finalise(unit, "iioc-possession", [14, 15, 16, 18, 18, 14, 1, 1, 2, 22])

    assert main(["investigations", "nfa-rates"]) == 0
    out = capsys.readouterr().out

    assert "60.0%" in out
    assert "basis: NFA_CORE = outcomes [14, 15, 16, 18]" in out
    assert "policy_version: " in out
