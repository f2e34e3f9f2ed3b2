"""Home-page panels that list victims' records (overdue updates escalated to me, open Right to Review
requests) are searches of sensitive records: each showing writes an audit event with what was asked and
how many records came back."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from custos.core.models import AuditEvent
from custos.crimes.models import Crime, CrimeStatus
from custos.victims import services
from custos.victims.models import VictimCrime
from tests.victims.helpers import add_victim, crime_in_a

pytestmark = pytest.mark.django_db


def _searches(action: str, user: Any) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action, actor=user, object_type="search", sensitive=True))


def test_the_overdue_updates_panel_is_audited_as_a_search(force: Any, client_for: Any) -> None:
    add_victim(force, crime_in_a(force, reported=date.today() - timedelta(days=40)))
    services.escalate_overdue(date.today())
    user = force.user("investigation-supervisor", "A")
    panels = client_for(user).get("/").context["panels"]
    shown = next(p for p in panels if p.title == "Victim updates overdue")
    [event] = _searches("custos.victim_clock.searched", user)
    assert event.changes["query"]["panel"] == "Victim updates overdue"
    assert event.changes["query"]["escalated_to"] == force.people["investigation-supervisor@A"].pk
    assert event.object_repr == f"{len(shown.items)} results"


def test_the_open_reviews_panel_is_audited_as_a_search(force: Any, client_for: Any) -> None:
    crime = crime_in_a(force, offence="abh-s47", reported=date.today() - timedelta(days=40))
    victim = add_victim(force, crime)
    Crime.objects.filter(pk=crime.pk).update(status=CrimeStatus.FINALISED, outcome=15)
    services.review_request(
        actor=force.user("investigator", "A"),
        link=VictimCrime.objects.select_related("crime").get(victim=victim),
        notified_on=date.today() - timedelta(days=3),
        suspect_interviewed=True,
    )
    user = force.user("detective-inspector", "A")
    client_for(user).get("/")
    [event] = _searches("custos.victim_review.searched", user)
    assert event.changes["query"]["panel"] == "Right to Review requests"
    assert event.changes["query"]["status"] == "open"
    assert event.object_repr == "1 results"


def test_no_panel_listing_no_one_writes_no_search(force: Any, client_for: Any) -> None:
    user = force.user("investigator", "A")
    client_for(user).get("/")
    assert _searches("custos.victim_clock.searched", user) == []
