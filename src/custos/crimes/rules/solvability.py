"""Solvability screening: Kent EBIT's 8 factors and Thames Valley's 12 burglary factors.

Reference §2. The factors are sourced [S EBIT, PAINE]; the screening thresholds and the public-interest
reasons that keep a crime in are policy [D] (``[crimes]``). The EBIT coefficients were never published,
so screening counts factors against a threshold rather than pretending to reproduce the regression.

Crime type alone never screens a crime out [S2 PROFSEC-INV; D]: the functions here take no crime type,
and a crime below the threshold is only *eligible* for filing, which needs a reason citing the lines of
enquiry (``filing_errors``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from custos.core.policy import Policy

EBIT_FACTORS = (
    ("victim-supports-prosecution", "victim supports prosecution"),
    ("named-suspect", "named suspect"),
    ("cooperative-witness", "cooperative witness"),
    ("cctv", "CCTV"),
    ("police-testimony", "confirming police testimony"),
    ("forensic-evidence", "forensic evidence"),
    ("linked-cases", "link to other cases"),
    ("reported-promptly", "reported promptly after the incident"),
)
BURGLARY_FACTORS = (
    ("fingerprints", "fingerprints"),
    ("offender-seen", "offender seen"),
    ("witness", "witness"),
    ("offender-vehicle-sighted", "offender vehicle sighted"),
    ("offender-disturbed", "offender disturbed"),
    ("suspect-description", "suspect description"),
    ("footwear-marks", "footwear marks"),
    ("dna", "DNA"),
    ("in-progress-report", "reported in progress"),
    ("property-recovered", "property recovered"),
    ("articles-left", "articles left at the scene"),
    ("vehicle-stolen", "vehicle stolen"),
)
MODELS = {
    "ebit": (EBIT_FACTORS, "crimes.ebit_screen_in_min_factors", "Kent EBIT (McFadzien et al. 2020)"),
    "burglary": (BURGLARY_FACTORS, "crimes.burglary_screen_in_min_factors", "Paine and Ariel 2019"),
}

UNKNOWN_MODEL = "unknown solvability model {model!r}; valid models: ebit, burglary"
UNKNOWN_FACTOR = "unknown {model} factor {name!r}; valid factors: {valid}"
UNKNOWN_PUBLIC_INTEREST = "unknown public-interest reason {name!r}; valid reasons: {valid}"
FILING_NEEDS_REASON = "a filing decision needs a written reason"
FILING_NEEDS_LINES = (
    "a filing reason must cite the lines of enquiry considered; crime type alone never screens out"
)
REPORTED_BEFORE_INCIDENT = "reported date {reported} is before the incident date {occurred}"


@dataclass(frozen=True)
class ScreeningResult:
    model: str
    factors_present: tuple[str, ...]  # "n. label" in the model's order
    count: int
    threshold: int
    screen_in: bool
    basis: tuple[str, ...]
    policy_version: str


def reported_promptly(occurred: date, reported: date, *, policy: Policy) -> bool:
    """EBIT factor 8: reported fewer than ``ebit_prompt_report_days`` days after the incident."""
    if reported < occurred:
        raise ValueError(REPORTED_BEFORE_INCIDENT.format(reported=reported, occurred=occurred))
    return (reported - occurred).days < int(policy.get("crimes.ebit_prompt_report_days"))


def solvability_screen(
    model: str, present: Iterable[str], *, public_interest: Iterable[str] = (), policy: Policy
) -> ScreeningResult:
    """Screen a crime in or leave it eligible for filing, from the factors present at the end of the
    preliminary investigation, with the public-interest second stage."""
    if model not in MODELS:
        raise ValueError(UNKNOWN_MODEL.format(model=model))
    factors, threshold_key, source = MODELS[model]
    names = [name for name, _ in factors]
    wanted = set(present)
    for name in sorted(wanted):
        if name not in names:
            raise ValueError(UNKNOWN_FACTOR.format(model=model, name=name, valid=", ".join(names)))
    allowed_reasons = list(policy.get("crimes.screen_in_regardless"))
    reasons = []
    for name in public_interest:
        if name not in allowed_reasons:
            raise ValueError(UNKNOWN_PUBLIC_INTEREST.format(name=name, valid=", ".join(allowed_reasons)))
        reasons.append(name)
    listed = tuple(f"{i}. {label}" for i, (name, label) in enumerate(factors, start=1) if name in wanted)
    threshold = int(policy.get(threshold_key))
    basis = [
        f"{source}: {len(listed)} of {len(factors)} factors present"
        + (f" ({', '.join(listed)})" if listed else ""),
        f"screen-in threshold {threshold} factors [{policy.basis(threshold_key)}]",
    ]
    screen_in = len(listed) >= threshold
    if reasons:
        cite = policy.basis("crimes.screen_in_regardless")
        basis.append(f"kept in on public interest: {', '.join(reasons)} [{cite}]")
        screen_in = True
    if not screen_in:
        basis.append(
            "below threshold: eligible for filing only with a supervisor's reason citing the lines of "
            "enquiry; crime type alone never screens out"
        )
    return ScreeningResult(model, listed, len(listed), threshold, screen_in, tuple(basis), policy.version)


def filing_errors(reason: str, lines_of_enquiry_cited: Sequence[str]) -> list[str]:
    """What is wrong with a decision to file a crime (empty when it may be filed)."""
    errors = []
    if not reason.strip():
        errors.append(FILING_NEEDS_REASON)
    if not [line for line in lines_of_enquiry_cited if line.strip()]:
        errors.append(FILING_NEEDS_LINES)
    return errors
