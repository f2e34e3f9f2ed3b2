"""Finalising a crime: every line of enquiry resolved with a reason, a valid outcome, NFA sign-off.

Reference §3 and §5 [D]: an investigation plan lists every standard line of enquiry with its status and
reason; a crime closes only when none is left open; NFA-type outcomes (a policy set) need a supervisor's
sign-off with a rationale; outcome 21 needs a rationale and the victim informed [S CLEV-O21].
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from custos.core.policy import Policy
from custos.investigations.rules.outcomes import check_outcome

LINE_STATUSES = ("pursued", "not-applicable", "not-available")

LINE_OPEN = (
    "line of enquiry {key!r} ({title}) is still open: mark it pursued, not applicable or not available"
)
LINE_NEEDS_REASON = "line of enquiry {key!r} ({title}) is marked {status} without a reason"
LINE_BAD_STATUS = "line of enquiry {key!r} has unknown status {status!r}"
NO_LINES = "the investigation plan has no lines of enquiry"
SIGNOFF_NEEDED = "outcome {outcome} needs a supervisor's sign-off with a rationale"
SIGNOFF_NEEDS_RATIONALE = "the supervisor's sign-off needs a rationale"
SIGNOFF_NOT_SELF = "the supervisor signing off cannot be the investigator"
SIGNOFF_NOT_PROPOSER = "the supervisor signing off cannot be the person who proposed the outcome"
OUTCOME_21_NEEDS_RATIONALE = "outcome 21 needs a recorded rationale"
OUTCOME_21_NEEDS_VICTIM_INFORMED = "outcome 21 needs the victim informed, and that logged"


@dataclass(frozen=True)
class LineOfEnquiry:
    key: str
    title: str
    status: str | None  # None while open
    reason: str = ""


@dataclass(frozen=True)
class Signoff:
    supervisor_id: str
    rationale: str


@dataclass(frozen=True)
class FinalisationCheck:
    can_finalise: bool
    errors: tuple[str, ...]
    warnings: tuple[str, ...]
    requires_signoff: bool
    basis: tuple[str, ...]
    policy_version: str


def line_errors(lines: Sequence[LineOfEnquiry]) -> list[str]:
    """Every line left open, or closed without a reason."""
    if not lines:
        return [NO_LINES]
    errors = []
    for line in lines:
        if line.status is None:
            errors.append(LINE_OPEN.format(key=line.key, title=line.title))
        elif line.status not in LINE_STATUSES:
            errors.append(LINE_BAD_STATUS.format(key=line.key, status=line.status))
        elif not line.reason.strip():
            errors.append(LINE_NEEDS_REASON.format(key=line.key, title=line.title, status=line.status))
    return errors


def finalisation_check(
    *,
    outcome: int,
    suspect: str,
    lines: Sequence[LineOfEnquiry],
    flags: Iterable[str] = (),
    rationale: str = "",
    victim_informed: bool = False,
    signoff: Signoff | None = None,
    investigator_id: str | None = None,
    proposer_id: str | None = None,
    policy: Policy,
) -> FinalisationCheck:
    """Whether a crime may be finalised with this outcome now, and everything that stands in the way."""
    checked = check_outcome(outcome, suspect, flags=flags, policy=policy)
    errors = list(checked.errors) + line_errors(lines)
    basis = [
        *checked.basis,
        "every line of enquiry resolved with a reason (investigation plan, reference §5)",
    ]
    if outcome == 21:
        if not rationale.strip():
            errors.append(OUTCOME_21_NEEDS_RATIONALE)
        if not victim_informed:
            errors.append(OUTCOME_21_NEEDS_VICTIM_INFORMED)
    if checked.requires_signoff:
        if signoff is None:
            errors.append(SIGNOFF_NEEDED.format(outcome=outcome))
        else:
            if not signoff.rationale.strip():
                errors.append(SIGNOFF_NEEDS_RATIONALE)
            if investigator_id is not None and signoff.supervisor_id == investigator_id:
                errors.append(SIGNOFF_NOT_SELF)
            # The sign-off is a second person's check: whoever proposed the NFA cannot also approve it.
            elif proposer_id is not None and signoff.supervisor_id == proposer_id:
                errors.append(SIGNOFF_NOT_PROPOSER)
    return FinalisationCheck(
        can_finalise=not errors,
        errors=tuple(errors),
        warnings=checked.warnings,
        requires_signoff=checked.requires_signoff,
        basis=tuple(basis),
        policy_version=policy.version,
    )
