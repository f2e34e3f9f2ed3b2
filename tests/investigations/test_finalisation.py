from __future__ import annotations

from custos.core.policy import Policy
from custos.investigations.rules import LineOfEnquiry, Signoff, finalisation_check, line_errors
from custos.investigations.rules.finalisation import (
    NO_LINES,
    OUTCOME_21_NEEDS_RATIONALE,
    OUTCOME_21_NEEDS_VICTIM_INFORMED,
    SIGNOFF_NEEDED,
    SIGNOFF_NOT_PROPOSER,
    SIGNOFF_NOT_SELF,
)

RESOLVED = [
    LineOfEnquiry("cctv", "CCTV", "pursued", "footage seized; suspect not identifiable"),
    LineOfEnquiry("house-to-house", "House-to-house", "not-available", "no residences overlook the scene"),
    LineOfEnquiry("phone-tracking", "Phone tracking", "not-applicable", "no phone stolen"),
]


def test_a_crime_with_every_line_resolved_and_a_signed_off_nfa_can_be_finalised(policy: Policy) -> None:
    check = finalisation_check(
        outcome=18,
        suspect="none",
        lines=RESOLVED,
        signoff=Signoff("PS 101", "all lines exhausted"),
        policy=policy,
    )
    assert check.can_finalise, check.errors
    assert check.requires_signoff


def test_an_open_line_or_a_line_without_a_reason_blocks_finalisation() -> None:
    lines = [
        *RESOLVED,
        LineOfEnquiry("witnesses", "Witnesses", None),
        LineOfEnquiry("dna", "DNA", "pursued", " "),
    ]
    errors = line_errors(lines)
    assert len(errors) == 2
    assert "'witnesses'" in errors[0]
    assert "still open" in errors[0]
    assert "'dna'" in errors[1]
    assert "without a reason" in errors[1]


def test_a_plan_with_no_lines_cannot_be_finalised() -> None:
    assert line_errors([]) == [NO_LINES]


def test_an_nfa_outcome_needs_a_sign_off_not_by_the_investigator(policy: Policy) -> None:
    unsigned = finalisation_check(outcome=16, suspect="identified", lines=RESOLVED, policy=policy)
    assert unsigned.errors == (SIGNOFF_NEEDED.format(outcome=16),)
    self_signed = finalisation_check(
        outcome=16,
        suspect="identified",
        lines=RESOLVED,
        signoff=Signoff("DC 7", "victim withdrew"),
        investigator_id="DC 7",
        policy=policy,
    )
    assert self_signed.errors == (SIGNOFF_NOT_SELF,)


def test_an_nfa_outcome_cannot_be_signed_off_by_the_supervisor_who_proposed_it(policy: Policy) -> None:
    own_proposal = finalisation_check(
        outcome=18,
        suspect="none",
        lines=RESOLVED,
        signoff=Signoff("DS 3", "all lines exhausted"),
        investigator_id="DC 7",
        proposer_id="DS 3",
        policy=policy,
    )
    someone_elses = finalisation_check(
        outcome=18,
        suspect="none",
        lines=RESOLVED,
        signoff=Signoff("DS 4", "all lines exhausted"),
        investigator_id="DC 7",
        proposer_id="DS 3",
        policy=policy,
    )
    assert own_proposal.errors == (SIGNOFF_NOT_PROPOSER,)
    assert someone_elses.can_finalise, someone_elses.errors


def test_a_charge_needs_no_sign_off(policy: Policy) -> None:
    check = finalisation_check(outcome=1, suspect="named", lines=RESOLVED, policy=policy)
    assert check.can_finalise
    assert not check.requires_signoff


def test_outcome_21_needs_a_rationale_and_the_victim_informed(policy: Policy) -> None:
    check = finalisation_check(outcome=21, suspect="named", lines=RESOLVED, policy=policy)
    assert check.errors == (OUTCOME_21_NEEDS_RATIONALE, OUTCOME_21_NEEDS_VICTIM_INFORMED)
    ok = finalisation_check(
        outcome=21,
        suspect="named",
        lines=RESOLVED,
        rationale="minor; victim content",
        victim_informed=True,
        policy=policy,
    )
    assert ok.can_finalise


def test_the_outcome_errors_come_first(policy: Policy) -> None:
    check = finalisation_check(
        outcome=21, suspect="none", lines=[], rationale="r", victim_informed=True, policy=policy
    )
    assert "named suspect" in check.errors[0]
    assert check.errors[1] == NO_LINES
