"""Browser: an inspector opens the inspection measures from the header, narrows them to a borough and sees
the offender not visited since 2017 counted, with the basis of each figure; no person is named."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.e2e.signin import sign_in


def test_an_inspector_reads_the_measures_for_a_borough_with_their_basis(
    transactional_db: Any, page: Page, force: Any
) -> None:
    from custos.offenders import ladder
    from tests.offenders.factories import add_visit, make_offender

    old = make_offender(force, last_name="Hollins", managed_since=date(2012, 6, 1))  # high risk
    add_visit(old, date(2017, 5, 4), "seen-and-entered")
    ladder.run(today=timezone.localdate())
    borough = force.boroughs["A"]

    sign_in(page, force.user("inspector"))
    page.get_by_role("link", name="Inspection measures").first.click()
    expect(page.get_by_role("heading", name="Inspection measures", level=1)).to_be_visible()
    expect(page.get_by_test_id("measures-scope")).to_have_text("the whole force")

    page.get_by_label("Borough").select_option(borough.code)
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_test_id("measures-scope")).to_have_text(borough.name)
    row = page.locator('[data-measure="offenders.high-risk-visits-overdue"]')
    expect(row).to_contain_text("1 of 1")
    expect(row).to_contain_text("100.0%")
    expect(row).to_contain_text("policy offenders.visits.interval")
    expect(page.locator('[data-measure="offenders.escalations-open"]')).to_contain_text("SOA 2003 s.96B")
    expect(page.get_by_role("table", name="Victims' Code")).to_be_visible()
    expect(page.locator("main")).not_to_contain_text("Hollins")  # aggregates only
