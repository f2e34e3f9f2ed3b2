"""Recording a conviction or caution from the record page recalculates the notification period (R6)."""

from __future__ import annotations

from typing import Any

from custos.offenders import services
from custos.offenders.models import Conviction, OffenderTask
from tests.offenders.factories import make_offender


def test_an_officer_records_a_conviction_and_sees_the_period_recalculated(
    force: Any, client_for: Any
) -> None:
    o = make_offender(force)
    client = client_for(force.user("offender-manager"))
    page = client.get(f"/offenders/{o.pk}/").content.decode()
    assert f'href="/offenders/{o.pk}/convictions/new/"' in page
    response = client.post(
        f"/offenders/{o.pk}/convictions/new/",
        {"offence": "Sexual assault (SOA 2003 s.3)", "schedule3": "on", "conviction_date": "2020-01-15",
         "sentence_date": "2020-03-01", "disposal": "imprisonment", "term_months": "24",
         "court": "Snaresbrook Crown Court"},
        follow=True,
    )  # fmt: skip
    body = response.content.decode()
    assert "Conviction or caution recorded" in body
    assert "10 years, last day 2030-01-14" in body  # from the conviction date, not the sentence date
    assert OffenderTask.objects.filter(offender=o, kind="risk-review", status="open").exists()


def test_imprisonment_without_a_term_is_refused_on_the_form_and_nothing_is_saved(
    force: Any, client_for: Any
) -> None:
    o = make_offender(force)
    client = client_for(force.user("offender-manager"))
    response = client.post(
        f"/offenders/{o.pk}/convictions/new/",
        {"offence": "Sexual assault", "schedule3": "on", "conviction_date": "2020-01-15",
         "disposal": "imprisonment"},
    )  # fmt: skip
    assert response.status_code == 200
    assert response.context["form"].errors["term_months"] == [services.CONVICTION_TERM_REQUIRED]
    assert not Conviction.objects.filter(offender=o).exists()
    response = client.post(
        f"/offenders/{o.pk}/convictions/new/",
        {"offence": "Exposure", "schedule3": "on", "conviction_date": "2020-01-15",
         "sentence_date": "2019-12-01", "disposal": "conditional-discharge"},
    )  # fmt: skip
    errors = response.context["form"].errors
    assert errors["discharge_months"] == [services.CONVICTION_DISCHARGE_REQUIRED]
    assert errors["sentence_date"] == [services.SENTENCE_BEFORE_CONVICTION]
    assert not Conviction.objects.filter(offender=o).exists()


def test_an_outsider_cannot_add_a_conviction(force: Any, client_for: Any) -> None:
    o = make_offender(force)
    client = client_for(force.user("offender-manager", "B"))
    response = client.post(
        f"/offenders/{o.pk}/convictions/new/",
        {"offence": "x", "conviction_date": "2020-01-15", "disposal": "caution"},
    )
    assert response.status_code == 404 and not Conviction.objects.filter(offender=o).exists()
