"""Home Office outcome types 0-22: names, groups, and which suspect each outcome needs.

Reference §3. Short names are from public outcome-label code [S2] and force FOI answers [S]; group
membership and the suspect each outcome needs are unconfirmed or design [M/D], so they are policy
(``[investigations.outcome_groups]``, ``[investigations.outcome_suspect]``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from custos.core.policy import Policy, PolicyError

OUTCOME_NAMES: dict[int, str] = {
    0: "Not yet assigned",
    1: "Charged or summonsed",
    2: "Caution - youths",
    3: "Caution - adults",
    4: "Taken into consideration",
    5: "Offender died",
    6: "Penalty Notice for Disorder",
    7: "Cannabis or khat warning",
    8: "Community resolution",
    9: "Prosecution not in the public interest (CPS)",
    10: "Formal action not in the public interest (police)",
    11: "Prosecution prevented - suspect under age",
    12: "Prosecution prevented - suspect too ill",
    13: "Prosecution prevented - victim or key witness dead or too ill",
    14: "Evidential difficulties: suspect not identified; victim does not support further action",
    15: "Evidential difficulties: suspect identified; victim supports action",
    16: "Evidential difficulties: suspect identified; victim does not support action",
    17: "Prosecution time limit expired",
    18: "Investigation complete - no suspect identified",
    19: "National Fraud Intelligence Bureau filing",
    20: "Further action by another body or agency",
    21: "Further investigation against the named suspect not in the public interest (police decision)",
    22: "Diversionary, educational or intervention activity; further action not in the public interest",
}
SUSPECT_STATES = ("none", "identified", "named")
REQUIREMENTS = ("none", "identified", "named", "any")

OUTCOME_UNKNOWN = "outcome {outcome} is not a Home Office outcome type (0-22)"
SUSPECT_UNKNOWN = "suspect must be one of none, identified, named; got {suspect!r}"
OUTCOME_0_NOT_FINAL = "outcome 0 (not yet assigned) is never a final outcome"
NEEDS_NAMED = "outcome {outcome} ({name}) needs a named suspect; the suspect is {suspect}"
NEEDS_IDENTIFIED = "outcome {outcome} ({name}) needs an identified suspect; the suspect is {suspect}"
NEEDS_NONE = "outcome {outcome} ({name}) is for a crime with no suspect identified; the suspect is {suspect}"
OUTCOME_21_DISCOURAGED = "outcome 21 should not normally be used in {flag} cases (Home Office guidance)"


@dataclass(frozen=True)
class OutcomeCheck:
    outcome: int
    suspect: str
    name: str | None
    group: str | None
    valid: bool
    errors: tuple[str, ...]
    warnings: tuple[str, ...]
    requires_signoff: bool
    basis: tuple[str, ...]
    policy_version: str


def outcome_group(outcome: int, *, policy: Policy) -> str | None:
    """The Home Office outcome group an outcome belongs to (policy data), or None if unlisted."""
    for group, members in policy.get("investigations.outcome_groups").items():
        if outcome in members:
            return str(group)
    return None


def suspect_requirement(outcome: int, *, policy: Policy) -> str:
    key = f"investigations.outcome_suspect.{outcome}"
    requirement = str(policy.get(key))
    if requirement not in REQUIREMENTS:
        raise PolicyError(f"policy {key} must be one of {', '.join(REQUIREMENTS)}, got {requirement!r}")
    return requirement


def check_outcome(outcome: int, suspect: str, *, flags: Iterable[str] = (), policy: Policy) -> OutcomeCheck:
    """Is this outcome consistent with what is known about the suspect? Errors block; warnings do not."""
    if suspect not in SUSPECT_STATES:
        raise ValueError(SUSPECT_UNKNOWN.format(suspect=suspect))
    name = OUTCOME_NAMES.get(outcome)
    if name is None:
        return OutcomeCheck(
            outcome,
            suspect,
            None,
            None,
            False,
            (OUTCOME_UNKNOWN.format(outcome=outcome),),
            (),
            False,
            ("Home Office Counting Rules outcome types 0-22",),
            policy.version,
        )
    errors: list[str] = []
    warnings: list[str] = []
    basis = [f"outcome {outcome}: {name}"]
    if outcome == 0:
        errors.append(OUTCOME_0_NOT_FINAL)
        basis.append("outcome 0 is a holding state and is never counted")
    else:
        requirement = suspect_requirement(outcome, policy=policy)
        basis.append(
            f"needs suspect: {requirement} [{policy.basis(f'investigations.outcome_suspect.{outcome}')}]"
        )
        problem = _suspect_problem(outcome, name, suspect, requirement)
        if problem:
            errors.append(problem)
    if outcome == 21:
        discouraged = list(policy.get("investigations.outcome_21_discouraged_flags"))
        for flag in discouraged:
            if flag in set(flags):
                warnings.append(OUTCOME_21_DISCOURAGED.format(flag=flag))
        basis.append("outcome 21 needs a rationale and the victim informed, both logged (Home Office 2016)")
    signoff_set = list(policy.get("investigations.nfa_outcomes"))
    requires_signoff = outcome in signoff_set
    if requires_signoff:
        basis.append(
            f"needs a supervisor's sign-off with rationale [{policy.basis('investigations.nfa_outcomes')}]"
        )
    return OutcomeCheck(
        outcome=outcome,
        suspect=suspect,
        name=name,
        group=outcome_group(outcome, policy=policy),
        valid=not errors,
        errors=tuple(errors),
        warnings=tuple(warnings),
        requires_signoff=requires_signoff,
        basis=tuple(basis),
        policy_version=policy.version,
    )


def _suspect_problem(outcome: int, name: str, suspect: str, requirement: str) -> str | None:
    if requirement == "named" and suspect != "named":
        return NEEDS_NAMED.format(outcome=outcome, name=name, suspect=suspect)
    if requirement == "identified" and suspect == "none":
        return NEEDS_IDENTIFIED.format(outcome=outcome, name=name, suspect=suspect)
    if requirement == "none" and suspect != "none":
        return NEEDS_NONE.format(outcome=outcome, name=name, suspect=suspect)
    return None
