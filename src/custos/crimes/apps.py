from __future__ import annotations

from custos.core.domains import DomainAppConfig


class CrimesConfig(DomainAppConfig):
    default = True
    name = "custos.crimes"
    label = "crimes"
    verbose_name = "Crimes"
    NAV = [("Crimes", "crimes:list", None)]
