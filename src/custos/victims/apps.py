from __future__ import annotations

from custos.core.domains import DomainAppConfig


class VictimsConfig(DomainAppConfig):
    default = True
    name = "custos.victims"
    label = "victims"
