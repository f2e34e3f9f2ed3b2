from __future__ import annotations

from custos.core.domains import DomainAppConfig

_LAB = frozenset({"digital-forensic-examiner", "ocsae-investigator", "administrator"})
_DEVICES = frozenset(
    {
        "digital-forensic-examiner",
        "ocsae-investigator",
        "investigator",
        "investigation-supervisor",
        "detective-inspector",
        "offender-manager",
        "mosovo-supervisor",
        "administrator",
        "professional-standards",
    }
)


class TriageConfig(DomainAppConfig):
    default = True
    name = "custos.triage"
    label = "triage"
    verbose_name = "Device triage and the lab queue"
    NAV = [
        ("Lab queue", "triage:queue", _DEVICES),
        ("Hash sets", "triage:hashsets", _LAB),
    ]

    def ready(self) -> None:
        # The offline scanner (custos.triage.scanner) never imports Django; only this side does.
        from django.urls import reverse

        from custos.core.forms import BreakGlassType, register_break_glass

        super().ready()  # access, home and sweep registrations
        from custos.triage.models import Device

        register_break_glass(
            "triage.device",
            BreakGlassType(
                "Seized device (exhibit reference)",
                Device,
                "exhibit_reference",
                lambda d: reverse("triage:device", args=[d.pk]),
            ),
        )
