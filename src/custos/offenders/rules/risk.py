"""Risk tools: Risk Matrix 2000 (/S, /V, /C), ARMS review timing and the RoSH levels.

The points tables are policy ([offenders.risk]) because the reference could not confirm them against the
scoring form [M]; the step 2 uplift and the scope are from the scoring guide (Thornton 2007) [S].
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from custos.core.policy import Policy, PolicyError

from .dates import add_months_clamped


class RiskLevel(StrEnum):
    """Spelled as the categories of RM2000 and the RoSH levels in Custos."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    VERY_HIGH = "very-high"


LEVEL_ORDER = (RiskLevel.LOW, RiskLevel.MEDIUM, RiskLevel.HIGH, RiskLevel.VERY_HIGH)

ROSH_DEFINITIONS = {
    RiskLevel.VERY_HIGH: (
        "There is an imminent risk of serious harm: it is more likely than not to happen imminently and the "
        "impact would be serious."
    ),
    RiskLevel.HIGH: (
        "There are identifiable indicators of risk of serious harm: it could happen at any time and the "
        "impact would be serious."
    ),
    RiskLevel.MEDIUM: (
        "There are identifiable indicators of risk of serious harm, but the offender is unlikely to cause "
        "serious harm unless circumstances change (accommodation, relationship, substances)."
    ),
    RiskLevel.LOW: "Current evidence does not indicate a likelihood of causing serious harm.",
}
ROSH_BASIS = "NOMS PC36/2006; MAPPA guidance (risk of serious harm levels)"

RM2000_BASIS = "Thornton, Scoring Guide for Risk Matrix 2000.9/SVC (2007)"
NOT_MALE = "Risk Matrix 2000 does not apply: it is validated only for males"
TOO_YOUNG = "Risk Matrix 2000 does not apply: the offender must be aged {min_age} or over (given {age})"
NO_SEXUAL_CONVICTION = "Risk Matrix 2000 does not apply: there must be a conviction for a sexual offence"
NO_OFFENCE_AFTER_16 = (
    "Risk Matrix 2000 does not apply: at least one sexual offence must have been committed after age 16"
)
FEWER_CRIMINAL_THAN_SEXUAL = (
    "criminal appearances count every sentencing occasion, sexual ones included, so cannot be fewer than the "
    "sexual appearances"
)
NEGATIVE_COUNT = "counts of appearances cannot be negative"
NO_BAND = "policy {key} gives no band for {value}"


class OutOfScope(ValueError):
    """The tool does not apply to this offender; the message says why."""


def check_rm2000_scope(
    *, male: bool, age: int, sexual_appearances: int, offence_after_16: bool, min_age: int
) -> None:
    if not male:
        raise OutOfScope(NOT_MALE)
    if age < min_age:
        raise OutOfScope(TOO_YOUNG.format(min_age=min_age, age=age))
    if sexual_appearances < 1:
        raise OutOfScope(NO_SEXUAL_CONVICTION)
    if not offence_after_16:
        raise OutOfScope(NO_OFFENCE_AFTER_16)


def _band(table: Sequence[Sequence[Any]], value: int, key: str) -> Any:
    for low, high, result in table:
        if int(low) <= value <= int(high):
            return result
    raise PolicyError(NO_BAND.format(key=key, value=value))


def _raise(level: RiskLevel, steps: int) -> RiskLevel:
    return LEVEL_ORDER[min(LEVEL_ORDER.index(level) + steps, len(LEVEL_ORDER) - 1)]


@dataclass(frozen=True)
class RM2000Result:
    scale: str
    step1_points: int
    step1_category: RiskLevel
    aggravating_factors: tuple[str, ...]
    category: RiskLevel
    basis: str
    policy_version: str


def rm2000_s(
    *,
    age: int,
    sexual_appearances: int,
    criminal_appearances: int,
    male_victim: bool = False,
    stranger_victim: bool = False,
    non_contact: bool = False,
    single: bool = False,
    male: bool = True,
    offence_after_16: bool = True,
    policy: Policy,
) -> RM2000Result:
    """RM2000/S: step 1 points to a category, then 2-3 aggravating factors raise it one category and 4 raise
    it two, never above very high (worked example 10)."""
    key = "offenders.risk.rm2000_s"
    table = policy.get(key)
    check_rm2000_scope(
        male=male,
        age=age,
        sexual_appearances=sexual_appearances,
        offence_after_16=offence_after_16,
        min_age=int(table["min_age"]),
    )
    if criminal_appearances < 0:
        raise ValueError(NEGATIVE_COUNT)
    if criminal_appearances < sexual_appearances:
        raise ValueError(FEWER_CRIMINAL_THAN_SEXUAL)
    points = (
        int(_band(table["age_points"], age, key + ".age_points"))
        + int(_band(table["sexual_appearance_points"], sexual_appearances, key + ".sexual_appearance_points"))
        + int(
            _band(
                table["criminal_appearance_points"], criminal_appearances, key + ".criminal_appearance_points"
            )
        )
    )
    step1 = RiskLevel(_band(table["category_bands"], points, key + ".category_bands"))
    factors = tuple(
        name
        for name, present in (
            ("male-victim", male_victim),
            ("stranger-victim", stranger_victim),
            ("non-contact", non_contact),
            ("single", single),
        )
        if present
    )
    uplift = 2 if len(factors) == 4 else 1 if len(factors) >= 2 else 0
    return RM2000Result(
        scale="s",
        step1_points=points,
        step1_category=step1,
        aggravating_factors=factors,
        category=_raise(step1, uplift),
        basis=f"{RM2000_BASIS}: step 1 points, step 2 aggravating factors (2-3 up one category, 4 up two, "
        f"capped at very high); {policy.basis(key)}",
        policy_version=policy.version,
    )


def rm2000_v(
    *,
    age: int,
    violent_appearances: int,
    burglary: bool,
    male: bool = True,
    policy: Policy,
) -> RM2000Result:
    """RM2000/V: age, violent sentencing appearances and any burglary conviction."""
    key = "offenders.risk.rm2000_v"
    table = policy.get(key)
    if not male:
        raise OutOfScope(NOT_MALE)
    if age < int(table["min_age"]):
        raise OutOfScope(TOO_YOUNG.format(min_age=table["min_age"], age=age))
    if violent_appearances < 0:
        raise ValueError(NEGATIVE_COUNT)
    points = (
        int(_band(table["age_points"], age, key + ".age_points"))
        + int(
            _band(table["violent_appearance_points"], violent_appearances, key + ".violent_appearance_points")
        )
        + (int(table["burglary_points"]) if burglary else 0)
    )
    category = RiskLevel(_band(table["category_bands"], points, key + ".category_bands"))
    return RM2000Result(
        scale="v",
        step1_points=points,
        step1_category=category,
        aggravating_factors=(),
        category=category,
        basis=f"{RM2000_BASIS}: RM2000/V; {policy.basis(key)}",
        policy_version=policy.version,
    )


def rm2000_c(s: RM2000Result, v: RM2000Result, *, policy: Policy) -> RM2000Result:
    """RM2000/C combines the final /S and /V categories: points per category summed, then banded."""
    key = "offenders.risk.rm2000_c"
    table = policy.get(key)
    points = int(table["category_points"][s.category.value]) + int(table["category_points"][v.category.value])
    category = RiskLevel(_band(table["category_bands"], points, key + ".category_bands"))
    return RM2000Result(
        scale="c",
        step1_points=points,
        step1_category=category,
        aggravating_factors=(),
        category=category,
        basis=f"{RM2000_BASIS}: RM2000/C from /S {s.category} and /V {v.category}; {policy.basis(key)}",
        policy_version=policy.version,
    )


@dataclass(frozen=True)
class ArmsReview:
    due: date
    basis: str
    policy_version: str


def arms_next_review(
    assessed_on: date, *, significant_change_on: date | None = None, policy: Policy
) -> ArmsReview:
    """Police ARMS is reviewed at most every policy months, and sooner on a significant change."""
    key = "offenders.risk.arms_review_max_months"
    routine = add_months_clamped(assessed_on, int(policy.get(key)))
    if significant_change_on is not None and assessed_on <= significant_change_on < routine:
        return ArmsReview(
            due=significant_change_on,
            basis=f"ARMS review on a significant change (APP; reference 2.3); {policy.basis(key)}",
            policy_version=policy.version,
        )
    return ArmsReview(
        due=routine, basis=f"ARMS periodic review; {policy.basis(key)}", policy_version=policy.version
    )


def rosh_definition(level: RiskLevel | str) -> str:
    """The definition an officer must be able to justify a RoSH level against."""
    return ROSH_DEFINITIONS[RiskLevel(level)]
