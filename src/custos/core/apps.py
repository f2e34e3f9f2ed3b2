from __future__ import annotations

from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "custos.core"
    label = "core"
    verbose_name = "Custos core"

    def ready(self) -> None:
        from custos.core.checks import enforce_production_settings

        enforce_production_settings()
