"""In a real browser: a supervisor allocates a crime and sees why; the investigator resolves the lines of
enquiry; the supervisor reviews; the investigator proposes NFA; the supervisor signs it off and the crime
is finalised."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from playwright.sync_api import Page, expect

from tests.conftest import verify_client
from tests.crimes.factories import Unit

SLOW_MS = 90_000


@pytest.fixture
def unit(make_person: Any, make_user: Any) -> Unit:
    return Unit(make_person, make_user)


def _sign_in(page: Page, user: Any, live_server: Any) -> None:
    client = verify_client(Client(), user)
    page.context.clear_cookies()
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


def test_allocate_explain_investigate_review_and_finalise_with_nfa_sign_off(
    page: Page, live_server: Any, unit: Any
) -> None:
    crime = unit.crime(offence="robbery-personal", weapon=True)  # T2: only the PIP2 detective qualifies
    url = f"/investigations/crimes/{crime.pk}/"
    # Each POST runs the engine or the rules, then redirects: on a loaded box that can take over 10 s.
    page.set_default_timeout(SLOW_MS)
    page.set_default_navigation_timeout(SLOW_MS)
    expect.set_options(timeout=SLOW_MS)

    _sign_in(page, unit.supervisor, live_server)
    page.goto(url)
    page.get_by_test_id("allocate").click()
    expect(page.get_by_test_id("allocated-officer")).to_contain_text("Detective")
    explanation = page.get_by_test_id("allocation-explanation")
    expect(explanation).to_contain_text("Why")
    expect(explanation).to_contain_text("Policy version")

    _sign_in(page, unit.investigator, live_server)
    page.goto(url)
    rows = page.locator("[data-testid=lines] tbody tr")
    count = rows.count()
    assert count > 0
    for i in range(count):
        row = page.locator("[data-testid=lines] tbody tr").nth(i)
        row.locator("select[name=status]").select_option("not-available")
        row.locator("input[name=reason]").fill("Checked: nothing available")
        row.get_by_role("button", name="Save").click()
    expect(page.locator("[data-testid=lines] .govuk-tag--yellow")).to_have_count(0)

    _sign_in(page, unit.supervisor, live_server)
    page.goto(url)
    page.get_by_label("Direction given").fill("Victim updated; close if nothing further by Friday")
    page.get_by_test_id("record-review").click()
    expect(page.get_by_test_id("reviews")).to_contain_text("Victim updated")

    _sign_in(page, unit.investigator, live_server)
    page.goto(url)
    page.get_by_label("Outcome").select_option("18")
    page.get_by_test_id("propose-outcome").click()
    expect(page.locator("body")).to_contain_text("awaits a supervisor's sign-off")

    _sign_in(page, unit.supervisor, live_server)
    page.goto(url)
    page.get_by_label("Sign-off rationale").fill("Every line exhausted; no suspect identified")
    page.get_by_test_id("sign-off").click()
    expect(page.get_by_test_id("crime-status")).to_have_text("Finalised")


def test_a_queued_batch_run_updates_itself_when_the_worker_has_done_it(
    page: Page, live_server: Any, unit: Any
) -> None:
    """The run page polls (htmx) while the job waits, then shows the allocations without a manual reload."""
    from custos.allocation.models import AllocationJob
    from tests.allocation.helpers import work_the_queue

    crimes = [unit.crime(offence="theft-other") for _ in range(2)]
    page.set_default_timeout(SLOW_MS)
    expect.set_options(timeout=SLOW_MS)
    _sign_in(page, unit.supervisor, live_server)
    page.goto(live_server.url + "/allocation/")
    page.get_by_test_id("run-allocation").click()
    expect(page.get_by_test_id("job-status")).to_contain_text("Waiting for the worker")

    assert work_the_queue() == ["done"]

    # No reload from here: the next poll sees the job done and the page shows the result.
    expect(page.get_by_test_id("run-allocations")).to_be_visible()
    for crime in crimes:
        expect(page.get_by_test_id("run-allocations")).to_contain_text(crime.reference)
    assert AllocationJob.objects.get().status == "done"
