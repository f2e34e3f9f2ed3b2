"""Adding a nominal through the register page: own borough only, ViSOR-checked lead, audited, clear errors."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from custos.core.models import AuditEvent
from custos.offenders import forms as offender_forms
from custos.offenders import services
from custos.offenders.models import Offender, RiskAssessment


def _body(force: Any, **kw: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "first_name": "Adam",
        "last_name": "Newcombe",
        "date_of_birth": "1981-04-05",
        "sex": "male",
        "mappa_category": 1,
        "mappa_level": 2,
        "management_mode": "active",
        "rosh_level": "high",
        "rosh_reason": "Contact offences against children; access to grandchildren",
        "lead_manager": force.people["offender-manager@A"].pk,
        "managed_since": "2024-06-01",
    }
    body.update(kw)
    return {k: v for k, v in body.items() if v is not None}


def test_an_offender_manager_adds_a_nominal_to_their_own_borough_and_it_is_audited(
    force: Any, client_for: Any
) -> None:
    client = client_for(force.user("offender-manager"))
    response = client.post("/offenders/new/", _body(force, borough=force.boroughs["B"].pk))
    o = Offender.objects.get(last_name="Newcombe")
    assert response.status_code == 302 and response["Location"] == f"/offenders/{o.pk}/"
    assert o.borough_id == force.boroughs["A"].pk  # a posted borough is ignored: always their own
    assert o.reference.startswith("ON") and o.lead_manager_id == force.people["offender-manager@A"].pk
    assert AuditEvent.objects.filter(action="custos.offender.created", object_id=str(o.pk)).exists()
    rosh = RiskAssessment.objects.get(offender=o, tool="rosh")
    assert rosh.result == "high" and rosh.reason.startswith("Contact offences")


def test_the_worklist_links_to_the_create_page(force: Any, client_for: Any) -> None:
    page = client_for(force.user("offender-manager")).get("/offenders/").content.decode()
    assert 'href="/offenders/new/"' in page


def test_a_lead_without_current_visor_training_is_refused_on_the_page(force: Any, client_for: Any) -> None:
    teammate = force.people["teammate@A"]
    teammate.visor_authorised = True
    teammate.visor_training_expires = timezone.localdate() - timedelta(days=1)
    teammate.save()
    response = client_for(force.user("mosovo-supervisor")).post(
        "/offenders/new/", _body(force, lead_manager=teammate.pk)
    )
    assert response.status_code == 200
    assert "ViSOR training expired on" in " ".join(response.context["form"].errors["lead_manager"])
    assert not Offender.objects.filter(last_name="Newcombe").exists()


def test_someone_not_visor_authorised_is_not_offered_as_lead(force: Any, client_for: Any) -> None:
    response = client_for(force.user("offender-manager")).post(
        "/offenders/new/", _body(force, lead_manager=force.people["teammate@A"].pk)
    )
    assert "lead_manager" in response.context["form"].errors
    assert not Offender.objects.filter(last_name="Newcombe").exists()


def test_a_date_of_birth_in_the_future_and_missing_fields_are_explained(force: Any, client_for: Any) -> None:
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    response = client_for(force.user("offender-manager")).post(
        "/offenders/new/", _body(force, date_of_birth=tomorrow, rosh_reason="", last_name="")
    )
    errors = response.context["form"].errors
    assert errors["date_of_birth"] == [offender_forms.DOB_IN_FUTURE]
    assert "rosh_reason" in errors and "last_name" in errors
    assert "There is a problem" in response.content.decode()


def test_a_lead_from_another_borough_is_refused(force: Any, client_for: Any) -> None:
    response = client_for(force.user("administrator")).post(
        "/offenders/new/",
        _body(force, borough=force.boroughs["A"].pk, lead_manager=force.people["offender-manager@B"].pk),
    )
    assert response.context["form"].errors["lead_manager"] == [offender_forms.LEAD_OTHER_BOROUGH]


def test_an_administrator_must_choose_the_borough(force: Any, client_for: Any) -> None:
    client = client_for(force.user("administrator"))
    response = client.post("/offenders/new/", _body(force))
    assert response.context["form"].errors["borough"] == [offender_forms.BOROUGH_REQUIRED]
    client.post("/offenders/new/", _body(force, borough=force.boroughs["B"].pk, lead_manager=None))
    assert Offender.objects.get(last_name="Newcombe").borough_id == force.boroughs["B"].pk


def test_the_service_refuses_a_nominal_in_another_borough(force: Any) -> None:
    import pytest

    data = {
        "first_name": "X",
        "last_name": "Elsewhere",
        "date_of_birth": timezone.localdate().replace(year=1970),
        "borough": force.boroughs["B"],
        "managed_since": timezone.localdate(),
        "rosh_reason": "r",
    }
    with pytest.raises(PermissionError, match="own borough"):
        services.offender_create(actor=force.user("offender-manager"), data=data)


def test_people_without_an_offender_role_cannot_open_the_page(force: Any, client_for: Any) -> None:
    for role in ("investigator", "professional-standards", "victim-care-officer"):
        assert client_for(force.user(role)).get("/offenders/new/").status_code == 404


def test_the_create_and_management_pages_spell_mappa_as_practitioners_do(force: Any, client_for: Any) -> None:
    from tests.offenders.factories import make_offender

    client = client_for(force.user("offender-manager"))
    o = make_offender(force)
    for url in ("/offenders/new/", f"/offenders/{o.pk}/management/"):
        page = client.get(url).content.decode()
        assert "MAPPA category" in page and "MAPPA level" in page and "Mappa" not in page
