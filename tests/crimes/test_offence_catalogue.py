from __future__ import annotations

import pytest

from custos.core.policy import Policy
from custos.crimes.offences import POLICE_UK_CATEGORIES, UnknownOffence, catalogue, cchi_table, offence


def test_the_catalogue_holds_a_realistic_range_of_offences() -> None:
    assert 50 <= len(catalogue()) <= 80


@pytest.mark.parametrize(
    "key",
    [
        "burglary-residential",
        "robbery-personal",
        "robbery-commercial",
        "gbh-s18",
        "rape",
        "iioc-possession",
        "iioc-making",
        "shoplifting",
        "homicide",
    ],
)
def test_the_offences_other_apps_name_exist(key: str) -> None:
    assert offence(key).key == key


def test_every_offence_has_a_default_tier_in_policy_and_nothing_else_does(policy: Policy) -> None:
    matrix = policy.get("crimes.tiering.default_tier")
    assert set(matrix) == set(catalogue())
    assert set(matrix.values()) <= {"T1", "T2", "T3", "T4"}


def test_every_offence_falls_in_one_of_the_14_police_uk_categories() -> None:
    assert len(POLICE_UK_CATEGORIES) == 14
    assert {o.police_uk_category for o in catalogue().values()} <= set(POLICE_UK_CATEGORIES)


def test_every_weighted_offence_points_at_a_cchi_row_with_its_source() -> None:
    weights = cchi_table()
    for o in catalogue().values():
        if o.cchi_group is not None:
            assert weights[o.cchi_group].source


@pytest.mark.parametrize(
    ("group", "days"),
    [
        ("homicide", 5475),
        ("rape", 2555),
        ("robbery", 365),
        ("weapons-possession", 273.75),
        ("shoplifting", 1),
    ],
)
def test_cchi_weights_are_the_reference_table(group: str, days: float) -> None:
    assert cchi_table()[group].days == days


def test_sexual_and_trafficking_offences_carry_the_flags_the_victims_code_reads() -> None:
    assert "sexual" in offence("rape").flags
    assert "sexual" in offence("sexual-assault").flags
    assert "trafficking" in offence("modern-slavery").flags
    assert "gbh-with-intent" in offence("gbh-s18").flags


def test_an_unknown_offence_names_the_valid_keys() -> None:
    with pytest.raises(UnknownOffence) as caught:
        offence("burglary-dwelling")
    assert "burglary-residential" in str(caught.value)
