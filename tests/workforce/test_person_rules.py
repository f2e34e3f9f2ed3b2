"""Workforce validation as a table: the messages the form, the API and the CLI all show."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from custos.workforce import rules
from custos.workforce.rules import PersonFacts, person_problems

TODAY = date(2026, 11, 25)
VALID = PersonFacts(
    rank="detective-constable",
    start_date=date(2015, 1, 1),
    probationer=False,
    pip_level=2,
    pip_accredited_on=date(2017, 3, 1),
    visor_authorised=False,
    visor_trained_on=None,
    visor_training_expires=None,
    workload_training_on=None,
    workload_training_expires=None,
    hours_per_week=40.0,
    borough_id=1,
    team_borough_id=1,
    supervisor_rank="detective-sergeant",
)

CASES = [
    ("valid", {}, None, None),
    (
        "supervisor of the same rank",
        {"supervisor_rank": "detective-constable"},
        "line_supervisor",
        "must outrank",
    ),
    (
        "DS supervising a DS",
        {"rank": "detective-sergeant", "supervisor_rank": "sergeant"},
        "line_supervisor",
        "must outrank",
    ),
    (
        "staff band C supervising a PC",
        {"rank": "constable", "pip_level": 1, "supervisor_rank": "staff-band-c"},
        None,
        None,
    ),
    ("own supervisor", {"is_own_supervisor": True}, "line_supervisor", rules.SUPERVISOR_NOT_SELF),
    ("cycle", {"supervisor_chain_contains_self": True}, "line_supervisor", rules.SUPERVISOR_CYCLE),
    (
        "PIP2 without a date",
        {"pip_accredited_on": None},
        "pip_accredited_on",
        "PIP2 needs an accreditation date.",
    ),
    ("PIP3 without a date", {"pip_level": 3, "pip_accredited_on": None}, "pip_accredited_on", "PIP3 needs"),
    ("PIP1 without a date is fine", {"pip_level": 1, "pip_accredited_on": None}, None, None),
    (
        "accreditation in the future",
        {"pip_accredited_on": date(2027, 1, 1)},
        "pip_accredited_on",
        rules.PIP_DATE_IN_FUTURE,
    ),
    ("date but no level", {"pip_level": 0}, "pip_accredited_on", rules.PIP_DATE_WITHOUT_LEVEL),
    (
        "ViSOR without training",
        {"visor_authorised": True},
        "visor_training_expires",
        rules.VISOR_NEEDS_TRAINING,
    ),
    (
        "ViSOR expiry before training",
        {
            "visor_authorised": True,
            "visor_trained_on": date(2026, 1, 1),
            "visor_training_expires": date(2025, 1, 1),
        },
        "visor_training_expires",
        rules.VISOR_EXPIRY_BEFORE_TRAINING,
    ),
    (
        "staff cannot be probationers",
        {
            "rank": "staff-band-d",
            "pip_level": 0,
            "pip_accredited_on": None,
            "probationer": True,
            "supervisor_rank": "staff-band-c",
        },
        "probationer",
        rules.PROBATIONER_NOT_OFFICER,
    ),
    ("team in another borough", {"team_borough_id": 2}, "team", rules.TEAM_OTHER_BOROUGH),
    ("zero hours", {"hours_per_week": 0}, "hours_per_week", rules.HOURS_RANGE),
    ("61 hours", {"hours_per_week": 61}, "hours_per_week", rules.HOURS_RANGE),
    ("start date in the future", {"start_date": date(2027, 1, 1)}, "start_date", rules.START_IN_FUTURE),
]


@pytest.mark.parametrize(("name", "changes", "field", "message"), CASES, ids=[c[0] for c in CASES])
def test_person_validation(name: str, changes: dict, field: str | None, message: str | None) -> None:
    problems = person_problems(replace(VALID, **changes), today=TODAY)
    if field is None:
        assert problems == {}
    else:
        assert field in problems, problems
        assert any(message in m for m in problems[field])


def test_training_expiry_shows_only_inside_the_warning_window() -> None:
    assert (
        rules.training_expiry("visor", "ViSOR", date(2027, 1, 1), today=TODAY, warn_days=30, basis="b")
        is None
    )
    soon = rules.training_expiry("visor", "ViSOR", date(2026, 12, 10), today=TODAY, warn_days=30, basis="b")
    assert soon is not None and soon.days_left == 15 and not soon.expired
    gone = rules.training_expiry("visor", "ViSOR", date(2026, 11, 24), today=TODAY, warn_days=30, basis="b")
    assert gone is not None and gone.expired
