from __future__ import annotations

from datetime import date

import pytest

from custos.core.policy import Policy
from custos.crimes.rules import filing_errors, reported_promptly, solvability_screen
from custos.crimes.rules.solvability import FILING_NEEDS_LINES, FILING_NEEDS_REASON


def test_worked_example_9_minor_assault_with_four_ebit_factors_screens_in(policy: Policy) -> None:
    promptly = reported_promptly(date(2026, 3, 1), date(2026, 3, 4), policy=policy)
    factors = ["victim-supports-prosecution", "named-suspect", "cctv"] + (
        ["reported-promptly"] if promptly else []
    )
    result = solvability_screen("ebit", factors, policy=policy)
    assert result.screen_in
    assert [f.split(".")[0] for f in result.factors_present] == ["1", "2", "4", "8"]


@pytest.mark.parametrize(("days_later", "prompt"), [(0, True), (27, True), (28, False), (60, False)])
def test_ebit_factor_8_is_reported_fewer_than_28_days_after(
    policy: Policy, days_later: int, prompt: bool
) -> None:
    occurred = date(2026, 1, 1)
    reported = date.fromordinal(occurred.toordinal() + days_later)
    assert reported_promptly(occurred, reported, policy=policy) is prompt


def test_below_the_threshold_a_crime_is_only_eligible_for_filing(policy: Policy) -> None:
    result = solvability_screen("ebit", ["cctv"], policy=policy)
    assert not result.screen_in
    assert any("crime type alone never screens out" in line for line in result.basis)


def test_the_public_interest_stage_keeps_a_crime_in(policy: Policy) -> None:
    result = solvability_screen("ebit", [], public_interest=["vulnerable-victim"], policy=policy)
    assert result.screen_in


@pytest.mark.parametrize(("factors", "screen_in"), [([], False), (["footwear-marks"], True)])
def test_one_burglary_factor_screens_in(policy: Policy, factors: list[str], screen_in: bool) -> None:
    assert solvability_screen("burglary", factors, policy=policy).screen_in is screen_in


def test_the_threshold_is_policy(policy: Policy) -> None:
    stricter = policy.with_overrides({"crimes.burglary_screen_in_min_factors": 2})
    assert not solvability_screen("burglary", ["dna"], policy=stricter).screen_in


def test_an_unknown_factor_is_refused(policy: Policy) -> None:
    with pytest.raises(ValueError, match="valid factors"):
        solvability_screen("burglary", ["cctv"], policy=policy)


def test_filing_needs_a_reason_citing_the_lines_of_enquiry() -> None:
    assert filing_errors("", []) == [FILING_NEEDS_REASON, FILING_NEEDS_LINES]
    assert filing_errors("shoplifting under 50 pounds", []) == [FILING_NEEDS_LINES]
    assert filing_errors("no CCTV held; no witnesses", ["cctv", "witnesses"]) == []
