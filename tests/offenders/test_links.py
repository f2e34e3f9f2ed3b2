"""Links to crimes, investigations and devices are real links, shown only to those who may see the target."""

from __future__ import annotations

import importlib
from typing import Any

from django.apps import apps

from custos.offenders import selectors, services
from custos.offenders.models import OffenderLink
from tests.crimes.factories import make_crime
from tests.offenders.factories import make_offender
from tests.triage.lab_support import make_device


def _links_html(client: Any, o: Any) -> str:
    page = client.get(f"/offenders/{o.pk}/").content.decode()
    start = page.index('data-testid="links"')
    return page[start : page.index("</ul>", start)]


def test_a_crime_the_viewer_can_see_is_a_clickable_link_and_the_api_returns_its_id(
    force: Any, client_for: Any
) -> None:
    o = make_offender(force)
    crime = make_crime(borough=force.boroughs["A"], reference="CR/A/000123")
    user = force.user("offender-manager")
    link = services.link_add(actor=user, offender=o, kind="crime", reference=" cr/a/000123 ")
    services.link_add(actor=user, offender=o, kind="investigation", reference="CR/A/000123")
    assert link.crime_id == crime.pk and link.reference == "cr/a/000123"
    client = client_for(user)
    html = _links_html(client, o)
    assert f'href="/crimes/{crime.pk}/"' in html
    assert f'href="/investigations/crimes/{crime.pk}/"' in html
    body = client.get(f"/api/v1/offenders/nominals/{o.pk}").json()
    assert {(x["kind"], x["crime_id"]) for x in body["links"]} == {
        ("crime", crime.pk),
        ("investigation", crime.pk),
    }


def test_a_crime_outside_need_to_know_looks_exactly_like_free_text(force: Any, client_for: Any) -> None:
    o = make_offender(force)
    hidden = make_crime(borough=force.boroughs["B"], reference="CR/B/000777")
    user = force.user("offender-manager")
    services.link_add(actor=user, offender=o, kind="crime", reference="CR/B/000777")
    services.link_add(actor=user, offender=o, kind="crime", reference="CR/Z/NOWHERE")
    views = {v.reference: v for v in selectors.offender_links(actor=user, offender=o)}
    assert views["CR/B/000777"].url is None and views["CR/B/000777"].crime_id is None
    assert views["CR/B/000777"].__dict__.keys() == views["CR/Z/NOWHERE"].__dict__.keys()
    client = client_for(user)
    html = _links_html(client, o)
    assert "href" not in html and "CR/B/000777" in html
    api = client.get(f"/api/v1/offenders/nominals/{o.pk}").json()["links"]
    assert all(x["crime_id"] is None for x in api)
    # An administrator, who sees every crime, gets the link.
    admin_html = _links_html(client_for(force.user("administrator")), o)
    assert f'href="/crimes/{hidden.pk}/"' in admin_html


def test_an_unmatched_reference_is_kept_as_free_text(force: Any) -> None:
    o = make_offender(force)
    link = services.link_add(
        actor=force.user("offender-manager"), offender=o, kind="device", reference="Met exhibit JB/1"
    )
    assert link.crime_id is None and link.device_id is None and link.reference == "Met exhibit JB/1"


def test_a_triage_hit_links_the_device_record_for_the_offender_manager(force: Any, client_for: Any) -> None:
    o = make_offender(force)
    device = make_device(force, offender_id=o.pk, suspect_is_rso=True)
    outcome = services.triage_hit_on_nominal(offender_id=o.pk, device=device, actor=None)
    assert outcome["visit_task"] is not None
    link = OffenderLink.objects.get(offender=o, kind="device")
    assert link.device_id == device.pk
    services.triage_hit_on_nominal(offender_id=o.pk, device=device, actor=None)
    assert OffenderLink.objects.filter(offender=o, kind="device").count() == 1  # idempotent
    html = _links_html(client_for(force.user("offender-manager")), o)
    assert f'href="/triage/devices/{device.pk}/"' in html


def test_the_migration_resolves_old_references_and_keeps_the_rest(force: Any) -> None:
    o = make_offender(force)
    crime = make_crime(borough=force.boroughs["A"], reference="CR/A/000555")
    device = make_device(force)
    old = [
        OffenderLink.objects.create(offender=o, kind="crime", reference="cr/a/000555"),
        OffenderLink.objects.create(offender=o, kind="device", reference=f"device {device.pk} (seal X)"),
        OffenderLink.objects.create(offender=o, kind="device", reference=device.seal_number),
        OffenderLink.objects.create(offender=o, kind="investigation", reference="Op Unknown"),
    ]
    migration = importlib.import_module("custos.offenders.migrations.0003_resolve_link_references")
    migration.resolve(apps, None)
    resolved = [OffenderLink.objects.get(pk=x.pk) for x in old]
    assert resolved[0].crime_id == crime.pk
    assert resolved[1].device_id == device.pk and resolved[2].device_id == device.pk
    assert resolved[3].crime_id is None and resolved[3].reference == "Op Unknown"
