"""Browser: an investigator records a charge; victim care sees the enhanced victim's 1-working-day clock."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from playwright.sync_api import Page, expect

from custos.core.workingdays import add_working_days
from tests.e2e.signin import sign_in


def test_a_charge_starts_the_enhanced_victims_one_working_day_clock(
    page: Page, transactional_db: Any, force: Any
) -> None:
    from tests.victims.helpers import add_victim, born_years_before, crime_in_a

    reported = date.today() - timedelta(days=10)
    crime = crime_in_a(force, reported=reported)
    add_victim(
        force, crime, first_name="Casey", last_name="Young", date_of_birth=born_years_before(reported, 16)
    )

    sign_in(page, force.user("investigator", "A"))
    page.goto(f"/victims/crimes/{crime.pk}/")
    expect(page.get_by_test_id("crime-victims")).to_contain_text("enhanced")
    page.get_by_label("Event", exact=True).select_option("charge")
    page.get_by_test_id("record-event").click()
    expect(page.get_by_test_id("events")).to_contain_text("charge")

    page.context.clear_cookies()
    sign_in(page, force.user("victim-care-officer", "A"))
    page.goto("/victims/worklist/?enhanced=yes&sort=due")
    due = add_working_days(date.today(), 1)
    row = page.locator('tr[data-clock="event-update"]', has_text="Casey Young")
    expect(row).to_have_count(1)
    expect(row.get_by_test_id("due-on")).to_have_text(f"{due:%a} {due.day} {due:%b %Y}")
    expect(row.get_by_test_id("basis")).to_contain_text(
        "enhanced victim told of the charge within 1 working day"
    )
