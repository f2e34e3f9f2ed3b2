"""A form the service refuses comes back with what the user typed and each error beside its field, under a
GOV.UK error summary: the record page's "Add a detail" and the s.96B warrant form included."""

from __future__ import annotations

import html
import re
from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from custos.offenders import forms as offender_forms
from custos.offenders import services
from custos.offenders.models import Address, Alias, AwayPeriod, OffenderLink, OffenderTask, S96BWarrant
from tests.offenders.factories import make_offender


def _field_error(page: str, field_id: str) -> str:
    """The error message shown beside the field ``field_id`` (GOV.UK: an error message above the input)."""
    found = re.search(rf'<p id="{field_id}-error" class="govuk-error-message">(.*?)</p>', page, re.S)
    assert found, f"no error beside {field_id}"
    return html.unescape(re.sub(r"<[^>]+>", "", found.group(1))).replace("Error:", "").strip()


def test_an_alias_without_a_last_name_comes_back_with_the_first_name_kept(
    force: Any, client_for: Any
) -> None:
    o = make_offender(force)
    response = client_for(force.user("offender-manager")).post(
        f"/offenders/{o.pk}/details/", {"section": "alias", "first_name": "Jonny", "from_date": "2020-01-02"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert _field_error(page, "id_last_name") == offender_forms.ADD_NEEDS_LAST_NAME
    assert 'value="Jonny"' in page and 'value="2020-01-02"' in page
    assert re.search(r'<option value="alias" selected>', page)
    assert re.search(r'<details class="govuk-details" id="add-a-detail" open>', page)
    assert not Alias.objects.filter(offender=o).exists()


def test_an_address_with_an_impossible_date_keeps_the_address_typed(force: Any, client_for: Any) -> None:
    o = make_offender(force)
    response = client_for(force.user("offender-manager")).post(
        f"/offenders/{o.pk}/details/",
        {"section": "address", "address_kind": "regular", "line1": "12 Mill Lane", "town": "Leeds",
         "postcode": "LS2 7AA", "from_date": "2024-02-30"},
    )  # fmt: skip
    assert response.status_code == 200
    page = response.content.decode()
    assert _field_error(page, "id_from_date")
    for typed in ("12 Mill Lane", "Leeds", "LS2 7AA"):
        assert f'value="{typed}"' in page
    assert re.search(r'<option value="regular" selected>', page)
    assert not Address.objects.filter(offender=o, line1="12 Mill Lane").exists()


def test_time_away_ending_before_it_starts_is_refused_beside_the_end_date(
    force: Any, client_for: Any
) -> None:
    o = make_offender(force)
    response = client_for(force.user("offender-manager")).post(
        f"/offenders/{o.pk}/details/",
        {"section": "away", "away_kind": "hospital", "from_date": "2024-05-10", "to_date": "2024-05-01"},
    )
    page = response.content.decode()
    assert "cannot be before the start date" in _field_error(page, "id_to_date")
    assert re.search(r'<option value="hospital" selected>', page)
    assert not AwayPeriod.objects.filter(offender=o).exists()


def test_a_link_without_a_reference_is_refused_beside_the_reference(force: Any, client_for: Any) -> None:
    o = make_offender(force)
    response = client_for(force.user("offender-manager")).post(
        f"/offenders/{o.pk}/details/", {"section": "link", "link_kind": "device", "value": "   "}
    )
    page = response.content.decode()
    assert _field_error(page, "id_value") == services.LINK_REFERENCE_REQUIRED
    assert re.search(r'<option value="device" selected>', page)
    assert not OffenderLink.objects.filter(offender=o).exists()


def test_an_accepted_detail_still_returns_to_the_record(force: Any, client_for: Any) -> None:
    o = make_offender(force)
    response = client_for(force.user("offender-manager")).post(
        f"/offenders/{o.pk}/details/", {"section": "alias", "first_name": "Jonny", "last_name": "Smyth"}
    )
    assert response.status_code == 302 and response["Location"] == f"/offenders/{o.pk}/"
    assert Alias.objects.filter(offender=o, last_name="Smyth").exists()


def test_a_refused_warrant_decision_comes_back_on_the_task_with_what_was_typed(
    force: Any, client_for: Any
) -> None:
    o = make_offender(force)
    task = OffenderTask.objects.create(
        offender=o,
        kind="s96b-consideration",
        episode=timezone.localdate(),
        reason="five failed visits",
        basis="SOA 2003 s.96B",
        policy_version="test",
        detail={
            "conditions": [{"code": "a", "met": True, "explanation": "two attempts", "basis": "s.96B(3)"}]
        },
    )
    om = force.user("offender-manager")
    services.s96b_apply(actor=om, offender=o, address="1 High St", applied_on=date(2024, 3, 1), task=task)
    response = client_for(om).post(
        f"/offenders/{o.pk}/s96b/",
        {"task": task.pk, "action": "grant", "on": "2024-02-28", "court": "Highbury Corner"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert "cannot be before the application" in _field_error(page, "id_on")
    assert 'value="Highbury Corner"' in page and 'value="2024-02-28"' in page
    assert S96BWarrant.objects.get(offender=o).granted_on is None


def test_a_warrant_decision_before_any_application_is_refused_beside_the_action(
    force: Any, client_for: Any
) -> None:
    o = make_offender(force)
    on = (timezone.localdate() - timedelta(days=1)).isoformat()
    response = client_for(force.user("offender-manager")).post(
        f"/offenders/{o.pk}/s96b/", {"action": "grant", "on": on, "court": "Thames"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Record the application first." in _field_error(page, "id_action")
    assert 'value="Thames"' in page


def test_the_other_recording_forms_come_back_with_what_was_typed_when_the_service_refuses(
    force: Any, client_for: Any
) -> None:
    o = make_offender(force)
    client = client_for(force.user("offender-manager"))
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    cases = [
        ("notifications/new/", {"kind": "initial", "on": tomorrow, "station": "Holborn"}, "id_on", "Holborn"),
        (
            "convictions/new/",
            {"offence": "Sexual assault s.3", "schedule3": "on", "conviction_date": "2020-01-10",
             "disposal": "imprisonment", "court": "Snaresbrook Crown Court"},
            "id_term_months",
            "Snaresbrook Crown Court",
        ),
        ("transfer/", {"to_borough": o.borough_id, "reason": "moved in with his sister"}, "id_to_borough",
         "moved in with his sister"),
    ]  # fmt: skip
    for url, body, field_id, typed in cases:
        response = client.post(f"/offenders/{o.pk}/{url}", body)
        page = response.content.decode()
        assert response.status_code == 200, url
        assert "There is a problem" in page and _field_error(page, field_id), url
        assert typed in page, url
