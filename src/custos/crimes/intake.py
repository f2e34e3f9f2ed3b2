"""Turning intake facts (an API body, a police.uk CSV row) into the values a Crime row stores.

The decisions themselves are the pure rules' (tiering, harm, solvability, THRIVE); this module only
gathers the facts, calls them and reports every problem against the field that caused it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from custos.core.policy import Policy
from custos.crimes.offences import UnknownOffence, catalogue, offence
from custos.crimes.rules import (
    THRIVE_ELEMENTS,
    crime_harm,
    crime_tier,
    solvability_screen,
    thrive_errors,
    tiering_modifiers,
)

# police.uk publishes only the category; intake from a street CSV records the commonest offence of that
# category, which the investigator corrects once the crime is classified (the tier is then recomputed).
CATEGORY_DEFAULT_OFFENCE = {
    "Bicycle theft": "bicycle-theft",
    "Burglary": "burglary-residential",
    "Criminal damage and arson": "criminal-damage-other",
    "Drugs": "drug-possession",
    "Other crime": "handling-stolen-goods",
    "Other theft": "theft-other",
    "Possession of weapons": "possession-blade",
    "Public order": "public-order-s5",
    "Robbery": "robbery-personal",
    "Shoplifting": "shoplifting",
    "Theft from the person": "theft-from-person",
    "Vehicle crime": "theft-from-vehicle",
    "Violence and sexual offences": "common-assault",
}

OFFENCE_DERIVED_FLAGS = ("sexual", "trafficking", "stalking", "harassment")
ENHANCED_FLAGS = (
    "vulnerable_victim",
    "domestic_abuse",
    "hate",
    "child_victim",
    "sexual",
    "trafficking",
    "stalking",
    "harassment",
)
REPORTED_BEFORE_OCCURRED = "the reported date is before the date the crime occurred"
RECORDED_BEFORE_REPORTED = "the recorded date is before the reported date"
RECORDED_BEFORE_OCCURRED = "the recorded date is before the date the crime occurred"
IN_FUTURE = "must not be in the future"
SERIES_NOT_LINKED = "a linked-series crime needs a series id"


@dataclass
class CrimeFacts:
    offence_key: str
    recorded_on: date
    occurred_on: date | None = None
    reported_on: date | None = None
    location: str = ""
    summary: str = ""
    thrive: dict[str, Any] = field(default_factory=dict)
    vulnerable_victim: bool = False
    domestic_abuse: bool = False
    hate: bool = False
    child_victim: bool = False
    weapon: bool = False
    serious_injury: bool = False
    commercial_victim: bool = False
    high_risk: bool = False
    threat_to_life: bool = False
    critical_incident: bool = False
    expected_lines_of_enquiry: int = 0
    solvability_factors: list[str] = field(default_factory=list)
    series_id: str = ""
    suspects: int = 0


def crime_values(
    facts: CrimeFacts, *, today: date, policy: Policy
) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """The Crime field values for these facts, and every problem by field name (empty when valid)."""
    errors: dict[str, list[str]] = {}

    def err(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    try:
        found = offence(facts.offence_key)
    except UnknownOffence:
        err("offence_key", f"unknown offence {facts.offence_key!r}; see custos calc tier --list-offences")
        return {}, errors
    for name in ("recorded_on", "occurred_on", "reported_on"):
        value = getattr(facts, name)
        if value is not None and value > today:
            err(name, IN_FUTURE)
    if facts.occurred_on and facts.reported_on and facts.reported_on < facts.occurred_on:
        err("reported_on", REPORTED_BEFORE_OCCURRED)
    if facts.reported_on and facts.recorded_on < facts.reported_on:
        err("recorded_on", RECORDED_BEFORE_REPORTED)
    elif not facts.reported_on and facts.occurred_on and facts.recorded_on < facts.occurred_on:
        # With a reported date the two checks above already order occurred <= reported <= recorded.
        err("recorded_on", RECORDED_BEFORE_OCCURRED)
    thrive_given = any(str(facts.thrive.get(k) or "").strip() for k in (*THRIVE_ELEMENTS, "response_grade"))
    if thrive_given:
        for message in thrive_errors(facts.thrive, policy=policy):
            err("thrive", message)
    model = "burglary" if found.group == "burglary" else "ebit"
    present = list(dict.fromkeys(facts.solvability_factors))
    screening = None
    if present:
        try:
            screening = solvability_screen(model, present, policy=policy)
        except ValueError as exc:
            err("solvability_factors", str(exc))
    flags = found.flags
    modifiers = tiering_modifiers(
        weapon=facts.weapon,
        serious_injury=facts.serious_injury,
        linked_series=bool(facts.series_id),
        suspects=facts.suspects,
        commercial_victim=facts.commercial_victim,
        child_or_vulnerable_victim=facts.child_victim or facts.vulnerable_victim,
        high_risk=facts.high_risk,
        lines_of_enquiry=facts.expected_lines_of_enquiry,
        threat_to_life=facts.threat_to_life,
        critical_incident=facts.critical_incident,
        policy=policy,
    )
    if errors:
        return {}, errors
    decision = crime_tier(facts.offence_key, modifiers, policy=policy)
    harm = crime_harm({facts.offence_key: 1})
    values: dict[str, Any] = {
        "offence_key": found.key,
        "ho_code": found.ho_code,
        "ho_description": found.description,
        "police_uk_category": found.police_uk_category,
        "recorded_on": facts.recorded_on,
        "occurred_on": facts.occurred_on,
        "reported_on": facts.reported_on,
        "location": facts.location,
        "summary": facts.summary,
        "vulnerable_victim": facts.vulnerable_victim,
        "domestic_abuse": facts.domestic_abuse or "domestic-abuse" in flags,
        "hate": facts.hate or "hate" in flags,
        "child_victim": facts.child_victim or "child" in flags,
        "sexual": "sexual" in flags,
        "trafficking": "trafficking" in flags,
        "stalking": "stalking" in flags,
        "harassment": "harassment" in flags,
        "weapon": facts.weapon,
        "serious_injury": facts.serious_injury,
        "commercial_victim": facts.commercial_victim,
        "high_risk": facts.high_risk,
        "threat_to_life": facts.threat_to_life,
        "critical_incident": facts.critical_incident,
        "expected_lines_of_enquiry": facts.expected_lines_of_enquiry,
        "solvability_model": model if screening else "",
        "solvability_factors": present,
        "solvability_count": screening.count if screening else None,
        "screened_in": screening.screen_in if screening else None,
        "harm_days": harm.total_days if not harm.unweighted else None,
        "series_id": facts.series_id,
        "tier": decision.tier,
        "required_pip": decision.required_pip,
        "specialism": decision.specialism or "",
        "tier_modifiers": list(decision.modifiers_applied),
        "tier_basis": list(decision.basis),
        "policy_version": decision.policy_version,
    }
    for element in THRIVE_ELEMENTS:
        values[f"thrive_{element}"] = str(facts.thrive.get(element) or "")
    values["response_grade"] = str(facts.thrive.get("response_grade") or "")
    values["thrive_assessed_by"] = str(facts.thrive.get("assessed_by") or "")
    values["repeat_victim"] = bool(facts.thrive.get("repeat_victim") or False)
    return values, errors


def enhanced_victim(crime: Any) -> bool:
    """Whether a crime's flags put its victim in an enhanced-rights category (the allocation weight)."""
    return any(getattr(crime, name) for name in ENHANCED_FLAGS)


def offence_choices() -> list[tuple[str, str]]:
    return [(o.key, f"{o.description} ({o.ho_code})") for o in catalogue().values()]
