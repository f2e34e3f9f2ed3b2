from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from custos.core.policy import Policy
from custos.victims.rules import VictimFacts, enhanced_entitlement
from custos.victims.rules.entitlement import BUSINESS_WITHOUT_CONTACT

ADULT = VictimFacts(kind="person", age=35)


@pytest.mark.parametrize(
    ("example", "victim", "offence", "flags", "categories"),
    [
        (
            "§8 #1 domestic burglary victim aged 16",
            VictimFacts(age=16),
            "burglary-residential",
            [],
            ["vulnerable"],
        ),
        ("§8 #2 s18 wounding with intent victim", ADULT, "gbh-s18", [], ["most-serious-crime"]),
        (
            "§8 #3 adult sexual assault victim",
            ADULT,
            "sexual-assault",
            [],
            ["most-serious-crime", "intimidated"],
        ),
        (
            "trafficking is most serious and intimidated",
            ADULT,
            "modern-slavery",
            [],
            ["most-serious-crime", "intimidated"],
        ),
        ("domestic abuse recorded as a flag", ADULT, "abh-s47", ["domestic-abuse"], ["most-serious-crime"]),
        ("stalking is persistent targeting", ADULT, "stalking", [], ["persistently-targeted"]),
        ("standard victim", ADULT, "theft-from-vehicle", [], []),
        (
            "child victim of DA-related assault, afraid",
            VictimFacts(age=12, fear_or_distress=True),
            "abh-s47",
            ["domestic-abuse"],
            ["most-serious-crime", "vulnerable", "intimidated"],
        ),
        (
            "bereaved relative",
            VictimFacts(age=50, bereaved_relative=True),
            "homicide",
            [],
            ["most-serious-crime"],
        ),
    ],
)
def test_worked_examples(
    policy: Policy, example: str, victim: VictimFacts, offence: str, flags: list[str], categories: list[str]
) -> None:
    result = enhanced_entitlement(victim, offence_key=offence, flags=flags, policy=policy)
    assert result.services
    assert list(result.categories) == categories, example
    assert result.enhanced is bool(categories)


def test_every_category_comes_with_its_reason(policy: Policy) -> None:
    victim = VictimFacts(age=16, mental_disorder=True, fear_or_distress=True)
    result = enhanced_entitlement(
        victim, offence_key="rape", flags=["hate"], prior_crimes_12_months=4, policy=policy
    )
    assert result.categories == ("most-serious-crime", "persistently-targeted", "vulnerable", "intimidated")
    for category in result.categories:
        assert any(reason.startswith(f"{category}: ") for reason in result.reasons)
    vulnerable = [r for r in result.reasons if r.startswith("vulnerable: ")]
    assert len(vulnerable) == 2  # under 18, and mental disorder


def test_a_business_without_a_named_contact_gets_no_services_and_is_told_why(policy: Policy) -> None:
    result = enhanced_entitlement(VictimFacts(kind="business"), offence_key="shoplifting", policy=policy)
    assert (result.services, result.enhanced, result.categories) == (False, False, ())
    assert result.reasons == (BUSINESS_WITHOUT_CONTACT,)


def test_a_business_with_a_named_contact_gets_services(policy: Policy) -> None:
    victim = VictimFacts(kind="business", named_contact=True)
    result = enhanced_entitlement(
        victim, offence_key="robbery-commercial", prior_crimes_12_months=5, policy=policy
    )
    assert result.services
    assert not result.enhanced


@pytest.mark.parametrize(("prior", "targeted"), [(0, False), (1, False), (2, True), (5, True)])
def test_three_crimes_in_twelve_months_including_this_one_is_persistent_targeting(
    policy: Policy, prior: int, targeted: bool
) -> None:
    result = enhanced_entitlement(
        ADULT, offence_key="criminal-damage-dwelling", prior_crimes_12_months=prior, policy=policy
    )
    assert ("persistently-targeted" in result.categories) is targeted


def test_whether_this_crime_counts_is_policy(policy: Policy) -> None:
    strict = policy.with_overrides({"victims.persistently_targeted_includes_current_crime": False})
    result = enhanced_entitlement(ADULT, offence_key="theft-other", prior_crimes_12_months=2, policy=strict)
    assert result.categories == ()


@pytest.mark.parametrize("field", ["mental_disorder", "impairment", "physical_disability"])
def test_each_vulnerability_ground_makes_an_adult_vulnerable(policy: Policy, field: str) -> None:
    grounds: dict[str, Any] = {field: True}
    victim = dataclasses.replace(VictimFacts(age=40), **grounds)
    assert enhanced_entitlement(victim, offence_key="theft-other", policy=policy).categories == (
        "vulnerable",
    )


def test_age_18_is_not_automatically_vulnerable(policy: Policy) -> None:
    assert (
        enhanced_entitlement(VictimFacts(age=18), offence_key="theft-other", policy=policy).categories == ()
    )


def test_the_offence_supplies_flags_the_caller_left_out(policy: Policy) -> None:
    result = enhanced_entitlement(ADULT, offence_key="rape", flags=[], policy=policy)
    assert "sexual" in result.flags


def test_unknown_flags_are_refused(policy: Policy) -> None:
    with pytest.raises(ValueError, match="unknown crime flags"):
        enhanced_entitlement(ADULT, offence_key="theft-other", flags=["burglary"], policy=policy)
