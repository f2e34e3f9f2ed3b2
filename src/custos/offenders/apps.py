from __future__ import annotations

from custos.core.domains import DomainAppConfig

OFFENDER_NAV_ROLES = frozenset(
    {"offender-manager", "mosovo-supervisor", "detective-inspector", "administrator"}
)


class OffendersConfig(DomainAppConfig):
    default = True
    name = "custos.offenders"
    label = "offenders"
    verbose_name = "Offender management"
    NAV = [
        ("Offenders", "offenders:worklist", OFFENDER_NAV_ROLES),
        (
            "Oversight",
            "offenders:dashboard",
            frozenset({"mosovo-supervisor", "detective-inspector", "administrator"}),
        ),
    ]

    def ready(self) -> None:
        from django.urls import reverse

        from custos.core.forms import BreakGlassType, register_break_glass

        super().ready()
        from custos.offenders.models import Offender

        register_break_glass(
            "offenders.offender",
            BreakGlassType(
                "Registered offender (nominal reference)",
                Offender,
                "reference",
                lambda o: reverse("offenders:offender", args=[o.pk]),
            ),
        )
