"""The home panel's overdue victim updates: the person's own and their team's, still open, soonest first."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from custos.victims import selectors, services
from custos.victims.models import ClockEscalation
from tests.victims.helpers import add_victim, crime_in_a

pytestmark = pytest.mark.django_db


def test_open_escalations_for_the_officer_and_their_supervisor_soonest_first(force: Any) -> None:
    today = date.today()
    for days in (40, 70):
        add_victim(force, crime_in_a(force, reported=today - timedelta(days=days)))
    services.escalate_overdue(today)
    escalations = list(ClockEscalation.objects.select_related("obligation"))
    assert len(escalations) > 3
    officer = force.people["investigator@A"]
    supervisor_id = escalations[0].supervisor_id
    assert supervisor_id is not None and {e.officer_id for e in escalations} == {officer.pk}

    met = escalations[0]
    services.obligation_update(
        actor=force.user("investigator", "A"),
        obligation=met.obligation,
        status="met",
        evidence="Told",
        on=today,
    )
    still_open = sorted(
        (e for e in escalations if e.pk != met.pk), key=lambda e: (e.obligation.due_on or date.max, e.pk)
    )

    for person_id in (officer.pk, supervisor_id):
        got = selectors.escalations_for(person_id=person_id, limit=3)
        assert [e.pk for e in got] == [e.pk for e in still_open[:3]]
    assert selectors.escalations_for(person_id=force.people["investigator@B"].pk, limit=3) == []
