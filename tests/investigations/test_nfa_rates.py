from __future__ import annotations

from collections import Counter
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from custos.core.policy import Policy, current_policy
from custos.investigations.rules import NfaRate, nfa_rates, nfa_rates_counted


def test_worked_example_10_iioc_nfa_core_rate_is_60_percent(policy: Policy) -> None:
    records = [("iioc", o) for o in [14] * 15 + [15] * 15 + [16] * 15 + [18] * 15 + [1] * 25 + [22] * 15]
    rate = nfa_rates(records, policy=policy)["iioc"]
    assert rate.finalised == 100
    assert rate.nfa_core == 60
    assert rate.nfa_core_rate == Fraction(3, 5)
    assert NfaRate.percent(rate.nfa_core_rate) == 60.0
    assert rate.positive == 25


def test_outcomes_0_19_and_20_are_left_out_of_the_denominator(policy: Policy) -> None:
    rate = nfa_rates([("t", 18), ("t", 1), ("t", 0), ("t", 19), ("t", 20)], policy=policy)["t"]
    assert (rate.finalised, rate.excluded) == (2, 3)
    assert rate.nfa_core_rate == Fraction(1, 2)


def test_nfa_broad_adds_prevented_and_public_interest_outcomes(policy: Policy) -> None:
    rate = nfa_rates([("t", 14), ("t", 21), ("t", 10), ("t", 1)], policy=policy)["t"]
    assert (rate.nfa_core, rate.nfa_broad) == (1, 3)
    assert rate.nfa_broad_rate == Fraction(3, 4)


def test_rates_are_per_group_whatever_the_grouping(policy: Policy) -> None:
    rates = nfa_rates([(("team-a", "DC 1"), 18), (("team-a", "DC 2"), 1)], policy=policy)
    assert rates[("team-a", "DC 1")].nfa_core_rate == 1
    assert rates[("team-a", "DC 2")].nfa_core_rate == 0


def test_a_group_with_only_excluded_outcomes_has_no_rate(policy: Policy) -> None:
    assert nfa_rates([("t", 0)], policy=policy)["t"].nfa_core_rate is None


@given(
    st.lists(
        st.tuples(
            st.sampled_from(["iioc", "burglary", "theft"]), st.sampled_from([0, 1, 2, 14, 15, 16, 18, 19, 22])
        ),
        max_size=60,
    )
)
def test_counted_rates_equal_the_rates_of_the_crimes_they_count(records: list[tuple[str, int]]) -> None:
    """The database's GROUP BY counts give exactly the rates of the one-row-per-crime pairs."""
    policy = current_policy()
    counted = Counter(records)
    assert nfa_rates_counted(((g, o, n) for (g, o), n in counted.items()), policy=policy) == nfa_rates(
        records, policy=policy
    )
