"""The record page shows every computed date with its basis; reads and searches are audited."""

from __future__ import annotations

from datetime import date
from typing import Any

from custos.core.models import AuditEvent
from custos.offenders import selectors, services
from custos.offenders.models import Conviction
from tests.offenders.factories import make_offender


def test_the_record_shows_computed_dates_with_their_basis(force: Any, client_for: Any) -> None:
    o = make_offender(force, first_notification_on=date(2020, 3, 2))
    Conviction.objects.create(
        offender=o,
        offence="Sexual assault",
        conviction_date=date(2020, 3, 1),
        disposal="imprisonment",
        term_months=24,
    )
    services.notification_record(
        actor=force.user("offender-manager"),
        offender=o,
        kind="initial",
        on=date(2020, 3, 2),
        station="Brixton",
    )
    response = client_for(force.user("offender-manager")).get(f"/offenders/{o.pk}/")
    dates = {d.label: d for d in response.context["dates"]}
    assert "2030-02-28" in dates["Notification period"].value  # worked example 1
    assert "s.82" in dates["Notification period"].basis
    assert dates["Next annual notification"].value.startswith("20")
    assert "policy offenders.visits.interval.high" in dates["Next visit due"].basis


def test_every_read_is_audited_and_supervisors_see_who_viewed(force: Any, client_for: Any) -> None:
    o = make_offender(force)
    client_for(force.user("offender-manager")).get(f"/offenders/{o.pk}/")
    assert AuditEvent.objects.filter(
        action="custos.offender.viewed", object_id=str(o.pk), sensitive=True
    ).exists()
    response = client_for(force.user("mosovo-supervisor")).get(f"/offenders/{o.pk}/")
    viewers = response.context["viewers"]
    assert any(e.actor_username == "offender-manager-a" for e in viewers)
    assert client_for(force.user("offender-manager")).get(f"/offenders/{o.pk}/").context["viewers"] is None


def test_fuzzy_search_finds_names_and_aliases_and_is_audited(force: Any) -> None:
    o = make_offender(force, first_name="John", last_name="Smith")
    alias_only = make_offender(force, first_name="Peter", last_name="Brown")
    user = force.user("offender-manager")
    services.alias_add(actor=user, offender=alias_only, first_name="Pete", last_name="Browning")
    services.detail_add(actor=user, offender=o, kind="vehicle", value="ab12 cde")
    assert o in selectors.offender_search(actor=user, query=selectors.SearchQuery(name="Jon Smyth"))
    assert alias_only in selectors.offender_search(actor=user, query=selectors.SearchQuery(name="Browning"))
    assert selectors.offender_search(actor=user, query=selectors.SearchQuery(vrm="AB12CDE")) == [o]
    assert o in selectors.offender_search(
        actor=user, query=selectors.SearchQuery(date_of_birth=o.date_of_birth)
    )
    assert AuditEvent.objects.filter(action="custos.offender.searched", sensitive=True).count() == 4
    outsider = force.user("offender-manager", "B")
    assert selectors.offender_search(actor=outsider, query=selectors.SearchQuery(name="John Smith")) == []
