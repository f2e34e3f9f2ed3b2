from __future__ import annotations

from custos.core.domains import DomainAppConfig


class OffendersConfig(DomainAppConfig):
    default = True
    name = "custos.offenders"
    label = "offenders"
