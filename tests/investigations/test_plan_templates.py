from __future__ import annotations

import pytest

from custos.core.policy import Policy
from custos.crimes.offences import catalogue
from custos.investigations.rules import plan_template


def test_a_burglary_plan_starts_with_the_neighbourhood_crime_lines(policy: Policy) -> None:
    keys = [line.key for line in plan_template("burglary-residential", policy=policy).lines]
    expected = {
        "scene-attendance",
        "csi-forensics",
        "house-to-house",
        "doorbell-dashcam",
        "phone-tracking",
        "stolen-property",
        "intelligence",
        "suspect-arrest-interview",
    }
    assert expected <= set(keys)


def test_an_iioc_plan_examines_the_devices(policy: Policy) -> None:
    keys = [line.key for line in plan_template("iioc-possession", policy=policy).lines]
    assert keys[:2] == ["digital-devices", "image-grading"]


def test_an_offence_group_without_a_template_gets_the_default(policy: Policy) -> None:
    plan = plan_template("perverting-course-of-justice", policy=policy)
    assert "default template" in plan.basis
    assert plan.lines


@pytest.mark.parametrize("key", sorted(catalogue()))
def test_every_offence_gets_titled_lines(policy: Policy, key: str) -> None:
    plan = plan_template(key, policy=policy)
    assert all(line.title for line in plan.lines)
    assert len({line.key for line in plan.lines}) == len(plan.lines)
