"""Demo victims: deterministic, a realistic share enhanced, and inherited unrecognised cases to surface."""

from __future__ import annotations

from typing import Any

import pytest
from django.db.models import F

from custos.victims.demo import seed_part
from custos.victims.models import Obligation, VictimCrime
from tests.crimes.factories import make_crime

pytestmark = pytest.mark.django_db

OFFENCES = [
    "theft-other",
    "burglary-residential",
    "abh-s47",
    "sexual-assault",
    "shoplifting",
    "criminal-damage-other",
]


def test_demo_victims_for_seeded_crimes(force: Any) -> None:
    for i in range(60):
        make_crime(
            borough=force.boroughs["A"],
            team=force.teams["cid@A"],
            offence=OFFENCES[i % len(OFFENCES)],
            officer=force.people["investigator@A"],
            recorded_days_ago=90 + i,
            domestic_abuse=i % 9 == 0,
        )
    rows = seed_part(scale="demo", seed=7, progress=False)
    links = VictimCrime.objects.all()
    assert rows > links.count() >= 60
    enhanced = links.filter(enhanced=True).count()
    assert 0.1 <= enhanced / links.count() <= 0.7
    assert links.filter(inherited=True, enhanced=True, recognised_enhanced=False).exists()
    assert (
        Obligation.objects.filter(status="due", due_on__isnull=False).exclude(key="regular-update").exists()
    )
    assert Obligation.objects.filter(status="met", met_on__gt=F("due_on")).exists()
