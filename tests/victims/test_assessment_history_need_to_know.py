"""The needs-assessment history on a victim's page names only the crimes its reader may open: a victim of
crimes in two boroughs is seen by each borough's staff, and an assessment caused by the other borough's crime
says that a crime changed without giving its reference."""

from __future__ import annotations

from typing import Any

from custos.victims import services
from custos.victims.selectors import HIDDEN_CRIME
from tests.crimes.factories import make_crime
from tests.victims.helpers import add_victim, crime_in_a


def test_an_assessment_caused_by_a_crime_the_reader_cannot_open_does_not_name_it(
    force: Any, client_for: Any
) -> None:
    own = crime_in_a(force)
    victim = add_victim(force, own, first_name="Twoboroughs")
    elsewhere = make_crime(
        borough=force.boroughs["B"], team=force.teams["cid@B"], officer=force.people["investigator@B"]
    )
    services.victim_link_crime(actor=force.user("administrator"), victim=victim, crime=elsewhere)
    assert victim.assessments.filter(reason=f"new crime {elsewhere.reference}").exists()

    page = client_for(force.user("victim-care-officer", "A")).get(f"/victims/{victim.pk}/").content.decode()
    assert "Twoboroughs" in page and own.reference in page
    assert elsewhere.reference not in page
    assert f"new crime {HIDDEN_CRIME}" in page

    page_b = client_for(force.user("victim-care-officer", "B")).get(f"/victims/{victim.pk}/").content.decode()
    assert f"new crime {elsewhere.reference}" in page_b
