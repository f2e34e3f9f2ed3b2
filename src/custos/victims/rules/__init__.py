"""Pure rules for victims (no Django import): entitlement, contact clocks, rights, Right to Review."""

from __future__ import annotations

from custos.victims.rules.deadlines import VICTIM_EVENTS, VictimDeadline, next_update_due, victim_deadline
from custos.victims.rules.entitlement import (
    CATEGORIES,
    CRIME_FLAGS,
    Entitlement,
    VictimFacts,
    enhanced_entitlement,
)
from custos.victims.rules.rights import (
    Obligation,
    ObligationDue,
    Right,
    obligation,
    obligation_due,
    victims_code_rights,
)
from custos.victims.rules.vrr import (
    IndependenceCheck,
    VrrEligibility,
    VrrWindow,
    add_months,
    reviewer_independence,
    vrr_eligibility,
    vrr_window,
)

__all__ = [
    "CATEGORIES",
    "CRIME_FLAGS",
    "VICTIM_EVENTS",
    "Entitlement",
    "IndependenceCheck",
    "Obligation",
    "ObligationDue",
    "Right",
    "VictimDeadline",
    "VictimFacts",
    "VrrEligibility",
    "VrrWindow",
    "add_months",
    "enhanced_entitlement",
    "next_update_due",
    "obligation",
    "obligation_due",
    "reviewer_independence",
    "victim_deadline",
    "victims_code_rights",
    "vrr_eligibility",
    "vrr_window",
]
