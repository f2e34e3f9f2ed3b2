"""Builders for offender records in Django tests (the `force` fixture supplies the people)."""

from __future__ import annotations

import itertools
from datetime import date, datetime, time
from typing import Any

from django.utils import timezone

_refs = itertools.count(1)


def make_offender(force: Any, borough: str = "A", **kw: Any) -> Any:
    from custos.offenders.models import Offender

    defaults: dict[str, Any] = {
        "reference": f"TST{next(_refs):06d}",
        "first_name": "John",
        "last_name": "Smith",
        "date_of_birth": date(1975, 5, 1),
        "sex": "male",
        "borough": force.boroughs[borough],
        "team": force.teams[f"offender-management@{borough}"],
        "rosh_level": "high",
        "lead_manager": force.people[f"offender-manager@{borough}"],
        "managed_since": date(2020, 1, 1),
    }
    defaults.update(kw)
    return Offender.objects.create(**defaults)


def at(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def add_visit(offender: Any, day: date, outcome: str, **kw: Any) -> Any:
    from custos.offenders.models import Visit

    return Visit.objects.create(
        offender=offender, status="recorded", attempted_at=at(day), outcome=outcome, **kw
    )
