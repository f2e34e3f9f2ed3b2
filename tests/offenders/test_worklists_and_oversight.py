"""Worklists and dashboards: the longest-unseen first, constant query counts, CSV, home panels."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from custos.offenders import ladder
from tests.offenders.factories import add_visit, make_offender


def _register(force: Any, n: int) -> Any:
    today = timezone.localdate()
    old = make_offender(force, last_name="Hollins", managed_since=date(2012, 6, 1))
    add_visit(old, date(2017, 5, 4), "seen-and-entered")
    for i in range(n):
        o = make_offender(force, last_name=f"Case{i}", rosh_level="medium")
        add_visit(o, today - timedelta(days=170 + i % 30), "seen-and-entered")
    ladder.run(today=today)
    return old


def test_an_offender_not_seen_since_2017_is_at_the_top_of_the_worklist(force: Any, client_for: Any) -> None:
    old = _register(force, 5)
    response = client_for(force.user("offender-manager")).get("/offenders/?scope=mine")
    assert response.status_code == 200
    rows = list(response.context["page"])
    assert rows[0].pk == old.pk
    assert b"Breach case" in response.content


def test_the_worklist_query_count_does_not_grow_with_its_length(
    force: Any, client_for: Any, django_assert_max_num_queries: Any
) -> None:
    client = client_for(force.user("offender-manager"))
    _register(force, 3)
    client.get("/offenders/")  # warm the session and caches
    with django_assert_max_num_queries(40) as small:
        client.get("/offenders/")
    for i in range(40):
        o = make_offender(force, last_name=f"More{i}", rosh_level="medium")
        add_visit(o, timezone.localdate() - timedelta(days=175), "seen-and-entered")
    ladder.run(today=timezone.localdate())
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get("/offenders/")
    assert response.context["page"].paginator.count >= 40


def test_the_dashboard_query_count_does_not_grow_with_the_register(
    force: Any, client_for: Any, django_assert_max_num_queries: Any
) -> None:
    client = client_for(force.user("mosovo-supervisor"))
    _register(force, 3)
    client.get("/offenders/oversight/")
    with django_assert_max_num_queries(60) as small:
        client.get("/offenders/oversight/")
    for i in range(30):
        o = make_offender(force, last_name=f"Extra{i}")
        add_visit(
            o,
            date(2023, 1, 1),
            "seen-and-entered",
            announced=i % 3 == 0,
            officer=force.people["offender-manager@A"],
        )
    ladder.run(today=timezone.localdate())
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get("/offenders/oversight/")
    d = response.context["d"]
    assert d.compliance is not None and d.compliance_rag in ("red", "amber", "green")
    assert d.overdue and d.overdue[0].last_name == "Hollins"  # the oldest overdue first, with its age
    assert d.overdue[0].overdue_days > 2000
    assert d.caseloads and d.caseloads[0].rag in ("red", "amber", "green")


def test_the_2017_case_reaches_the_di_dashboard_and_home_panels(force: Any, client_for: Any) -> None:
    old = _register(force, 2)
    di = client_for(force.user("detective-inspector"))
    response = di.get("/offenders/oversight/?scope=borough")
    kinds = {(t.offender_id, t.kind) for t in response.context["oversight"]}
    assert (old.pk, "breach-case") in kinds and (old.pk, "di-plan-required") in kinds
    home = di.get("/").content.decode()
    assert old.reference in home
    # The breach case is tagged in words and in GOV.UK's red, not only by colour.
    item = home[: home.index(old.reference)].rsplit("<li>", 1)[1]
    assert '<strong class="govuk-tag govuk-tag--red">Escalation</strong>' in item
    assert old.reference in client_for(force.user("offender-manager")).get("/").content.decode()
    assert old.reference in client_for(force.user("mosovo-supervisor")).get("/").content.decode()


def test_worklist_csv_export(force: Any, client_for: Any) -> None:
    old = _register(force, 2)
    response = client_for(force.user("offender-manager")).get("/offenders/?format=csv")
    assert response["Content-Type"] == "text/csv"
    lines = response.content.decode().splitlines()
    assert lines[0].startswith("reference,name") and old.reference in lines[1]


def test_outsiders_do_not_see_another_boroughs_offenders_on_their_worklist(
    force: Any, client_for: Any
) -> None:
    old = _register(force, 1)
    response = client_for(force.user("offender-manager", "B")).get("/offenders/?scope=all")
    assert old.pk not in {o.pk for o in response.context["page"]}


def test_the_home_page_the_worklist_and_the_record_name_ladder_steps_in_words(
    force: Any, client_for: Any
) -> None:
    old = _register(force, 1)
    client = client_for(force.user("offender-manager"))
    home = client.get("/").content.decode()
    assert "Breach case, DI: plan required, Overdue" in home and "breach-case," not in home
    worklist = client.get("/offenders/").content.decode()
    assert '<option value="consider-s96b" >Consider s.96B</option>' in worklist
    record = client.get(f"/offenders/{old.pk}/").content.decode()
    assert "<strong>Breach case</strong> since" in record and "<strong>breach-case</strong>" not in record


def test_the_record_gives_an_announced_visits_reason_in_words(force: Any, client_for: Any) -> None:
    o = make_offender(force)
    add_visit(
        o,
        date(2024, 5, 1),
        "seen-and-entered",
        announced=True,
        announce_reason="offender-requested-appointment",
    )
    page = client_for(force.user("offender-manager")).get(f"/offenders/{o.pk}/").content.decode()
    assert (
        "Announced (Offender requested appointment)" in page and "offender-requested-appointment" not in page
    )
