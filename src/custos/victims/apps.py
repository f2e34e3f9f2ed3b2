from __future__ import annotations

from custos.core.domains import DomainAppConfig

CARE_AND_SUPERVISION = frozenset(
    {
        "victim-care-officer",
        "investigator",
        "ocsae-investigator",
        "investigation-supervisor",
        "detective-inspector",
        "administrator",
    }
)
COMPLIANCE_READERS = frozenset(
    {"investigation-supervisor", "detective-inspector", "performance-analyst", "inspector", "administrator"}
)


class VictimsConfig(DomainAppConfig):
    default = True
    name = "custos.victims"
    label = "victims"
    verbose_name = "Victims"
    NAV = [
        ("Victim clocks", "victims:worklist", CARE_AND_SUPERVISION),
        ("Victims' Code compliance", "victims:compliance", COMPLIANCE_READERS),
    ]

    def ready(self) -> None:
        from django.urls import reverse

        from custos.core.forms import BreakGlassType, register_break_glass

        super().ready()  # access, home and sweep registrations
        from custos.victims.models import Victim

        register_break_glass(
            "victims.victim",
            BreakGlassType(
                "Victim of a crime (crime reference)",
                Victim,
                "links__crime__reference",
                lambda v: reverse("victims:detail", args=[v.pk]),
            ),
        )
