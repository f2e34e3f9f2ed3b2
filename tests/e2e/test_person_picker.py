"""Browser: with more people to choose from than a select should list, an officer is found by name."""

from __future__ import annotations

from typing import Any
from unittest import mock

from playwright.sync_api import Page, expect

from tests.e2e.signin import sign_in


def test_an_officer_is_found_by_name_and_chosen_with_the_keyboard(
    transactional_db: Any, page: Page, force: Any
) -> None:
    from custos.core.policy import current_policy
    from custos.offenders.models import Visit
    from custos.workforce import picker
    from tests.offenders.factories import make_offender

    offender = make_offender(force)
    teammate = force.people["teammate@A"]
    tiny = current_policy().with_overrides({"workforce.person_picker_max_options": 0})
    with mock.patch.object(picker, "current_policy", return_value=tiny):
        sign_in(page, force.user("offender-manager"))
        page.goto(f"/offenders/{offender.pk}/visits/new/")
        page.fill("input[name=attempted_at]", "2024-03-01T10:00")
        page.check("#outcome-seen-and-entered")

        second = page.get_by_role("combobox", name="Second officer")
        second.fill(teammate.last_name)
        option = page.get_by_role("option", name=str(teammate))
        expect(option).to_be_visible()
        expect(page.get_by_role("status").filter(has_text="1 suggestion")).to_be_attached()
        second.press("ArrowDown")
        expect(option).to_have_attribute("aria-selected", "true")
        second.press("Enter")
        expect(second).to_have_value(teammate.staff_number)
        expect(page.locator("#id_second_officer-chosen")).to_have_text(str(teammate))
        expect(page.get_by_role("listbox")).to_have_count(0)

        page.get_by_role("button", name="Save visit").click()
        expect(page.get_by_text("Visit recorded.")).to_be_visible()
    assert Visit.objects.get(offender=offender).second_officer == teammate
