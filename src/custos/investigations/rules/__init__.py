"""Pure rules for investigations (no Django import): outcomes, finalisation, NFA rates, supervision, plans."""

from __future__ import annotations

from custos.investigations.rules.finalisation import (
    LINE_STATUSES,
    FinalisationCheck,
    LineOfEnquiry,
    Signoff,
    finalisation_check,
    line_errors,
)
from custos.investigations.rules.outcomes import (
    OUTCOME_NAMES,
    SUSPECT_STATES,
    OutcomeCheck,
    check_outcome,
    outcome_group,
    suspect_requirement,
)
from custos.investigations.rules.plans import LineTemplate, PlanTemplate, plan_template
from custos.investigations.rules.rates import NfaRate, nfa_rates, nfa_rates_counted
from custos.investigations.rules.supervision import (
    ReviewDue,
    ReviewStatus,
    first_review_due,
    next_review_due,
    review_status,
)

__all__ = [
    "LINE_STATUSES",
    "OUTCOME_NAMES",
    "SUSPECT_STATES",
    "FinalisationCheck",
    "LineOfEnquiry",
    "LineTemplate",
    "NfaRate",
    "OutcomeCheck",
    "PlanTemplate",
    "ReviewDue",
    "ReviewStatus",
    "Signoff",
    "check_outcome",
    "finalisation_check",
    "first_review_due",
    "line_errors",
    "next_review_due",
    "nfa_rates",
    "nfa_rates_counted",
    "outcome_group",
    "plan_template",
    "review_status",
    "suspect_requirement",
]
