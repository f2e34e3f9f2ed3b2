"""Aliases, addresses and notifiable details can be corrected and ended: validated, versioned, audited."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from custos.core.models import AuditEvent
from custos.offenders import selectors, services
from custos.offenders.models import Address, Alias, NotifiableDetail
from custos.offenders.services import details
from tests.offenders.factories import make_offender


def test_ending_an_alias_records_the_date_bumps_the_version_and_is_audited(force: Any) -> None:
    o = make_offender(force)
    user = force.user("offender-manager")
    alias = services.alias_add(
        actor=user, offender=o, first_name="Jack", last_name="Smithers", used_from=date(2019, 1, 1)
    )
    services.notified_item_end(actor=user, item=alias, ended_on=date(2024, 3, 1), expected_version=1)
    alias.refresh_from_db()
    assert alias.used_to == date(2024, 3, 1) and alias.version == 2
    event = AuditEvent.objects.get(action="custos.offender.alias_ended", object_id=str(o.pk))
    assert event.changes["used_to"] == [None, "2024-03-01"]
    assert alias.history.first().used_to == date(2024, 3, 1)  # the conditional update still leaves history


def test_an_end_date_before_the_start_is_refused(force: Any) -> None:
    o = make_offender(force)
    user = force.user("offender-manager")
    address = services.address_add(
        actor=user, offender=o, kind="regular", line1="1 High St", from_date=date(2023, 5, 1)
    )
    with pytest.raises(ValidationError) as exc:
        services.notified_item_end(actor=user, item=address, ended_on=date(2023, 4, 30), expected_version=1)
    assert exc.value.message_dict["ended_on"] == [details.END_BEFORE_START.format(start=date(2023, 5, 1))]


def test_something_already_ended_cannot_be_ended_again(force: Any) -> None:
    o = make_offender(force)
    user = force.user("offender-manager")
    alias = services.alias_add(
        actor=user, offender=o, first_name="", last_name="Old", used_to=date(2020, 1, 1)
    )
    with pytest.raises(ValidationError, match="already ended on 01 January 2020"):
        services.notified_item_end(actor=user, item=alias, ended_on=date(2021, 1, 1), expected_version=1)


def test_a_second_officer_with_a_stale_version_does_not_overwrite_the_first(force: Any) -> None:
    o = make_offender(force)
    user = force.user("offender-manager")
    detail = services.detail_add(actor=user, offender=o, kind="phone", value="07700 900123")
    services.notified_item_update(
        actor=user, item=detail, values={"value": "07700 900999"}, expected_version=1
    )
    stale = NotifiableDetail.objects.get(pk=detail.pk)
    with pytest.raises(ValidationError) as exc:
        services.notified_item_update(
            actor=force.user("mosovo-supervisor"), item=stale, values={"notes": "late"}, expected_version=1
        )
    assert exc.value.code == "stale"
    assert NotifiableDetail.objects.get(pk=detail.pk).notes == ""


def test_changing_a_vehicle_registration_changes_what_search_finds(force: Any) -> None:
    o = make_offender(force)
    user = force.user("offender-manager")
    car = services.detail_add(actor=user, offender=o, kind="vehicle", value="AB12 CDE")
    services.notified_item_update(actor=user, item=car, values={"value": "xy65 zzz"}, expected_version=1)
    assert selectors.offender_search(actor=user, query=selectors.SearchQuery(vrm="XY65ZZZ")) == [o]
    assert selectors.offender_search(actor=user, query=selectors.SearchQuery(vrm="AB12CDE")) == []
    event = AuditEvent.objects.get(action="custos.offender.detail_updated", object_id=str(o.pk))
    assert event.changes["value"] == ["AB12 CDE", "xy65 zzz"]


def test_a_second_current_home_address_is_refused(force: Any) -> None:
    o = make_offender(force)
    user = force.user("offender-manager")
    services.address_add(actor=user, offender=o, kind="home", line1="1 Home Rd", from_date=date(2022, 1, 1))
    other = services.address_add(
        actor=user, offender=o, kind="regular", line1="9 Girlfriend St", from_date=date(2023, 1, 1)
    )
    with pytest.raises(ValidationError) as exc:
        services.notified_item_update(actor=user, item=other, values={"kind": "home"}, expected_version=1)
    assert "already a current home address (1 Home Rd)" in exc.value.message_dict["kind"][0]


def test_the_change_page_shows_errors_and_saves_a_correction(force: Any, client_for: Any) -> None:
    o = make_offender(force)
    client = client_for(force.user("offender-manager"))
    alias = Alias.objects.create(offender=o, first_name="Jon", last_name="Smyth", used_from=date(2018, 1, 1))
    url = f"/offenders/{o.pk}/aliases/{alias.pk}/"
    page = client.get(f"/offenders/{o.pk}/").content.decode()
    assert f'href="{url}"' in page and f'href="{url}end/"' in page
    bad = client.post(
        url,
        {
            "first_name": "Jon",
            "last_name": "",
            "used_from": "2018-01-01",
            "used_to": "2017-01-01",
            "version": 1,
        },
    )
    assert bad.status_code == 200
    errors = bad.context["form"].errors
    assert "last_name" in errors and "used_to" in errors
    good = client.post(
        url, {"first_name": "John", "last_name": "Smyth", "used_from": "2018-01-01", "version": 1}
    )
    assert good.status_code == 302
    assert str(Alias.objects.get(pk=alias.pk)) == "John Smyth"


def test_the_end_page_records_that_an_address_ended(force: Any, client_for: Any) -> None:
    o = make_offender(force)
    address = Address.objects.create(
        offender=o, kind="short-stay", line1="3 B&B Parade", from_date=date(2024, 2, 1)
    )
    client = client_for(force.user("offender-manager"))
    response = client.post(
        f"/offenders/{o.pk}/addresses/{address.pk}/end/", {"ended_on": "2024-02-09", "version": 1}
    )
    assert response.status_code == 302
    assert Address.objects.get(pk=address.pk).to_date == date(2024, 2, 9)
    missing = client.post(f"/offenders/{o.pk}/addresses/{address.pk}/end/", {"ended_on": "", "version": 2})
    assert missing.context["form"].errors["ended_on"] == [details.END_REQUIRED]


def test_an_item_of_another_offender_is_not_found_through_this_one(force: Any, client_for: Any) -> None:
    o, other = make_offender(force), make_offender(force)
    alias = Alias.objects.create(offender=other, last_name="Elsewhere")
    client = client_for(force.user("offender-manager"))
    assert client.get(f"/offenders/{o.pk}/aliases/{alias.pk}/").status_code == 404


def test_the_record_page_lets_an_officer_add_every_kind_of_address_with_its_town(
    force: Any, client_for: Any
) -> None:
    import re

    from custos.offenders.models import AddressKind

    o = make_offender(force)
    client = client_for(force.user("offender-manager"))
    page = client.get(f"/offenders/{o.pk}/").content.decode()
    select = re.search(r'<select[^>]*name="address_kind"[^>]*>(.*?)</select>', page, re.S)
    assert select is not None, "the add form offers no choice of address kind"
    assert re.findall(r'value="([^"]+)"', select.group(1)) == list(AddressKind.values)
    assert 'name="town"' in page
    response = client.post(
        f"/offenders/{o.pk}/details/",
        {"section": "address", "address_kind": "household-child", "line1": "4 Park Row", "town": "Leeds",
         "postcode": "LS1 1AA", "from_date": "2024-05-01"},
    )  # fmt: skip
    assert response.status_code == 302
    added = Address.objects.get(offender=o, line1="4 Park Row")
    assert (added.kind, added.town) == ("household-child", "Leeds")


def test_the_forms_do_not_call_every_offender_he(force: Any, client_for: Any) -> None:
    import re

    o = make_offender(force, first_name="Isabella", last_name="Taylor", sex="female")
    user = force.user("offender-manager")
    alias = services.alias_add(actor=user, offender=o, first_name="Bella", last_name="Tate", used_from=None)
    address = services.address_add(
        actor=user, offender=o, kind="home", line1="1 Rd", from_date=date(2024, 1, 1)
    )
    client = client_for(user)
    for url in (
        f"/offenders/{o.pk}/aliases/{alias.pk}/end/",
        f"/offenders/{o.pk}/addresses/{address.pk}/end/",
        f"/offenders/{o.pk}/notifications/new/",
    ):
        main = client.get(url).content.decode().split('id="main-content"')[1]
        assert not re.search(r"\bhe\b", main), url
    assert "the offender notified in person" in services.STATION_REQUIRED
