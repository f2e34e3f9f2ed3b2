"""A supervisor signs in with a real TOTP code and works through the workforce pages in chromium."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect

from tests.e2e.signin import PASSWORD, code_for, sign_in


def test_first_sign_in_enrols_two_factor_from_the_setup_page(page: Page, make_user: Any) -> None:
    user = make_user("newstarter", ["investigator"])
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill("newstarter")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Set up two-factor authentication")).to_be_visible()
    expect(page.locator(".custos-qr svg")).to_be_visible()
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    page.get_by_label("Security code").fill(code_for(device))
    page.get_by_role("button", name="Confirm and continue").click()
    expect(page.get_by_test_id("recovery-codes").locator("li")).to_have_count(10)


def test_a_supervisor_manages_their_team_through_the_workforce_pages(page: Page, force: Any) -> None:
    ds = force.user("mosovo-supervisor")
    TOTPDevice.objects.create(user=ds, name="app", confirmed=True)
    om = force.people["offender-manager@A"]
    # Training lapsing soon shows on the supervisor's home page.
    om.visor_training_expires = date.today() + timedelta(days=10)
    om.save()

    sign_in(page, ds)
    expect(page.get_by_text(f"{om.full_name}: ViSOR training expires in 10 days")).to_be_visible()

    page.get_by_role("link", name="Workforce", exact=True).click()
    expect(page.get_by_role("heading", name="Officers and staff")).to_be_visible()
    page.get_by_label("Name or staff number").fill(om.staff_number)
    page.get_by_role("button", name="Filter").click()
    page.get_by_role("link", name=re.compile(om.last_name)).click()
    expect(page.get_by_role("heading", name=om.full_name)).to_be_visible()

    # Record leave; then an invalid change is refused with a clear message and nothing is saved.
    page.get_by_text("Record leave or an abstraction").click()
    page.locator("#id_kind").select_option("annual-leave")
    page.locator("#id_starts_on").fill("2031-05-01")
    page.locator("#id_ends_on").fill("2031-05-08")
    page.get_by_role("button", name="Save absence").click()
    expect(page.get_by_text("Absence recorded.")).to_be_visible()
    expect(page.get_by_role("cell", name="1 May 2031", exact=True)).to_be_visible()

    page.get_by_role("link", name="Change details").click()
    page.get_by_label("PIP level").select_option("3")
    page.get_by_label("PIP accreditation date").fill("")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("PIP3 needs an accreditation date.")
    om.refresh_from_db()
    assert om.pip_level == 2

    page.get_by_label("Hours per week").fill("30")
    page.get_by_label("PIP level").select_option("2")
    page.get_by_label("PIP accreditation date").fill("2018-05-01")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Changes saved.")).to_be_visible()
    om.refresh_from_db()
    assert float(om.hours_per_week) == 30.0

    page.get_by_role("link", name="Training", exact=True).click()
    expect(page.get_by_test_id("training-table")).to_contain_text(om.full_name)
