from __future__ import annotations

from custos.core.domains import DomainAppConfig


class AllocationConfig(DomainAppConfig):
    default = True
    name = "custos.allocation"
    label = "allocation"
    verbose_name = "Allocation"
    NAV = [
        (
            "Allocation",
            "allocation:queue",
            frozenset({"investigation-supervisor", "detective-inspector", "administrator"}),
        ),
        (
            "Workload",
            "allocation:workload",
            frozenset({"investigation-supervisor", "detective-inspector", "administrator"}),
        ),
        (
            "Conflicts of interest",
            "allocation:conflicts",
            frozenset(
                {
                    "investigator",
                    "ocsae-investigator",
                    "investigation-supervisor",
                    "detective-inspector",
                    "professional-standards",
                    "administrator",
                }
            ),
        ),
    ]
