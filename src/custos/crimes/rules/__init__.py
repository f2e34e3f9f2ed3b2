"""Pure rules for crimes (no Django import): tiering, harm, solvability, THRIVE and police.uk intake.

Every result carries its basis; results that used policy carry ``policy_version``.
"""

from __future__ import annotations

from custos.crimes.rules.harm import HarmItem, HarmResult, crime_harm
from custos.crimes.rules.policeuk import (
    CrimeOutcome,
    OutcomesImport,
    RowError,
    StreetCrime,
    StreetImport,
    parse_outcomes_csv,
    parse_street_csv,
)
from custos.crimes.rules.solvability import (
    BURGLARY_FACTORS,
    EBIT_FACTORS,
    ScreeningResult,
    filing_errors,
    reported_promptly,
    solvability_screen,
)
from custos.crimes.rules.thrive import THRIVE_ELEMENTS, thrive_errors
from custos.crimes.rules.tiering import TIERS, TierDecision, UnknownModifier, crime_tier, tiering_modifiers

__all__ = [
    "BURGLARY_FACTORS",
    "EBIT_FACTORS",
    "THRIVE_ELEMENTS",
    "TIERS",
    "CrimeOutcome",
    "HarmItem",
    "HarmResult",
    "OutcomesImport",
    "RowError",
    "ScreeningResult",
    "StreetCrime",
    "StreetImport",
    "TierDecision",
    "UnknownModifier",
    "crime_harm",
    "crime_tier",
    "filing_errors",
    "parse_outcomes_csv",
    "parse_street_csv",
    "reported_promptly",
    "solvability_screen",
    "thrive_errors",
    "tiering_modifiers",
]
