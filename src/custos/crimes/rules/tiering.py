"""Tiering: the default tier of an offence from the policy matrix, then escalation modifiers.

Reference §1 (allocation matrix and escalation modifiers are design proposals [D], so every number and
every offence-to-tier entry is policy: ``[crimes.tiering]``). The answer carries a reason for every step so
that an officer, a supervisor and the allocation engine all see why a crime sits where it does.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from custos.core.policy import Policy, PolicyError
from custos.crimes.offences import MODIFIERS, offence

TIERS = ("T1", "T2", "T3", "T4")

UNKNOWN_MODIFIER = "unknown modifier {name!r}; valid modifiers: {valid}"


class UnknownModifier(ValueError):
    """A modifier name outside the vocabulary. The message lists the valid names."""


@dataclass(frozen=True)
class TierDecision:
    offence_key: str
    tier: str
    required_pip: int
    specialism: str | None
    modifiers_applied: tuple[str, ...]
    basis: tuple[str, ...]
    policy_version: str


def _tier_index(tier: str, key: str) -> int:
    if tier not in TIERS:
        raise PolicyError(f"policy {key} must be one of {', '.join(TIERS)}, got {tier!r}")
    return TIERS.index(tier)


def _ordered_modifiers(modifiers: Iterable[str]) -> list[str]:
    wanted = set()
    for name in modifiers:
        if name not in MODIFIERS:
            raise UnknownModifier(UNKNOWN_MODIFIER.format(name=name, valid=", ".join(MODIFIERS)))
        wanted.add(name)
    # Catalogue order, not the caller's, so that the same facts always give the same basis.
    return [m for m in MODIFIERS if m in wanted]


def crime_tier(offence_key: str, modifiers: Iterable[str] = (), *, policy: Policy) -> TierDecision:
    """The tier, required PIP level and specialism for a crime, with the reason for every step.

    Each modifier adds its policy ``step`` (modifier steps alone never pass ``max_tier_by_steps``), then
    raises the tier to its ``floor`` if it has one; a modifier already implied by the offence (an armed
    robbery is already weapon-enabled) is recorded but not counted twice.
    """
    found = offence(offence_key)
    ordered = _ordered_modifiers(modifiers)
    matrix_key = f"crimes.tiering.default_tier.{offence_key}"
    default = policy.get(matrix_key)
    level = _tier_index(default, matrix_key)
    cap_key = "crimes.tiering.max_tier_by_steps"
    cap = _tier_index(policy.get(cap_key), cap_key)
    basis = [
        f"{offence_key} (Home Office {found.ho_code}, {found.description}): default tier {default} "
        f"[{policy.basis(matrix_key)}]"
    ]
    specialism = found.specialism
    if specialism:
        basis.append(f"offence belongs to the {specialism} specialist strand [offence catalogue]")
    applied: list[str] = []
    for name in ordered:
        if name in found.implies:
            basis.append(f"{name}: already reflected in the default tier of {offence_key}; not counted again")
            continue
        level, specialism = _apply_modifier(name, level, cap, specialism, policy, basis)
        applied.append(name)
    tier = TIERS[level]
    pip_key = f"crimes.tiering.required_pip.{tier}"
    required_pip = int(policy.get(pip_key))
    basis.append(f"tier {tier} requires PIP{required_pip} [{policy.basis(pip_key)}]")
    return TierDecision(
        offence_key=offence_key,
        tier=tier,
        required_pip=required_pip,
        specialism=specialism,
        modifiers_applied=tuple(applied),
        basis=tuple(basis),
        policy_version=policy.version,
    )


def _apply_modifier(
    name: str, level: int, cap: int, specialism: str | None, policy: Policy, basis: list[str]
) -> tuple[int, str | None]:
    key = f"crimes.tiering.modifiers.{name}"
    rule = policy.get(key)
    cite = policy.basis(key)
    step = int(rule.get("step", 0))
    if step:
        raised = max(level, min(level + step, cap))
        if raised == level:
            basis.append(
                f"{name}: +{step} tier, but {TIERS[level]} is already at or above the most modifier steps "
                f"can reach ({TIERS[cap]}, {policy.basis('crimes.tiering.max_tier_by_steps')}) [{cite}]"
            )
        else:
            capped = " (capped)" if raised < level + step else ""
            basis.append(f"{name}: +{step} tier, {TIERS[level]} -> {TIERS[raised]}{capped} [{cite}]")
        level = raised
    floor = rule.get("floor")
    if floor is not None:
        floor_level = _tier_index(floor, f"{key}.floor")
        if floor_level > level:
            basis.append(f"{name}: at least {floor}, {TIERS[level]} -> {floor} [{cite}]")
            level = floor_level
        elif not step:
            basis.append(f"{name}: at least {floor}, already {TIERS[level]} [{cite}]")
    if rule.get("specialist"):
        if specialism is None:
            spec_key = "crimes.tiering.vulnerable_victim_specialism"
            specialism = str(policy.get(spec_key))
            basis.append(f"{name}: needs the {specialism} specialist strand [{policy.basis(spec_key)}]")
        else:
            basis.append(f"{name}: stays with the {specialism} specialist strand")
    return level, specialism


def tiering_modifiers(
    *,
    weapon: bool = False,
    serious_injury: bool = False,
    linked_series: bool = False,
    suspects: int = 0,
    commercial_victim: bool = False,
    child_or_vulnerable_victim: bool = False,
    high_risk: bool = False,
    lines_of_enquiry: int = 0,
    threat_to_life: bool = False,
    critical_incident: bool = False,
    policy: Policy,
) -> list[str]:
    """The modifier names that follow from a crime's recorded facts (for the crime record service)."""
    many = int(policy.get("crimes.tiering.many_lines_of_enquiry"))
    facts = {
        "weapon": weapon,
        "serious-injury": serious_injury,
        "linked-series": linked_series,
        "two-or-more-suspects": suspects >= 2,
        "commercial-victim": commercial_victim,
        "child-or-vulnerable-victim": child_or_vulnerable_victim,
        "high-risk": high_risk,
        "many-lines-of-enquiry": lines_of_enquiry > many,
        "threat-to-life": threat_to_life,
        "critical-incident": critical_incident,
    }
    return [name for name in MODIFIERS if facts[name]]
