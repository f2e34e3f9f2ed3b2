from __future__ import annotations

from custos.core.domains import DomainAppConfig


class AllocationConfig(DomainAppConfig):
    default = True
    name = "custos.allocation"
    label = "allocation"
