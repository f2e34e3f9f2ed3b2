from __future__ import annotations

import pytest

from custos.core.policy import Policy
from custos.investigations.rules import OUTCOME_NAMES, check_outcome
from custos.investigations.rules.outcomes import OUTCOME_0_NOT_FINAL, OUTCOME_21_DISCOURAGED

# Which suspect states each outcome accepts: (none, identified, named).
ACCEPTS = {
    0: (False, False, False),  # never final
    1: (False, False, True),
    2: (False, False, True),
    3: (False, False, True),
    4: (False, False, True),
    5: (False, True, True),
    6: (False, False, True),
    7: (False, False, True),
    8: (False, False, True),
    9: (False, True, True),
    10: (False, True, True),
    11: (False, True, True),
    12: (False, True, True),
    13: (False, True, True),
    14: (True, False, False),  # suspect not identified
    15: (False, True, True),
    16: (False, True, True),
    17: (False, True, True),
    18: (True, False, False),  # no suspect identified
    19: (True, True, True),
    20: (True, True, True),
    21: (False, False, True),  # named suspect
    22: (False, False, True),
}
STATES = ("none", "identified", "named")


def test_the_table_covers_all_23_outcomes() -> None:
    assert set(ACCEPTS) == set(OUTCOME_NAMES) == set(range(23))


@pytest.mark.parametrize(
    ("outcome", "suspect", "valid"),
    [(o, s, ACCEPTS[o][i]) for o in sorted(ACCEPTS) for i, s in enumerate(STATES)],
)
def test_outcome_against_suspect_state(policy: Policy, outcome: int, suspect: str, valid: bool) -> None:
    checked = check_outcome(outcome, suspect, policy=policy)
    assert checked.valid is valid
    assert bool(checked.errors) is not valid


def test_worked_example_11_outcome_21_without_a_named_suspect_is_an_error(policy: Policy) -> None:
    checked = check_outcome(21, "none", policy=policy)
    assert not checked.valid
    assert "named suspect" in checked.errors[0]


def test_outcome_0_is_never_final(policy: Policy) -> None:
    assert check_outcome(0, "named", policy=policy).errors == (OUTCOME_0_NOT_FINAL,)


@pytest.mark.parametrize("flag", ["domestic-abuse", "hate", "child"])
def test_outcome_21_warns_in_domestic_abuse_hate_and_child_cases(policy: Policy, flag: str) -> None:
    checked = check_outcome(21, "named", flags=[flag, "sexual"], policy=policy)
    assert checked.valid
    assert checked.warnings == (OUTCOME_21_DISCOURAGED.format(flag=flag),)


def test_no_warning_for_outcome_21_otherwise(policy: Policy) -> None:
    assert check_outcome(21, "named", flags=["sexual"], policy=policy).warnings == ()


@pytest.mark.parametrize(
    ("outcome", "signoff"), [(14, True), (15, True), (16, True), (18, True), (1, False), (21, False)]
)
def test_nfa_outcomes_need_a_supervisor_sign_off(policy: Policy, outcome: int, signoff: bool) -> None:
    assert check_outcome(outcome, "named", policy=policy).requires_signoff is signoff


def test_an_outcome_outside_0_to_22_is_invalid(policy: Policy) -> None:
    checked = check_outcome(23, "named", policy=policy)
    assert not checked.valid
    assert "0-22" in checked.errors[0]


def test_outcomes_carry_their_home_office_group(policy: Policy) -> None:
    assert check_outcome(16, "identified", policy=policy).group == (
        "Evidential difficulties: victim does not support action"
    )
    assert check_outcome(8, "named", policy=policy).group == "Out-of-court (informal)"


def test_the_suspect_rule_is_policy(policy: Policy) -> None:
    relaxed = policy.with_overrides({"investigations.outcome_suspect.1": "any"})
    assert check_outcome(1, "none", policy=relaxed).valid


def test_an_unknown_suspect_state_is_refused(policy: Policy) -> None:
    with pytest.raises(ValueError, match="none, identified, named"):
        check_outcome(1, "arrested", policy=policy)
