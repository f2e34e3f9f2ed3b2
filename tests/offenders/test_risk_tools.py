"""RM2000 /S, /V and /C (worked example 10), ARMS review timing and RoSH levels."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from custos.core.policy import Policy, current_policy
from custos.offenders.rules import (
    OutOfScope,
    RiskLevel,
    arms_next_review,
    rm2000_c,
    rm2000_s,
    rm2000_v,
    rosh_definition,
)
from custos.offenders.rules.risk import LEVEL_ORDER, NO_OFFENCE_AFTER_16, NO_SEXUAL_CONVICTION, NOT_MALE


@pytest.mark.parametrize(
    ("factors", "category"),
    [
        ({}, RiskLevel.HIGH),
        ({"male_victim": True}, RiskLevel.HIGH),
        ({"male_victim": True, "stranger_victim": True}, RiskLevel.VERY_HIGH),
        (
            {"male_victim": True, "stranger_victim": True, "non_contact": True, "single": True},
            RiskLevel.VERY_HIGH,
        ),
    ],
)
def test_worked_example_10(factors: dict[str, bool], category: RiskLevel, policy: Policy) -> None:
    result = rm2000_s(age=22, sexual_appearances=2, criminal_appearances=6, policy=policy, **factors)
    assert result.step1_points == 4
    assert result.step1_category is RiskLevel.HIGH
    assert len(result.aggravating_factors) == len(factors)
    assert result.category is category
    assert result.policy_version == policy.version


@pytest.mark.parametrize(
    ("age", "sexual", "criminal", "n_factors", "step1", "final"),
    [
        (40, 1, 1, 0, RiskLevel.LOW, RiskLevel.LOW),
        (40, 1, 1, 2, RiskLevel.LOW, RiskLevel.MEDIUM),
        (40, 1, 1, 3, RiskLevel.LOW, RiskLevel.MEDIUM),
        (40, 1, 1, 4, RiskLevel.LOW, RiskLevel.HIGH),
        (30, 2, 2, 4, RiskLevel.MEDIUM, RiskLevel.VERY_HIGH),
        (20, 5, 5, 0, RiskLevel.VERY_HIGH, RiskLevel.VERY_HIGH),
    ],
)
def test_step_2_raises_one_or_two_categories(
    age: int, sexual: int, criminal: int, n_factors: int, step1: RiskLevel, final: RiskLevel, policy: Policy
) -> None:
    names = ["male_victim", "stranger_victim", "non_contact", "single"][:n_factors]
    result = rm2000_s(
        age=age,
        sexual_appearances=sexual,
        criminal_appearances=criminal,
        policy=policy,
        **dict.fromkeys(names, True),
    )
    assert (result.step1_category, result.category) == (step1, final)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"male": False}, NOT_MALE),
        ({"age": 17}, "aged 18 or over"),
        ({"sexual_appearances": 0}, NO_SEXUAL_CONVICTION),
        ({"offence_after_16": False}, NO_OFFENCE_AFTER_16),
    ],
)
def test_out_of_scope_is_refused_clearly(kwargs: dict[str, object], message: str, policy: Policy) -> None:
    args: dict[str, object] = {"age": 30, "sexual_appearances": 1, "criminal_appearances": 1} | kwargs
    with pytest.raises(OutOfScope, match=message):
        rm2000_s(policy=policy, **args)  # type: ignore[arg-type]


def test_fewer_criminal_than_sexual_appearances_is_refused(policy: Policy) -> None:
    with pytest.raises(ValueError, match="cannot be fewer"):
        rm2000_s(age=30, sexual_appearances=3, criminal_appearances=2, policy=policy)


def test_rm2000_v_scores_age_violence_and_burglary(policy: Policy) -> None:
    result = rm2000_v(age=22, violent_appearances=2, burglary=True, policy=policy)
    assert result.step1_points == 3 + 2 + 2
    assert result.category is RiskLevel.VERY_HIGH
    assert rm2000_v(age=50, violent_appearances=0, burglary=False, policy=policy).category is RiskLevel.LOW


def test_rm2000_c_combines_the_s_and_v_categories(policy: Policy) -> None:
    s = rm2000_s(
        age=22,
        sexual_appearances=2,
        criminal_appearances=6,
        male_victim=True,
        stranger_victim=True,
        policy=policy,
    )
    v = rm2000_v(age=22, violent_appearances=1, burglary=False, policy=policy)
    c = rm2000_c(s, v, policy=policy)
    assert (s.category, v.category) == (RiskLevel.VERY_HIGH, RiskLevel.HIGH)
    assert c.step1_points == 7
    assert c.category is RiskLevel.VERY_HIGH


def test_points_tables_come_from_policy() -> None:
    base = current_policy()
    table = dict(base.get("offenders.risk.rm2000_s"))
    table["criminal_appearance_points"] = [[0, 9, 0], [10, 999, 1]]
    changed = base.with_overrides({"offenders.risk.rm2000_s": table})
    result = rm2000_s(age=22, sexual_appearances=2, criminal_appearances=6, policy=changed)
    assert result.step1_points == 3
    assert result.policy_version == changed.version


@given(
    age=st.integers(min_value=18, max_value=90),
    sexual=st.integers(min_value=1, max_value=12),
    other=st.integers(min_value=0, max_value=30),
    flags=st.lists(st.booleans(), min_size=4, max_size=4),
)
def test_final_category_is_never_below_step_1(age: int, sexual: int, other: int, flags: list[bool]) -> None:
    result = rm2000_s(
        age=age,
        sexual_appearances=sexual,
        criminal_appearances=sexual + other,
        male_victim=flags[0],
        stranger_victim=flags[1],
        non_contact=flags[2],
        single=flags[3],
        policy=current_policy(),
    )
    assert LEVEL_ORDER.index(result.category) >= LEVEL_ORDER.index(result.step1_category)
    assert LEVEL_ORDER.index(result.category) - LEVEL_ORDER.index(result.step1_category) <= 2


def test_arms_is_reviewed_within_policy_months_or_sooner_on_change(policy: Policy) -> None:
    assert arms_next_review(date(2024, 1, 31), policy=policy).due == date(2025, 1, 31)
    sooner = arms_next_review(date(2024, 1, 31), significant_change_on=date(2024, 6, 1), policy=policy)
    assert sooner.due == date(2024, 6, 1)
    assert "significant change" in sooner.basis


def test_every_rosh_level_has_a_definition() -> None:
    assert "imminent" in rosh_definition("very-high")
    assert all(rosh_definition(level) for level in RiskLevel)
