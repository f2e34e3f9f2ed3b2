from __future__ import annotations

from custos.core.domains import DomainAppConfig


class ReportingConfig(DomainAppConfig):
    default = True
    name = "custos.reporting"
    label = "reporting"
