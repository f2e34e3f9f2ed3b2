from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from custos.core.policy import Policy, current_policy
from custos.crimes.offences import MODIFIERS, UnknownOffence, catalogue
from custos.crimes.rules import TIERS, UnknownModifier, crime_tier, tiering_modifiers


@pytest.mark.parametrize(
    ("example", "offence", "modifiers", "tier", "pip", "specialism"),
    [
        ("§8 #2 s18 wounding with intent", "gbh-s18", [], "T2", 2, None),
        ("§8 #3 adult sexual assault: specialist PIP2", "sexual-assault", [], "T2", 2, "rasso"),
        ("§8 #7 commercial robbery, 4 lines of enquiry", "robbery-commercial", [], "T2", 2, None),
        ("IIOC goes to the OCSAE strand", "iioc-possession", [], "T2", 2, "ocsae"),
        ("single unaggravated domestic burglary", "burglary-residential", [], "T1", 1, None),
        ("domestic burglary with a weapon", "burglary-residential", ["weapon"], "T2", 2, None),
        (
            "street robbery, weapon and injury",
            "robbery-personal",
            ["weapon", "serious-injury"],
            "T3",
            3,
            None,
        ),
        ("threat to life takes T2 to T3", "robbery-commercial", ["threat-to-life"], "T3", 3, None),
        ("threat to life raises T1 to at least T3", "common-assault", ["threat-to-life"], "T3", 3, None),
        (
            "modifier steps alone stop at T3",
            "shoplifting",
            ["weapon", "high-risk", "linked-series"],
            "T3",
            3,
            None,
        ),
        ("critical incident is T4", "homicide", ["critical-incident"], "T4", 4, None),
        ("homicide is major crime", "homicide", [], "T3", 3, None),
        (
            "child victim sends volume crime to a specialist",
            "theft-other",
            ["child-or-vulnerable-victim"],
            "T2",
            2,
            "safeguarding",
        ),
        (
            "a child offence keeps its own strand",
            "rape-child-under-13",
            ["child-or-vulnerable-victim"],
            "T2",
            2,
            "child-abuse",
        ),
        ("armed robbery is not counted armed twice", "robbery-armed", ["weapon"], "T2", 2, None),
    ],
)
def test_tier_follows_the_matrix_and_modifiers(
    policy: Policy,
    example: str,
    offence: str,
    modifiers: list[str],
    tier: str,
    pip: int,
    specialism: str | None,
) -> None:
    decision = crime_tier(offence, modifiers, policy=policy)
    assert (decision.tier, decision.required_pip, decision.specialism) == (tier, pip, specialism), example


def test_every_step_has_a_reason(policy: Policy) -> None:
    decision = crime_tier("burglary-residential", ["weapon", "two-or-more-suspects"], policy=policy)
    assert len(decision.basis) == 4  # default, two modifiers, PIP
    assert "default tier T1" in decision.basis[0]
    assert "crimes.tiering.default_tier.burglary-residential" in decision.basis[0]
    assert "weapon" in decision.basis[1]
    assert "T1 -> T2" in decision.basis[1]
    assert "two-or-more-suspects" in decision.basis[2]
    assert "T2 -> T3" in decision.basis[2]
    assert "requires PIP3" in decision.basis[3]
    assert decision.policy_version == policy.version


def test_an_implied_modifier_is_recorded_but_not_counted(policy: Policy) -> None:
    decision = crime_tier("robbery-commercial", ["commercial-victim"], policy=policy)
    assert decision.tier == "T2"
    assert decision.modifiers_applied == ()
    assert any("not counted again" in line for line in decision.basis)


def test_the_same_facts_give_the_same_answer_whatever_the_order(policy: Policy) -> None:
    one = crime_tier("abh-s47", ["high-risk", "weapon"], policy=policy)
    two = crime_tier("abh-s47", ["weapon", "high-risk", "weapon"], policy=policy)
    assert one == two


def test_a_force_can_move_an_offence_in_the_matrix(policy: Policy) -> None:
    changed = policy.with_overrides({"crimes.tiering.default_tier.burglary-residential": "T2"})
    decision = crime_tier("burglary-residential", [], policy=changed)
    assert decision.tier == "T2"
    assert decision.policy_version.endswith("+whatif")


def test_an_unknown_modifier_lists_the_valid_names(policy: Policy) -> None:
    with pytest.raises(UnknownModifier) as caught:
        crime_tier("shoplifting", ["knife"], policy=policy)
    assert "weapon" in str(caught.value)
    assert "threat-to-life" in str(caught.value)


def test_an_unknown_offence_is_refused(policy: Policy) -> None:
    with pytest.raises(UnknownOffence):
        crime_tier("jaywalking", [], policy=policy)


@pytest.mark.parametrize(("lines", "many"), [(5, False), (6, True)])
def test_more_than_five_lines_of_enquiry_is_a_modifier(policy: Policy, lines: int, many: bool) -> None:
    assert ("many-lines-of-enquiry" in tiering_modifiers(lines_of_enquiry=lines, policy=policy)) is many


@pytest.mark.parametrize(("suspects", "expected"), [(1, False), (2, True)])
def test_two_or_more_suspects_is_a_modifier(policy: Policy, suspects: int, expected: bool) -> None:
    assert ("two-or-more-suspects" in tiering_modifiers(suspects=suspects, policy=policy)) is expected


MODIFIER_SETS = st.sets(st.sampled_from(list(MODIFIERS)))


@given(st.sampled_from(sorted(catalogue())), MODIFIER_SETS, st.sampled_from(list(MODIFIERS)))
def test_adding_a_modifier_never_lowers_the_tier(offence: str, modifiers: set[str], extra: str) -> None:
    policy = current_policy()
    before = crime_tier(offence, modifiers, policy=policy)
    after = crime_tier(offence, modifiers | {extra}, policy=policy)
    assert TIERS.index(after.tier) >= TIERS.index(before.tier)
    assert after.required_pip >= before.required_pip
    assert TIERS.index(after.tier) >= TIERS.index(policy.get(f"crimes.tiering.default_tier.{offence}"))


@given(st.sampled_from(sorted(catalogue())), MODIFIER_SETS)
def test_only_critical_incident_reaches_t4(offence: str, modifiers: set[str]) -> None:
    decision = crime_tier(offence, modifiers - {"critical-incident"}, policy=current_policy())
    assert decision.tier != "T4"
