"""The per-device verdict: counts by category and kind, likely IIOC with its reason, lab priority."""

from __future__ import annotations

from typing import Any

import pytest

from custos.core.policy import Policy
from custos.triage.scanner.verdict import device_verdict


def _file(*matches: tuple[str, str]) -> dict[str, Any]:
    return {"matches": [{"set": "s", "category": c, "kind": k, "distance": 0} for c, k in matches]}


@pytest.mark.parametrize(
    ("files", "likely", "priority", "by_kind"),
    [
        ([], False, "routine", {"exact": 0, "perceptual": 0}),
        ([_file(("non-indecent", "exact"))], False, "routine", {"exact": 1, "perceptual": 0}),
        ([_file(("C", "perceptual"))], True, "high", {"exact": 0, "perceptual": 1}),
        ([_file(("uncategorised", "exact"))], True, "high", {"exact": 1, "perceptual": 0}),
        (
            [_file(("C", "perceptual"), ("A", "exact")), _file(("B", "perceptual"))],
            True,
            "urgent",
            {"exact": 1, "perceptual": 1},
        ),
    ],
)
def test_verdict_table(
    policy: Policy, files: list[dict[str, Any]], likely: bool, priority: str, by_kind: dict[str, int]
) -> None:
    v = device_verdict(files, policy=policy)
    assert (v["likely_iioc"], v["lab_priority"], v["by_kind"]) == (likely, priority, by_kind)
    assert v["policy_version"] == policy.version
    assert v["basis"]


def test_a_file_is_counted_once_under_its_most_severe_category(policy: Policy) -> None:
    v = device_verdict([_file(("C", "exact"), ("A", "perceptual"))], policy=policy)
    assert v["by_category"] == {"A": 1, "B": 0, "C": 0, "non-indecent": 0, "uncategorised": 0}
    assert v["by_kind"] == {"exact": 1, "perceptual": 0}
    assert "1 in category A (1 exact, 0 perceptual)" in v["likely_iioc_reason"]


def test_the_likely_iioc_threshold_is_policy(policy: Policy) -> None:
    strict = policy.with_overrides({"triage.likely_iioc_min_hits": 3})
    v = device_verdict([_file(("A", "exact")), _file(("B", "exact"))], policy=strict)
    assert v["likely_iioc"] is False
    assert "fewer than triage.likely_iioc_min_hits (3)" in v["likely_iioc_reason"]
