"""Investigation plan templates: the standard lines of enquiry for each offence group, as policy data.

Reference §5 [D, assembled from S LOE-2023, PAINE, EBIT, HMI-SAC]. The template for an offence is
chosen by its catalogue ``group``; a force edits ``[investigations.lines_of_enquiry]``.
"""

from __future__ import annotations

from dataclasses import dataclass

from custos.core.policy import Policy, PolicyError
from custos.crimes.offences import offence


@dataclass(frozen=True)
class LineTemplate:
    key: str
    title: str


@dataclass(frozen=True)
class PlanTemplate:
    offence_key: str
    group: str
    lines: tuple[LineTemplate, ...]
    basis: str
    policy_version: str


def plan_template(offence_key: str, *, policy: Policy) -> PlanTemplate:
    """The lines of enquiry an investigation plan starts with for this offence."""
    group = offence(offence_key).group
    templates = policy.get("investigations.lines_of_enquiry.templates")
    titles = policy.get("investigations.lines_of_enquiry.lines")
    chosen = group if group in templates else "default"
    lines = []
    for key in templates[chosen]:
        if key not in titles:
            raise PolicyError(
                f"policy investigations.lines_of_enquiry.templates.{chosen} names unknown line {key!r}"
            )
        lines.append(LineTemplate(key, str(titles[key])))
    cite = policy.basis(f"investigations.lines_of_enquiry.templates.{chosen}")
    return PlanTemplate(
        offence_key,
        group,
        tuple(lines),
        f"{group} offences use the {chosen} template [{cite}]",
        policy.version,
    )
