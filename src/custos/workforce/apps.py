from __future__ import annotations

from custos.core.domains import DomainAppConfig


class WorkforceConfig(DomainAppConfig):
    default = True
    name = "custos.workforce"
    label = "workforce"
    verbose_name = "Workforce"
    NAV = [("Workforce", "workforce:people", None), ("Training", "workforce:training", None)]

    def ready(self) -> None:
        from django.urls import reverse

        from custos.core.forms import BreakGlassType, register_break_glass

        super().ready()  # access, home and sweep registrations
        from custos.workforce.models import Person

        register_break_glass(
            "workforce.person",
            BreakGlassType(
                "Officer or staff record (staff number)",
                Person,
                "staff_number",
                lambda p: reverse("workforce:person", args=[p.pk]),
            ),
        )
