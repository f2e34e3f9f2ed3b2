"""Finalising a crime tells its victims: the outcome starts each victim's update clock automatically."""

from __future__ import annotations

from typing import Any

import pytest

from custos.investigations.services import _tell_victims
from custos.victims.models import InvestigationEvent
from tests.victims.helpers import add_victim, crime_in_a


@pytest.mark.parametrize(
    ("outcome", "event"),
    [(1, "charge"), (3, "out-of-court"), (8, "out-of-court"), (16, "nfa"), (18, "nfa"), (20, None)],
)
def test_the_outcome_records_the_matching_victim_event(force: Any, outcome: int, event: str | None) -> None:
    crime = crime_in_a(force)
    add_victim(force, crime)
    from django.utils import timezone

    _tell_victims(crime=crime, outcome=outcome, on=timezone.localdate())
    recorded = list(InvestigationEvent.objects.filter(crime=crime).values_list("event", flat=True))
    assert recorded == ([event] if event else [])
