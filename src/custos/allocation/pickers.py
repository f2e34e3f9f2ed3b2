"""Who may be chosen in the allocation forms: for the forms, and for their suggestions (see
custos.workforce.picker)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from custos.allocation import access, inputs
from custos.core.access import not_found, scope_of
from custos.workforce.models import Person
from custos.workforce.picker import Choosable, people_source

CONFLICT_OFFICER = "allocation.conflict-officer"
OVERRIDE_OFFICER = "allocation.override-officer"


def conflict_officers(actor: Any) -> Choosable:
    """Active officers ``actor`` may declare a conflict of interest for (their own, or their team's)."""
    people = Person.objects.filter(access.declarable_officers_q(scope_of(actor)), active=True)
    return Choosable(people.order_by("last_name", "first_name"), CONFLICT_OFFICER)


def override_officers(crime: Any) -> Choosable:
    """The investigators a supervisor may place ``crime`` with instead of the engine's choice."""
    people = Person.objects.filter(inputs.investigator_q(crime.borough))
    return Choosable(people.order_by("last_name", "first_name"), OVERRIDE_OFFICER, crime.pk)


@people_source(CONFLICT_OFFICER)
def _conflict_officers(actor: Any, key: int | None) -> QuerySet[Person]:
    if key is not None or not scope_of(actor).sees_personal_data:  # the conflicts page's own rule
        raise not_found()
    return conflict_officers(actor).people


@people_source(OVERRIDE_OFFICER)
def _override_officers(actor: Any, key: int | None) -> QuerySet[Person]:
    from custos.allocation.services import can_override
    from custos.crimes.selectors import crime_get

    if key is None:
        raise not_found()
    crime = crime_get(actor=actor, pk=key)  # the override page's own checks, in its order
    if not can_override(actor, crime.borough_id):
        raise not_found()
    return override_officers(crime).people
