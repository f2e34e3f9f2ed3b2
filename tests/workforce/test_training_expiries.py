"""Which training and accreditations are listed as expiring: the general warning window decides, for
every kind, and each one names that window as its basis."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from custos.core.policy import current_policy
from custos.workforce.models import Accreditation, Borough, Person
from custos.workforce.selectors import training_expiries


@pytest.mark.parametrize(
    ("general", "visor", "listed"),
    [(30, 30, True), (10, 30, False), (30, 10, True)],
)
def test_an_accreditation_is_listed_within_the_general_window_not_the_visor_one(
    make_person: Any, policy_file: Any, general: int, visor: int, listed: bool
) -> None:
    today = date.today()
    policy_file(training_warn_days=general, visor_training_warn_days=visor)
    examiner = make_person(rank="constable", borough=Borough.objects.create(code="DF", name="Lab borough"))
    Accreditation.objects.create(
        person=examiner,
        specialism="digital-forensics",
        accredited_on=today - timedelta(days=700),
        expires_on=today + timedelta(days=20),
    )

    found = training_expiries(people=Person.objects.filter(pk=examiner.pk), today=today)

    assert [pe.expiry.kind for pe in found] == (["accreditation:digital-forensics"] if listed else [])
    if listed:
        assert found[0].expiry.basis == f"policy workforce.training_warn_days (v{current_policy().version})"
        assert found[0].expiry.days_left == 20
