"""A form on a device's page that is refused shows the page again with what was typed and the reason."""

from __future__ import annotations

from typing import Any

import pytest
from tests.triage.lab_support import accredit, make_device, report_with_hits

from custos.triage import services

pytestmark = pytest.mark.django_db


def test_an_incomplete_handover_is_shown_again_with_what_was_typed(force: Any, client_for: Any) -> None:
    device = make_device(force)
    client = client_for(force.user("investigator", "A"))
    page = client.post(
        f"/triage/devices/{device.pk}/custody/",
        {"to_holder": "Lab reception", "location": "", "purpose": "Examination", "seal_number": "S77"},
    )
    assert page.status_code == 200
    body = page.content.decode()
    assert 'value="Lab reception"' in body and 'value="S77"' in body
    assert "There is a problem" in body and "This field is required." in body
    assert device.custody.count() == 1


def test_a_return_without_a_reason_is_shown_again_beside_the_reason(force: Any, client_for: Any) -> None:
    device = make_device(force)
    client = client_for(force.user("digital-forensic-examiner"))
    page = client.post(f"/triage/devices/{device.pk}/return/", {"reason": "  "})
    assert page.status_code == 200
    assert page.context["return_form"].errors["reason"]
    device.refresh_from_db()
    assert device.status == "queued"


def test_a_return_the_policy_refuses_keeps_the_typed_reason_and_says_why(force: Any, client_for: Any) -> None:
    device = make_device(force)
    services.result_upload(actor=None, device=device, report=report_with_hits())
    client = client_for(force.user("digital-forensic-examiner"))
    page = client.post(f"/triage/devices/{device.pk}/return/", {"reason": "Nothing of note on the phone"})
    assert page.status_code == 200
    body = page.content.decode()
    assert "Nothing of note on the phone" in body and "needs a full examination" in body
    device.refresh_from_db()
    assert device.status == "queued"


def test_refused_examination_results_keep_the_counts_and_notes(force: Any, client_for: Any) -> None:
    examiner = force.people["digital-forensic-examiner@A"]
    accredit(examiner)
    device = make_device(force)
    user = force.user("digital-forensic-examiner")
    services.device_assign(actor=user, device=device, examiner=examiner)
    page = client_for(user).post(
        f"/triage/devices/{device.pk}/complete/",
        {"category_a": "3", "category_b": "two", "category_c": "12", "notes": "Notes from the exam"},
    )
    assert page.status_code == 200
    body = page.content.decode()
    assert "Notes from the exam" in body and 'value="two"' in body and 'value="12"' in body
    assert page.context["complete_form"].errors["category_b"]
    device.refresh_from_db()
    assert device.status == "in-examination"


def test_a_refused_assignment_keeps_the_chosen_examiner_and_says_why(force: Any, client_for: Any) -> None:
    examiner = force.people["digital-forensic-examiner@A"]  # not accredited: the service refuses
    device = make_device(force)
    page = client_for(force.user("digital-forensic-examiner")).post(
        f"/triage/devices/{device.pk}/assign/", {"examiner": examiner.pk}
    )
    assert page.status_code == 200
    assert services.NOT_AN_ACCREDITED_EXAMINER.format(name=examiner.full_name) in page.content.decode()
    device.refresh_from_db()
    assert device.status == "queued" and device.examiner is None


def test_the_forms_on_a_device_page_never_share_an_element_id(force: Any, client_for: Any) -> None:
    import re

    examiner = force.people["digital-forensic-examiner@A"]
    accredit(examiner)
    device = make_device(force)
    body = client_for(force.user("digital-forensic-examiner")).get(f"/triage/devices/{device.pk}/").content
    ids = re.findall(rb'\sid="([^"]+)"', body)
    assert b"id_reason" not in ids and len(ids) == len(set(ids))
