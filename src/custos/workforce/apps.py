from __future__ import annotations

from django.apps import AppConfig


class WorkforceConfig(AppConfig):
    name = "custos.workforce"
    label = "workforce"
    verbose_name = "Workforce"

    def ready(self) -> None:
        from django.urls import reverse

        from custos.core.forms import BreakGlassType, register_break_glass
        from custos.workforce import access, home  # noqa: F401 - registers permissions and home panels
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
