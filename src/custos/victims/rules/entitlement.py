"""Enhanced entitlement under the Victims' Code: who is a victim, and which enhanced categories apply.

Reference §4 [S CASNS, GOV-SERIOUS, NOTTS-ENH, NOTTS-VI; YJCEA 1999 ss.16-17]. A victim can fall into
several categories; the result lists every one with its reason. The category sets and the
persistently-targeted threshold are policy (``[victims]``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from custos.core.policy import Policy
from custos.crimes.offences import offence

CATEGORIES = ("most-serious-crime", "persistently-targeted", "vulnerable", "intimidated")
VICTIM_KINDS = ("person", "business")
CRIME_FLAGS = (
    "domestic-abuse",
    "hate",
    "sexual",
    "trafficking",
    "terrorism",
    "stalking",
    "harassment",
    "attempted-murder",
    "kidnap",
    "arson-endanger-life",
    "gbh-with-intent",
    "homicide",
)
FLAG_WORDS = {
    "domestic-abuse": "domestic abuse",
    "hate": "hate crime",
    "sexual": "a sexual offence",
    "trafficking": "human trafficking",
    "terrorism": "terrorism",
    "stalking": "stalking",
    "harassment": "harassment",
    "attempted-murder": "attempted murder",
    "kidnap": "kidnap or false imprisonment",
    "arson-endanger-life": "arson with intent to endanger life",
    "gbh-with-intent": "wounding or GBH with intent",
    "homicide": "homicide (the victim is a bereaved close relative)",
}

BUSINESS_WITHOUT_CONTACT = (
    "no Victims' Code services: a business counts as a victim only with a named contact (Victims' Code)"
)
UNKNOWN_KIND = "victim kind must be person or business, got {kind!r}"
UNKNOWN_FLAGS = "unknown crime flags {flags}; valid flags: {valid}"
NEGATIVE = "{field} must be zero or more, got {value}"


@dataclass(frozen=True)
class VictimFacts:
    kind: str = "person"
    age: int | None = None
    named_contact: bool = False
    bereaved_relative: bool = False
    mental_disorder: bool = False
    impairment: bool = False
    physical_disability: bool = False
    fear_or_distress: bool = False


@dataclass(frozen=True)
class Entitlement:
    services: bool
    enhanced: bool
    categories: tuple[str, ...]
    reasons: tuple[str, ...]
    flags: tuple[str, ...]  # the crime flags used: recorded ones plus those that follow from the offence
    policy_version: str


def enhanced_entitlement(
    victim: VictimFacts,
    *,
    offence_key: str,
    flags: Iterable[str] = (),
    prior_crimes_12_months: int = 0,
    policy: Policy,
) -> Entitlement:
    """Whether the Code applies, whether the victim is enhanced, and every category with its reason."""
    if victim.kind not in VICTIM_KINDS:
        raise ValueError(UNKNOWN_KIND.format(kind=victim.kind))
    recorded = set(flags)
    if recorded - set(CRIME_FLAGS):
        raise ValueError(
            UNKNOWN_FLAGS.format(flags=sorted(recorded - set(CRIME_FLAGS)), valid=", ".join(CRIME_FLAGS))
        )
    if prior_crimes_12_months < 0:
        raise ValueError(NEGATIVE.format(field="prior crimes", value=prior_crimes_12_months))
    if victim.age is not None and victim.age < 0:
        raise ValueError(NEGATIVE.format(field="age", value=victim.age))
    found = offence(offence_key)
    used = tuple(f for f in CRIME_FLAGS if f in recorded or f in found.flags)
    if victim.kind == "business" and not victim.named_contact:
        return Entitlement(False, False, (), (BUSINESS_WITHOUT_CONTACT,), used, policy.version)
    if victim.kind == "business" and not policy.get("victims.enhanced_for_businesses"):
        reason = (
            "business with a named contact: Code services apply; enhanced rights are for individuals "
            f"[{policy.basis('victims.enhanced_for_businesses')}]"
        )
        return Entitlement(True, False, (), (reason,), used, policy.version)
    reasons: list[str] = []
    categories: list[str] = []
    for category, found_reasons in (
        ("most-serious-crime", _most_serious(victim, used, policy)),
        ("persistently-targeted", _persistently_targeted(used, prior_crimes_12_months, policy)),
        ("vulnerable", _vulnerable(victim, policy)),
        ("intimidated", _intimidated(victim, used, policy)),
    ):
        if found_reasons:
            categories.append(category)
            reasons.extend(f"{category}: {r}" for r in found_reasons)
    if not categories:
        reasons.append("no enhanced category applies: standard entitlement under the Victims' Code")
    return Entitlement(True, bool(categories), tuple(categories), tuple(reasons), used, policy.version)


def _most_serious(victim: VictimFacts, flags: tuple[str, ...], policy: Policy) -> list[str]:
    key = "victims.most_serious_crime_flags"
    listed = set(policy.get(key))
    reasons = []
    if victim.bereaved_relative:
        reasons.append("bereaved close relative of a person killed by a criminal offence (Victims' Code)")
    reasons.extend(f"victim of {FLAG_WORDS[f]} [{policy.basis(key)}]" for f in flags if f in listed)
    return reasons


def _persistently_targeted(flags: tuple[str, ...], prior: int, policy: Policy) -> list[str]:
    reasons: list[str] = []
    flag_key = "victims.persistently_targeted_flags"
    reasons.extend(
        f"{FLAG_WORDS[f]}: a course of conduct [{policy.basis(flag_key)}]"
        for f in flags
        if f in set(policy.get(flag_key))
    )
    minimum = int(policy.get("victims.persistently_targeted_min_crimes"))
    window = int(policy.get("victims.persistently_targeted_window_months"))
    counts_current = bool(policy.get("victims.persistently_targeted_includes_current_crime"))
    total = prior + 1 if counts_current else prior
    if total >= minimum:
        described = (
            f"{prior} earlier crime(s) and this one" if counts_current else f"{prior} earlier crime(s)"
        )
        reasons.append(
            f"{described} against the same victim in {window} months, at least {minimum} "
            f"[{policy.basis('victims.persistently_targeted_min_crimes')}]"
        )
    return reasons


def _vulnerable(victim: VictimFacts, policy: Policy) -> list[str]:
    if victim.kind != "person":
        return []
    key = "victims.vulnerable_under_age"
    under = int(policy.get(key))
    reasons = []
    if victim.age is not None and victim.age < under:
        reasons.append(f"aged {victim.age}, under {under}: automatically vulnerable (YJCEA 1999 s.16(1)(a))")
    if victim.mental_disorder:
        reasons.append("mental disorder within the Mental Health Act 1983 (YJCEA 1999 s.16(2)(a)(i))")
    if victim.impairment:
        reasons.append(
            "significant impairment of intelligence and social functioning (YJCEA 1999 s.16(2)(a)(ii))"
        )
    if victim.physical_disability:
        reasons.append("physical disability or disorder (YJCEA 1999 s.16(2)(b))")
    return reasons


def _intimidated(victim: VictimFacts, flags: tuple[str, ...], policy: Policy) -> list[str]:
    key = "victims.intimidated_automatic_flags"
    automatic = set(policy.get(key))
    reasons = [
        f"victim of {FLAG_WORDS[f]}: automatically intimidated (Victims' Code) [{policy.basis(key)}]"
        for f in flags
        if f in automatic
    ]
    if victim.fear_or_distress:
        reasons.append(
            "fear or distress about testifying likely to affect their evidence (YJCEA 1999 s.17(1))"
        )
    return reasons
