"""Browser: an offender manager records a second failed visit and the s.96B consideration task opens."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.e2e.signin import sign_in


def _record_failed_visit(page: Page, offender_id: int, when: str, outcome: str) -> None:
    page.goto(f"/offenders/{offender_id}/visits/new/")
    page.fill("input[name=attempted_at]", when)
    page.check(f"#outcome-{outcome}")
    page.get_by_role("button", name="Save visit").click()


def test_recording_a_second_failed_visit_opens_the_s96b_task(
    transactional_db: Any, page: Page, force: Any
) -> None:
    from custos.offenders.models import OffenderTask
    from tests.offenders.factories import make_offender

    offender = make_offender(force, managed_since=timezone.localdate() - timedelta(days=20))
    sign_in(page, force.user("offender-manager"))
    today = timezone.localdate()
    _record_failed_visit(page, offender.pk, f"{today - timedelta(days=4):%Y-%m-%d}T19:30", "no-answer")
    expect(page.get_by_text("Visit recorded.")).to_be_visible()
    assert not OffenderTask.objects.filter(offender=offender, kind="s96b-consideration").exists()

    _record_failed_visit(page, offender.pk, f"{today - timedelta(days=1):%Y-%m-%d}T08:15", "entry-refused")
    expect(page.get_by_text("A s.96B warrant consideration task has been opened.")).to_be_visible()
    task = OffenderTask.objects.get(offender=offender, kind="s96b-consideration", status="open")
    page.get_by_role("link", name="Consider a s.96B warrant").first.click()
    conditions = page.get_by_test_id("s96b-conditions")
    expect(conditions).to_contain_text("s.96B(2)(d)")
    expect(conditions).to_contain_text("officer's judgement")
    assert task.episode <= date.today()
